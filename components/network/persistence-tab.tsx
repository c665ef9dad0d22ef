"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CodeBlock } from "../ui/code-block";
import { Loading, Notice } from "../ui/states";

// What `ip` and `iptables` change is gone at the next boot. These are the files that make
// the host come back up with the network it has now, rendered from a fresh read and
// written (under the host's config root) only when asked: nothing rewrites them after a
// change, so each file says whether the host's copy is current, missing or stale, and
// which lines differ.

export function PersistenceTab({ hostId, canEdit }: { hostId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const files = useQuery(trpc.network.persistence.queryOptions({ hostId }, { staleTime: 0 }));
  const write = useMutation(trpc.network.writePersistence.mutationOptions());
  const stale = files.data?.files.filter((f) => f.onHost.state !== "current").length ?? 0;
  const jobId = write.data?.jobId;

  if (files.isPending) return <Loading label="Rendering the files from the host's network…" />;
  if (files.isError)
    return (
      <Notice tone="error" title="Could not render the files">
        {errorMessage(files.error)}
      </Notice>
    );
  return (
    <div className="space-y-3" data-testid="persistence-tab">
      <p className="text-sm text-slate-600">
        Written under <span className="font-mono">{files.data.root}</span> only when you choose Write to host: a network change does not
        rewrite them. They describe the network as read just now, without the TAPs Labdeck&apos;s guests make at start.
      </p>
      {stale > 0 && (
        <Notice tone="warning" testId="persistence-stale">
          {stale} file(s) on the host differ from the network as it is now: after a reboot the host would come back as those files say, not
          as it is.
        </Notice>
      )}
      {files.data.files.map((f) => (
        <div key={f.path} data-testid="persistence-file" data-state={f.onHost.state}>
          <div className="mb-1 flex items-baseline gap-2 text-sm">
            <span className="font-mono font-medium">{f.path}</span>
            <Badge
              tone={f.onHost.state === "current" ? "green" : f.onHost.state === "stale" ? "amber" : "gray"}
              testId="persistence-file-state"
            >
              {f.onHost.state === "current"
                ? "on the host, current"
                : f.onHost.state === "stale"
                  ? "stale on the host"
                  : f.onHost.state === "missing"
                    ? "not on the host"
                    : "unreadable on the host"}
            </Badge>
            <span className="text-xs text-slate-500">{f.purpose}</span>
          </div>
          {f.onHost.state === "stale" && (
            <div className="mb-1 font-mono text-xs" data-testid="persistence-diff">
              {f.onHost.onlyRendered.map((l, i) => (
                <div key={`+${i}`} className="text-green-800">
                  + {l}
                </div>
              ))}
              {f.onHost.onlyOnHost.map((l, i) => (
                <div key={`-${i}`} className="text-red-700">
                  − {l}
                </div>
              ))}
            </div>
          )}
          {f.onHost.state === "unreadable" && <div className="mb-1 text-xs text-red-700">{f.onHost.detail}</div>}
          <CodeBlock code={f.content} />
        </div>
      ))}
      {canEdit && !jobId && (
        <Button variant="primary" pending={write.isPending} onClick={() => write.mutate({ hostId })} data-testid="persistence-write">
          Write to host
        </Button>
      )}
      {write.error && (
        <Notice tone="error" title="Not written">
          {errorMessage(write.error)}
        </Notice>
      )}
      {jobId && <JobInline key={jobId} jobId={jobId} title="Write network persistence files" onFinished={() => void files.refetch()} />}
    </div>
  );
}
