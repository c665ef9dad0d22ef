"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { isIpv4Cidr } from "./ipv4";
import type { BridgeForm } from "./pending-edits";

// Add a bridge, or change an existing one's timers and add an address. Only obvious
// mistakes are caught here; the server checks every field again and its refusal is shown
// on the pending edit it belongs to.

export const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}$/;

export function BridgeDialog({
  open,
  existing,
  takenNames,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  /** Editing this bridge (name fixed); null to add a new one. */
  existing: { name: string; stp: boolean; forwardDelayCs: number | null } | null;
  takenNames: readonly string[];
  onCancel: () => void;
  onSubmit: (f: BridgeForm) => void;
}) {
  return (
    <Dialog open={open} onClose={onCancel} title={existing ? `Bridge ${existing.name}` : "Add a bridge"}>
      {open && <BridgeFormBody key={existing?.name ?? "new"} existing={existing} takenNames={takenNames} onCancel={onCancel} onSubmit={onSubmit} />}
    </Dialog>
  );
}

function BridgeFormBody({ existing, takenNames, onCancel, onSubmit }: Omit<Parameters<typeof BridgeDialog>[0], "open">) {
  const [name, setName] = useState(existing?.name ?? "");
  const [cidr, setCidr] = useState("");
  const [stp, setStp] = useState(existing?.stp ?? false);
  const [delay, setDelay] = useState(existing?.forwardDelayCs != null ? String(existing.forwardDelayCs / 100) : "");
  const [tried, setTried] = useState(false);

  const nameError = existing ? null : !IFNAME.test(name) ? "Letters, digits, _ . : -; at most 15 characters" : takenNames.includes(name) ? "A link with this name exists" : null;
  const cidrError = cidr !== "" && !isIpv4Cidr(cidr) ? "An address with prefix length, such as 192.168.2.1/24" : null;
  const delayS = delay === "" ? null : Number(delay);
  const delayError =
    delayS === null ? null : !Number.isFinite(delayS) || delayS < 0 || delayS > 30 ? "0 to 30 seconds" : stp && delayS < 2 ? "With STP on, at least 2 seconds" : null;
  const submit = () => {
    setTried(true);
    if (nameError || cidrError || delayError) return;
    onSubmit({ name, cidr, stp, forwardDelayS: delayS });
  };

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="bridge-dialog"
    >
      {!existing && (
        <Field label="Name" htmlFor="bridge-name" error={tried ? nameError : null}>
          <Input id="bridge-name" className="font-mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="labbr0" autoFocus invalid={tried && !!nameError} />
        </Field>
      )}
      <Field label={existing ? "Add an address (CIDR)" : "Address (CIDR)"} htmlFor="bridge-cidr" hint="The host's address on this bridge; guests use it as their gateway. Optional." error={cidrError}>
        <Input id="bridge-cidr" className="font-mono" value={cidr} onChange={(e) => setCidr(e.target.value.trim())} placeholder="192.168.2.1/24" invalid={!!cidrError} />
      </Field>
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={stp} onChange={(e) => setStp(e.target.checked)} data-testid="bridge-stp" />
        Spanning tree (STP): needed only when bridges form a loop
      </label>
      <Field label="Forward delay (seconds)" htmlFor="bridge-delay" hint="Time a new port listens and learns before it forwards. Empty: the kernel's default (15 s)." error={delayError}>
        <Input id="bridge-delay" type="number" step="0.5" min={0} max={30} className="w-28" value={delay} onChange={(e) => setDelay(e.target.value)} invalid={!!delayError} />
      </Field>
      <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="bridge-dialog-add">
          {existing ? "Add to pending" : "Add bridge"}
        </Button>
      </div>
    </form>
  );
}
