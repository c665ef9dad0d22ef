"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { CodeBlock } from "../ui/code-block";
import { Loading, Notice } from "../ui/states";

// What `ip` and `iptables` change is gone at the next boot. These are the files that make
// the host come back up with the network it has now, rendered from a fresh read and
// written (under the host's config root) only when asked.

export function PersistenceTab({ hostId, canEdit }: { hostId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const files = useQuery(trpc.network.persistence.queryOptions({ hostId }, { staleTime: 0 }));
  const write = useMutation(trpc.network.writePersistence.mutationOptions());
  const jobId = write.data?.jobId;

  if (files.isPending) return <Loading label="Rendering the files from the host's network…" />;
  if (files.isError) return <Notice tone="error" title="Could not render the files">{errorMessage(files.error)}</Notice>;
  return (
    <div className="space-y-3" data-testid="persistence-tab">
      <p className="text-sm text-slate-600">
        Written under <span className="font-mono">{files.data.root}</span>. They describe the network as read just now, without the TAPs Labdeck&apos;s guests make at start.
      </p>
      {files.data.files.map((f: { path: string; content: string; purpose: string }) => (
        <div key={f.path} data-testid="persistence-file">
          <div className="mb-1 flex items-baseline gap-2 text-sm">
            <span className="font-mono font-medium">{f.path}</span>
            <span className="text-xs text-slate-500">{f.purpose}</span>
          </div>
          <CodeBlock code={f.content} />
        </div>
      ))}
      {canEdit && !jobId && (
        <Button variant="primary" pending={write.isPending} onClick={() => write.mutate({ hostId })} data-testid="persistence-write">
          Write to host
        </Button>
      )}
      {write.error && <Notice tone="error" title="Not written">{errorMessage(write.error)}</Notice>}
      {jobId && <JobInline key={jobId} jobId={jobId} title="Write network persistence files" />}
    </div>
  );
}
