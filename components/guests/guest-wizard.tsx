"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import type { GuestDefinitionInput, GuestView } from "../api-types";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage, fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Loading, Notice } from "../ui/states";
import { WizardBoot } from "./wizard-boot";
import { useNewLvs, WizardDisks } from "./wizard-disks";
import { WizardMachine } from "./wizard-machine";
import {
  definitionFieldErrors,
  markLvsMade,
  newLvsOf,
  toDefinition,
  withPreviewValues,
  type FieldErrors,
  type WizardForm,
} from "./wizard-model";
import { WizardNics } from "./wizard-nics";
import { WizardPreview } from "./wizard-preview";

// Server field names the wizard shows beside an input; anything else goes to the notice below.
const SHOWN =
  /^(definition\.)?(hostId|name|arch|machine|accel|cpuModel|vcpus|memoryMiB|display|disks|boot(\.(kernel|initrd|append))?|disks\.\d+(\.(path|sizeBytes|format))?|nics\.\d+\.(mac|network\.(bridge|ifname)|network\.forwards(\.\d+\.(hostPort|guestPort|hostAddress))?))$/;

function shownOf(err: unknown): string[] {
  return Object.keys(fieldErrors(err)).filter((f) => SHOWN.test(f));
}

export function GuestWizard({ initial, editing, onReload }: { initial: WizardForm; editing?: GuestView; onReload?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [previewInput, setPreviewInput] = useState<{ hostId: string; definition: GuestDefinitionInput } | null>(null);
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const preview = useQuery(trpc.guests.previewDefinition.queryOptions(previewInput ?? skipToken, { staleTime: 0, retry: false }));
  const onSaved = (g: GuestView) => {
    void queryClient.invalidateQueries(trpc.guests.list.queryFilter());
    void queryClient.invalidateQueries(trpc.guests.page.queryFilter());
    void queryClient.invalidateQueries(trpc.guests.get.queryFilter({ id: g.id }));
    router.push(`/guests/${g.id}`);
  };
  // What the preview generated (MACs) goes into the form without clearing the preview:
  // the plan on screen stays true, and Create saves exactly those values.
  const previewed = preview.data?.definition;
  useEffect(() => {
    if (previewed) setForm((f) => withPreviewValues(f, previewed));
  }, [previewed]);
  const create = useMutation(trpc.guests.create.mutationOptions({ onSuccess: onSaved }));
  const update = useMutation(trpc.guests.update.mutationOptions({ onSuccess: onSaved }));
  const save = editing ? update : create;
  const newLvs = useNewLvs();

  const serverError = preview.error ?? save.error;
  const errors: FieldErrors = { ...definitionFieldErrors(fieldErrors(serverError)), ...clientErrors };
  const conflict = editing && errorCode(save.error) === "CONFLICT" && Object.keys(fieldErrors(save.error)).length === 0;
  const otherError = conflict ? null : formError(save.error, shownOf(save.error));
  const host = hosts.data?.find((h) => h.id === form.hostId);
  const roots = preview.data?.roots ?? host?.effectiveRoots;
  const root = roots?.[0];

  const set = (patch: Partial<WizardForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setClientErrors({});
    setPreviewInput(null);
    if (save.error) save.reset();
  };
  const check = (): GuestDefinitionInput | null => {
    const { definition, errors: e } = toDefinition(form);
    if (!form.hostId) e.hostId = "choose the host to run the guest on";
    setClientErrors(e);
    return Object.keys(e).length === 0 ? definition : null;
  };
  const onShow = () => {
    const definition = check();
    if (definition) setPreviewInput({ hostId: form.hostId, definition });
  };
  const submit = async (definition: GuestDefinitionInput) => {
    // "New LV" rows: their LVs are made (storage jobs, shown live) before the guest is saved.
    if (newLvsOf(form.disks).length > 0) {
      const { ok, made } = await newLvs.make(form.hostId, form.disks);
      setForm((f) => ({ ...f, disks: markLvsMade(f.disks, made) }));
      if (!ok) return;
    }
    if (editing) update.mutate({ id: editing.id, version: editing.version, definition });
    else create.mutate({ hostId: form.hostId, definition });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const definition = check();
    if (definition) void submit(definition);
  };

  if (hosts.isPending) return <Loading label="Loading hosts…" />;
  if (hosts.isError) return <Notice tone="error">{errorMessage(hosts.error)}</Notice>;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="guest-wizard">
      <Card title="Machine">
        <WizardMachine form={form} set={set} errors={errors} hosts={hosts.data} editing={!!editing} />
      </Card>
      <Card
        title="Disks"
        description={
          roots ? (
            <>
              Disk, ISO, kernel and initrd paths must lie under the host&apos;s roots:{" "}
              <span className="font-mono" data-testid="wizard-root">
                {roots.join(", ")}
              </span>
            </>
          ) : (
            "Choose a host to see where images may live"
          )
        }
      >
        <WizardDisks disks={form.disks} onChange={(disks) => set({ disks })} errors={errors} root={root} hostId={form.hostId} />
      </Card>
      <Card title="Boot">
        <WizardBoot form={form} set={set} errors={errors} root={root} />
      </Card>
      <Card title="Network interfaces">
        <WizardNics nics={form.nics} onChange={(nics) => set({ nics })} errors={errors} hostAddress={host?.address} />
      </Card>
      {conflict && (
        <Notice
          tone="error"
          title="Someone else saved this guest while you were editing"
          testId="guest-conflict"
          action={
            onReload && (
              <Button size="sm" onClick={onReload} data-testid="guest-conflict-reload">
                Reload (discards your edits)
              </Button>
            )
          }
        >
          {errorMessage(save.error)}
        </Notice>
      )}
      {otherError && (
        <Notice tone="error" title={editing ? "Not saved" : "Not created"} testId="wizard-error">
          {otherError}
        </Notice>
      )}
      {Object.keys(clientErrors).length > 0 && <Notice tone="error">Some fields need attention (marked in red).</Notice>}
      <WizardPreview
        data={preview.data}
        pending={previewInput !== null && preview.isPending}
        error={preview.error ? (formError(preview.error, shownOf(preview.error)) ?? "see the fields marked in red") : null}
      />
      {newLvs.view}
      <div className="flex gap-2 border-t border-slate-200 pt-3">
        <Button onClick={onShow} data-testid="wizard-show-commands">
          Show commands
        </Button>
        <Button type="submit" variant="primary" pending={save.isPending || newLvs.busy} data-testid="wizard-submit">
          {editing ? "Save" : "Create"}
        </Button>
        <Button variant="ghost" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
