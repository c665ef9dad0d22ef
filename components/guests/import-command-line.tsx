"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { Select, Textarea } from "../ui/input";
import { Notice } from "../ui/states";
import { storeImport } from "./import-handoff";
import { WizardImportNotes } from "./wizard-import-notes";

const EXAMPLE = "kvm -smp 2 -m 512 -hda /var/lib/labdeck/images/disk.img -net nic -net user,hostfwd=tcp::10022-:22";

/** Paste a QEMU command line, see what maps, then continue in the wizard with it filled in. */
export function ImportCommandLine() {
  const trpc = useTRPC();
  const router = useRouter();
  const canImport = useCan("operator");
  const [text, setText] = useState("");
  const [hostId, setHostId] = useState("");
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const parse = useMutation(trpc.guests.importCommandLine.mutationOptions());
  // With a host, the import also lists what that host forces (KVM its probe ruled out).
  const read = (host: string) => {
    if (text.trim()) parse.mutate({ text, ...(host ? { hostId: host } : {}) });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    read(hostId);
  };
  const onHost = (host: string) => {
    setHostId(host);
    if (parse.data) read(host);
  };
  const onContinue = () => {
    if (!parse.data) return;
    const key = storeImport({ ...parse.data, ...(hostId ? { hostId } : {}) });
    router.push(`/guests/new?import=${key}`);
  };
  if (!canImport) return <Notice tone="warning">Importing guests needs the operator role.</Notice>;
  return (
    <div className="space-y-4">
      <PageHeader
        title="Import a QEMU command line"
        subtitle="kvm, qemu and qemu-system-* forms, with -drive, -hda, -cdrom, -net/-netdev/-device, -kernel/-initrd/-append, -boot."
      />
      <Card>
        <form onSubmit={onSubmit} className="space-y-3" noValidate>
          <Field label="Command line" htmlFor="import-text" hint="Shell quoting and backslash-newlines are understood; nothing is run.">
            <Textarea
              id="import-text"
              rows={5}
              value={text}
              placeholder={EXAMPLE}
              onChange={(e) => setText(e.target.value)}
              data-testid="import-text"
            />
          </Field>
          <Field
            label="Host for the new guest"
            htmlFor="import-host"
            hint="With a host, the result also says what that host changes (e.g. KVM where its probe found none)."
          >
            <Select id="import-host" value={hostId} onChange={(e) => onHost(e.target.value)} data-testid="import-host">
              <option value="">Choose in the wizard</option>
              {hosts.data?.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" variant="primary" pending={parse.isPending} disabled={!text.trim()} data-testid="import-parse">
            Read command line
          </Button>
        </form>
      </Card>
      {parse.error && (
        <Notice tone="error" title="Could not read it">
          {errorMessage(parse.error)}
        </Notice>
      )}
      {parse.data && (
        <Card title="Result" testId="import-result">
          <div className="space-y-3">
            <WizardImportNotes unmapped={parse.data.unmapped} warnings={parse.data.warnings} differences={parse.data.differences} />
            <pre
              className="max-h-64 overflow-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs"
              data-testid="import-definition"
            >
              {JSON.stringify(parse.data.definition, null, 2)}
            </pre>
            <div className="flex items-end gap-2">
              <Button variant="primary" onClick={onContinue} data-testid="import-continue">
                Continue in the wizard
              </Button>
            </div>
          </div>
        </Card>
      )}
    </div>
  );
}
