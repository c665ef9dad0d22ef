import type { ReactNode } from "react";
import type { GuestView } from "../api-types";
import { Card } from "../ui/card";
import { formatMemory, wholeUnitBytes } from "@/lib/bytes";
import { bootLabel } from "./format";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const mono = (s: string) => <span className="font-mono text-xs">{s}</span>;

export function GuestSummary({ guest }: { guest: GuestView }) {
  const d = guest.definition;
  return (
    <Card title="Definition" description={`version ${guest.version}, created by ${guest.createdBy}`} testId="guest-summary">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
        <Row label="Binary">{mono(`qemu-system-${d.arch}`)}</Row>
        <Row label="Machine">
          {mono(d.machine)}
          {d.cpuModel ? <> · CPU {mono(d.cpuModel)}</> : null}
        </Row>
        <Row label="Accelerator">{d.accel === "auto" ? "auto (KVM where usable, else TCG)" : d.accel}</Row>
        <Row label="CPU / memory">
          {d.vcpus} vCPU · {formatMemory(d.memoryMiB)}
        </Row>
        <Row label="Disks">
          {d.disks.length === 0 ? (
            "none"
          ) : (
            <ul>
              {d.disks.map((x, i) => (
                <li key={i}>
                  {x.kind === "new-image"
                    ? `new ${x.format} ${wholeUnitBytes(x.sizeBytes)}`
                    : x.kind === "existing-image"
                      ? "existing image"
                      : x.kind === "block"
                        ? `LVM volume${x.readOnly ? " (read-only)" : ""}`
                        : "CD-ROM"}{" "}
                  {mono(x.path)}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Boot">
          {bootLabel(d)}
          {d.boot.kind === "kernel" && (
            <div className="font-mono text-xs">
              {d.boot.kernel}
              {d.boot.initrd ? ` + ${d.boot.initrd}` : ""}
              {d.boot.append ? <div className="text-slate-600">append: {d.boot.append}</div> : null}
            </div>
          )}
        </Row>
        <Row label="Network">
          {d.nics.length === 0 ? (
            "none"
          ) : (
            <ul>
              {d.nics.map((n, i) => (
                <li key={i} data-testid="guest-summary-nic">
                  {n.model} <span data-testid="guest-summary-mac">{mono(n.mac ?? "")}</span> ·{" "}
                  {n.network.kind === "tap" ? (
                    <>
                      TAP {n.network.ifname ? <>{mono(n.network.ifname)} </> : null}on {mono(n.network.bridge)}
                    </>
                  ) : (
                    <>
                      user-mode
                      {n.network.forwards.map((f) => ` · ${f.proto} ${f.hostAddress ?? ""}:${f.hostPort} → ${f.guestPort}`).join("")}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Display">{d.display}</Row>
        <Row label="Run directory">{mono(guest.files.dir)}</Row>
        <Row label="Serial log">{mono(guest.files.serialLog)}</Row>
      </dl>
    </Card>
  );
}
