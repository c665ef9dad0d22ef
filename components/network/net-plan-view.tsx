"use client";

import { PlanSteps } from "../jobs/plan-steps";
import { Badge } from "../ui/badge";
import { Notice } from "../ui/states";
import type { NetworkPreview } from "./network-types";

// What a network change will do, before it runs: the SSH guard's verdict, whether it is
// applied under an automatic rollback, guest definitions it edits, every command in
// order and the same commands as a copyable script.

export function SshGuardNotice({ ssh }: { ssh: NetworkPreview["ssh"] }) {
  if (ssh.ok) return null;
  return (
    <Notice tone="error" title="Refused: this change would cut Labdeck's own SSH session" testId="ssh-refused">
      <ul className="list-disc pl-4">
        {ssh.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </Notice>
  );
}

export function NetPlanView({ preview, showOps = false }: { preview: NetworkPreview; showOps?: boolean }) {
  return (
    <div className="space-y-3" data-testid="net-plan">
      <SshGuardNotice ssh={preview.ssh} />
      {preview.nothingToDo && (
        <Notice tone="info" testId="nothing-to-do">
          Nothing to do: the host already looks like this.
        </Notice>
      )}
      {preview.rollback.needed && preview.ssh.ok && !preview.nothingToDo && (
        <Notice tone="warning" title="Applied with automatic rollback" testId="rollback-note">
          This change touches the firewall or routing. The host undoes it by itself unless someone confirms it within{" "}
          {preview.rollback.seconds} s, so a change that cuts Labdeck off repairs itself.
        </Notice>
      )}
      {showOps && preview.ops.length > 0 && (
        <ul className="space-y-0.5 text-xs">
          {preview.ops.map((o) => (
            <li key={o.index} className="flex items-baseline gap-2" data-testid="net-plan-op" data-status={o.status}>
              <Badge tone={o.status === "change" ? "blue" : "gray"}>
                {o.status === "change" ? "change" : o.status === "covered" ? "with earlier op" : "already so"}
              </Badge>
              {o.summary}
            </li>
          ))}
        </ul>
      )}
      {preview.guestEdits.length > 0 && (
        <div className="text-xs" data-testid="net-plan-guests">
          <div className="font-medium text-slate-700">Guest definitions changed</div>
          <ul className="list-disc pl-4">
            {preview.guestEdits.map((g) => (
              <li key={g.guestId}>{g.summary}</li>
            ))}
          </ul>
        </div>
      )}
      {preview.steps.length > 0 && (
        <>
          <PlanSteps steps={preview.steps} script={preview.script} compact />
        </>
      )}
    </div>
  );
}
