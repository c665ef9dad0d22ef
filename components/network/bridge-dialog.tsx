"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { checkBridgeTimers } from "./bridge-form";
import { isIpv4Cidr } from "@/lib/ipv4";
import { IFNAME } from "@/lib/names";
import type { BridgeForm } from "./pending-edits";

// Add a bridge, or change an existing one's timers and add an address. Only obvious
// mistakes are caught here; the server checks every field again and its refusal is shown
// on the pending edit it belongs to.

export interface BridgeExisting {
  name: string;
  stp: boolean;
  forwardDelayCs: number | null;
  helloTimeCs: number | null;
  maxAgeCs: number | null;
}

const secondsText = (cs: number | null | undefined) => (cs != null ? String(cs / 100) : "");

export function BridgeDialog({
  open,
  existing,
  takenNames,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  /** Editing this bridge (name fixed); null to add a new one. */
  existing: BridgeExisting | null;
  takenNames: readonly string[];
  onCancel: () => void;
  onSubmit: (f: BridgeForm) => void;
}) {
  return (
    <Dialog open={open} onClose={onCancel} title={existing ? `Bridge ${existing.name}` : "Add a bridge"}>
      {open && (
        <BridgeFormBody key={existing?.name ?? "new"} existing={existing} takenNames={takenNames} onCancel={onCancel} onSubmit={onSubmit} />
      )}
    </Dialog>
  );
}

function BridgeFormBody({ existing, takenNames, onCancel, onSubmit }: Omit<Parameters<typeof BridgeDialog>[0], "open">) {
  const [name, setName] = useState(existing?.name ?? "");
  const [cidr, setCidr] = useState("");
  const [stp, setStp] = useState(existing?.stp ?? false);
  const [delay, setDelay] = useState(secondsText(existing?.forwardDelayCs));
  const [hello, setHello] = useState(secondsText(existing?.helloTimeCs));
  const [maxAge, setMaxAge] = useState(secondsText(existing?.maxAgeCs));
  const [tried, setTried] = useState(false);

  const nameError = existing
    ? null
    : !IFNAME.test(name)
      ? "Letters, digits, _ . : -; at most 15 characters"
      : takenNames.includes(name)
        ? "A link with this name exists"
        : null;
  const cidrError = cidr !== "" && !isIpv4Cidr(cidr) ? "An address with prefix length, such as 192.168.2.1/24" : null;
  const timers = checkBridgeTimers({ stp, forwardDelay: delay, helloTime: hello, maxAge });
  const submit = () => {
    setTried(true);
    if (nameError || cidrError || Object.keys(timers.errors).length > 0) return;
    onSubmit({ name, cidr, stp, ...timers.values });
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
          <Input
            id="bridge-name"
            className="font-mono"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="labbr0"
            autoFocus
            invalid={tried && !!nameError}
          />
        </Field>
      )}
      <Field
        label={existing ? "Add an address (CIDR)" : "Address (CIDR)"}
        htmlFor="bridge-cidr"
        hint="The host's address on this bridge; guests use it as their gateway. Optional."
        error={cidrError}
      >
        <Input
          id="bridge-cidr"
          className="font-mono"
          value={cidr}
          onChange={(e) => setCidr(e.target.value.trim())}
          placeholder="192.168.2.1/24"
          invalid={!!cidrError}
        />
      </Field>
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={stp} onChange={(e) => setStp(e.target.checked)} data-testid="bridge-stp" />
        Spanning tree (STP): needed only when bridges form a loop
      </label>
      <Field
        label="Forward delay (seconds)"
        htmlFor="bridge-delay"
        hint={`Time a new port listens and learns before it forwards. Empty: ${existing ? "unchanged" : "the kernel's default (15 s)"}.`}
        error={timers.errors.forwardDelay}
      >
        <Input
          id="bridge-delay"
          type="number"
          step="0.01"
          min={0}
          max={30}
          className="w-28"
          value={delay}
          onChange={(e) => setDelay(e.target.value)}
          invalid={!!timers.errors.forwardDelay}
        />
      </Field>
      <div className="flex gap-3">
        <Field
          label="Hello time (seconds)"
          htmlFor="bridge-hello"
          hint={`STP hello interval, as brctl sethello. Empty: ${existing ? "unchanged" : "2 s"}.`}
          error={timers.errors.helloTime}
        >
          <Input
            id="bridge-hello"
            type="number"
            step="0.01"
            min={1}
            max={10}
            className="w-28"
            value={hello}
            onChange={(e) => setHello(e.target.value)}
            invalid={!!timers.errors.helloTime}
          />
        </Field>
        <Field
          label="Max age (seconds)"
          htmlFor="bridge-maxage"
          hint={`How long STP keeps a bridge's hello, as brctl setmaxage. Empty: ${existing ? "unchanged" : "20 s"}.`}
          error={timers.errors.maxAge}
        >
          <Input
            id="bridge-maxage"
            type="number"
            step="0.01"
            min={6}
            max={40}
            className="w-28"
            value={maxAge}
            onChange={(e) => setMaxAge(e.target.value)}
            invalid={!!timers.errors.maxAge}
          />
        </Field>
      </div>
      <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="bridge-dialog-add">
          {existing ? "Add to pending" : "Add bridge"}
        </Button>
      </div>
    </form>
  );
}
