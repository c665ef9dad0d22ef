"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { isIpv4 } from "@/lib/ipv4";
import type { PortForwardForm } from "./pending-edits";

// A host port on an uplink forwarded to a guest behind a bridge (DNAT plus the FORWARD
// accept the server adds with it).

function port(text: string): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && n >= 1 && n <= 65535 ? n : null;
}

export function PortForwardDialog({
  link,
  onCancel,
  onSubmit,
}: {
  link: string | null;
  onCancel: () => void;
  onSubmit: (f: PortForwardForm) => void;
}) {
  return (
    <Dialog open={link !== null} onClose={onCancel} title={`Port forward on ${link ?? ""}`}>
      {link !== null && <Body link={link} onCancel={onCancel} onSubmit={onSubmit} />}
    </Dialog>
  );
}

function Body({ link, onCancel, onSubmit }: { link: string; onCancel: () => void; onSubmit: (f: PortForwardForm) => void }) {
  const [protocol, setProtocol] = useState<"tcp" | "udp">("tcp");
  const [hostPort, setHostPort] = useState("");
  const [toAddress, setToAddress] = useState("");
  const [toPort, setToPort] = useState("");
  const [tried, setTried] = useState(false);
  const errors = {
    hostPort: port(hostPort) === null ? "A port from 1 to 65535" : null,
    toAddress: !isIpv4(toAddress) ? "The guest's IPv4 address, such as 192.168.2.10" : null,
    toPort: port(toPort) === null ? "A port from 1 to 65535" : null,
  };
  const ok = !errors.hostPort && !errors.toAddress && !errors.toPort;
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (ok) onSubmit({ protocol, hostPort: port(hostPort) as number, inInterface: link, toAddress, toPort: port(toPort) as number });
      }}
      data-testid="portforward-dialog"
    >
      <div className="grid grid-cols-2 gap-3">
        <Field label="Protocol" htmlFor="pf-protocol">
          <Select id="pf-protocol" value={protocol} onChange={(e) => setProtocol(e.target.value === "udp" ? "udp" : "tcp")}>
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
          </Select>
        </Field>
        <Field label="Host port" htmlFor="pf-host-port" error={tried ? errors.hostPort : null}>
          <Input
            id="pf-host-port"
            inputMode="numeric"
            value={hostPort}
            onChange={(e) => setHostPort(e.target.value.trim())}
            placeholder="8022"
          />
        </Field>
        <Field label="Guest address" htmlFor="pf-to-address" error={tried ? errors.toAddress : null}>
          <Input
            id="pf-to-address"
            className="font-mono"
            value={toAddress}
            onChange={(e) => setToAddress(e.target.value.trim())}
            placeholder="192.168.2.10"
          />
        </Field>
        <Field label="Guest port" htmlFor="pf-to-port" error={tried ? errors.toPort : null}>
          <Input id="pf-to-port" inputMode="numeric" value={toPort} onChange={(e) => setToPort(e.target.value.trim())} placeholder="22" />
        </Field>
      </div>
      <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="portforward-add">
          Add forward
        </Button>
      </div>
    </form>
  );
}
