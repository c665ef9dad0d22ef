import type { RouterOutputs } from "../api-types";
import { fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Notice } from "../ui/states";
import { hostKeyFile } from "./host-key-file";

type Scan = RouterOutputs["hosts"]["scanHostKey"];

export function ScanResult({
  scan,
  pinned,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  scan: Scan;
  pinned: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const unchanged = pinned && scan.matches;
  const fpError = fieldErrors(error).fingerprint;
  const message = formError(error, ["fingerprint"]);
  return (
    <div className="space-y-3 rounded border border-amber-300 bg-amber-50/60 p-3" data-testid="scan-result">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        {pinned && (
          <>
            <dt className="text-xs text-slate-500">Pinned</dt>
            <dd className="font-mono text-xs break-all">{scan.pinned}</dd>
          </>
        )}
        <dt className="text-xs text-slate-500">Presented</dt>
        <dd className="font-mono text-sm font-semibold break-all" data-testid="presented-fingerprint">
          {scan.presented}
        </dd>
        <dt className="text-xs text-slate-500">Algorithm</dt>
        <dd className="font-mono text-xs" data-testid="presented-algorithm">
          {scan.algorithm}
        </dd>
      </dl>
      {unchanged ? (
        <Notice tone="success">The host presents the pinned key; there is nothing to re-pin.</Notice>
      ) : (
        <p className="text-xs text-slate-700">
          On the host, run{" "}
          <code className="rounded bg-white px-1 font-mono ring-1 ring-slate-200">ssh-keygen -lf {hostKeyFile(scan.algorithm)}</code> and
          compare the SHA256 fingerprint it prints with the one above. Confirm only if they are identical
          {pinned ? "; re-pinning makes Labdeck trust the new key from now on" : ""}.
        </p>
      )}
      {fpError && <Notice tone="error">{fpError}</Notice>}
      {message && <Notice tone="error">{message}</Notice>}
      <div className="flex gap-2">
        {!unchanged && (
          <Button variant={pinned ? "danger" : "primary"} pending={pending} onClick={onConfirm} data-testid="pin-host-key">
            {pinned ? "Replace the pinned key" : "Confirm and pin"}
          </Button>
        )}
        <Button onClick={onCancel} disabled={pending}>
          {unchanged ? "Close" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}
