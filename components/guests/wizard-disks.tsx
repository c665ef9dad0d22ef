"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type ReactNode } from "react";
import type { JobStatus, RouterOutputs } from "../api-types";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { Loading, Notice } from "../ui/states";
import { wholeUnitBytes } from "@/lib/bytes";
import { newDisk, newLvsOf, SIZE_UNITS, type DiskRow, type FieldErrors, type SizeUnit } from "./wizard-model";

// The wizard's disks: images, CD-ROMs and LVM volumes. An LV is picked from what the host's
// storage read shows, or named with a size to be made on Create (useNewLvs runs those
// storage jobs and waits for them before the guest is saved): the guest's definition
// only ever names an LV path, and the start plan asks LVM that it is there.

const KIND_LABEL: Record<DiskRow["kind"], string> = {
  "new-image": "New image",
  "existing-image": "Existing image",
  cdrom: "CD-ROM / ISO",
  block: "LVM volume",
};

type StorageView = RouterOutputs["storage"]["read"];
type StorageLv = StorageView["storage"]["lvs"][number];
type StorageState = { hostId: string | undefined; data: StorageView | undefined; pending: boolean; error: unknown };

// Pools and their internals hold other volumes' data: never offered as a guest's disk.
const GUEST_LV_KINDS = new Set(["linear", "origin", "snapshot", "thin", "mirror-or-raid", "cache"]);

function lvLabel(lv: StorageLv, users: readonly string[]): string {
  const notes = [wholeUnitBytes(lv.sizeBytes)];
  if (lv.attr.kind !== "linear") notes.push(lv.attr.kind);
  if (!lv.attr.active) notes.push("inactive");
  if (lv.mountpoints.length > 0) notes.push(`mounted at ${lv.mountpoints.join(", ")}`);
  if (users.length > 0) notes.push(`disk of ${users.join(", ")}`);
  return `${lv.name} (${notes.join("; ")})`;
}

function LvPicker({
  d,
  i,
  errors,
  storage,
  onChange,
}: {
  d: DiskRow;
  i: number;
  errors: FieldErrors;
  storage: StorageState;
  onChange: (d: DiskRow) => void;
}) {
  const pathErr = errors[`disks.${i}.path`] ?? errors[`disks.${i}`];
  const sizeErr = errors[`disks.${i}.sizeBytes`];
  if (storage.hostId === undefined || storage.hostId === "")
    return <p className="text-xs text-slate-500">Choose a host to see its volume groups.</p>;
  if (storage.pending) return <Loading label="Reading the host's LVM…" />;
  if (storage.error) return <Notice tone="error">Cannot read the host&apos;s storage: {errorMessage(storage.error)}</Notice>;
  const st = storage.data?.storage;
  if (!st?.lvmAvailable)
    return <Notice tone="warning">LVM does not answer on this host (not installed, or the SSH user is not root).</Notice>;
  if (st.vgs.length === 0) return <Notice tone="warning">This host has no volume groups; make one on its storage page first.</Notice>;
  const vg = st.vgs.find((v) => v.name === d.vg);
  const lvs = st.lvs.filter((lv) => lv.vg === d.vg && !lv.hidden && GUEST_LV_KINDS.has(lv.attr.kind));
  const usedBy = storage.data?.usedBy ?? {};
  const picked = lvs.find((lv) => lv.name === d.lv);
  const clash = d.lvMode === "new" && st.lvs.some((lv) => lv.vg === d.vg && lv.name === d.lv.trim());
  const pickedUsers = picked?.path ? (usedBy[picked.path] ?? []) : [];
  return (
    <div className="grid gap-2 sm:grid-cols-[auto_auto_1fr_auto]">
      <Field label="Volume" htmlFor={`g-disk-${i}-lvmode`}>
        <Select
          id={`g-disk-${i}-lvmode`}
          value={d.lvMode}
          onChange={(e) => onChange({ ...d, lvMode: e.target.value as DiskRow["lvMode"], lv: "" })}
        >
          <option value="existing">Existing LV</option>
          <option value="new">New LV, made on Create</option>
        </Select>
      </Field>
      <Field
        label="Volume group"
        htmlFor={`g-disk-${i}-vg`}
        hint={vg && `${wholeUnitBytes(vg.freeBytes)} free of ${wholeUnitBytes(vg.sizeBytes)}`}
      >
        <Select
          id={`g-disk-${i}-vg`}
          value={d.vg}
          onChange={(e) => onChange({ ...d, vg: e.target.value, lv: "" })}
          invalid={!!pathErr && d.vg === ""}
        >
          <option value="">Choose…</option>
          {st.vgs.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
            </option>
          ))}
        </Select>
      </Field>
      {d.lvMode === "existing" ? (
        <Field
          label="Logical volume"
          htmlFor={`g-disk-${i}-lv`}
          error={pathErr}
          hint={
            picked &&
            (pickedUsers.length > 0
              ? `${wholeUnitBytes(picked.sizeBytes)}, already a disk of ${pickedUsers.join(", ")}`
              : `${wholeUnitBytes(picked.sizeBytes)}, ${picked.path ?? ""}`)
          }
        >
          <Select
            id={`g-disk-${i}-lv`}
            value={d.lv}
            onChange={(e) => onChange({ ...d, lv: e.target.value })}
            invalid={!!pathErr}
            disabled={d.vg === ""}
          >
            <option value="">{d.vg === "" ? "Choose a volume group first" : lvs.length === 0 ? "No LVs in this group" : "Choose…"}</option>
            {lvs.map((lv) => (
              // A mounted LV is the host's own filesystem: a guest writing to it corrupts it.
              <option key={lv.name} value={lv.name} disabled={lv.mountpoints.length > 0}>
                {lvLabel(lv, lv.path ? (usedBy[lv.path] ?? []) : [])}
              </option>
            ))}
          </Select>
        </Field>
      ) : (
        <div className="grid gap-2 sm:grid-cols-[1fr_auto]">
          <Field
            label="New LV name"
            htmlFor={`g-disk-${i}-lvname`}
            error={pathErr ?? (clash ? `${d.vg} already has an LV named ${d.lv.trim()}` : undefined)}
          >
            <Input
              id={`g-disk-${i}-lvname`}
              className="font-mono"
              value={d.lv}
              placeholder="web-root"
              onChange={(e) => onChange({ ...d, lv: e.target.value })}
              invalid={!!pathErr || clash}
            />
          </Field>
          <SizeField d={d} i={i} error={sizeErr} onChange={onChange} />
        </div>
      )}
      <label className="mt-5 flex items-center gap-1 text-xs text-slate-700">
        <input
          type="checkbox"
          checked={d.readOnly}
          onChange={(e) => onChange({ ...d, readOnly: e.target.checked })}
          data-testid={`disk-${i}-readonly`}
        />{" "}
        read-only
      </label>
    </div>
  );
}

function SizeField({ d, i, error, onChange }: { d: DiskRow; i: number; error: string | undefined; onChange: (d: DiskRow) => void }) {
  return (
    <Field label="Size" htmlFor={`g-disk-${i}-size`} error={error}>
      <div className="flex gap-1">
        <Input
          id={`g-disk-${i}-size`}
          className="w-20"
          inputMode="decimal"
          value={d.size}
          onChange={(e) => onChange({ ...d, size: e.target.value })}
          invalid={!!error}
        />
        <Select aria-label="Size unit" value={d.unit} onChange={(e) => onChange({ ...d, unit: e.target.value as SizeUnit })}>
          {Object.keys(SIZE_UNITS).map((u) => (
            <option key={u}>{u}</option>
          ))}
        </Select>
      </div>
    </Field>
  );
}

function readingText(r: RouterOutputs["guests"]["readImageFormat"]): string {
  if (r.format !== null)
    return `Read once from the file: ${r.format}${r.virtualSize !== null ? `, ${wholeUnitBytes(r.virtualSize)}` : ""}. Labdeck stores this and never guesses again.`;
  return `Read once from the file${r.detected ? ` (it looks like ${r.detected})` : ""}: ${r.problem ?? "not usable"}`;
}

/**
 * An existing image's format: chosen, or read once from the file's first bytes (with its
 * chain checked) and shown here. The saved choice is what QEMU is told at every start.
 */
function ExistingFormatField({
  d,
  i,
  error,
  hostId,
  onChange,
}: {
  d: DiskRow;
  i: number;
  error: string | undefined;
  hostId: string | undefined;
  onChange: (d: DiskRow) => void;
}) {
  const trpc = useTRPC();
  const read = useMutation(trpc.guests.readImageFormat.mutationOptions());
  const canRead = !!hostId && d.path.trim().startsWith("/");
  const readNow = async () => {
    if (!hostId) return;
    try {
      const r = await read.mutateAsync({ hostId, path: d.path.trim() });
      onChange({ ...d, imageFormat: r.format ?? d.imageFormat, formatReading: readingText(r) });
    } catch (e) {
      onChange({ ...d, formatReading: `Could not read it: ${errorMessage(e)}` });
    }
  };
  return (
    <div className="space-y-1">
      <Field label="Format" htmlFor={`g-disk-${i}-imageformat`} error={error}>
        <div className="flex gap-1">
          <Select
            id={`g-disk-${i}-imageformat`}
            value={d.imageFormat}
            onChange={(e) => onChange({ ...d, imageFormat: e.target.value as DiskRow["imageFormat"] })}
            invalid={!!error}
          >
            <option value="">Choose…</option>
            <option value="raw">raw</option>
            <option value="qcow2">qcow2</option>
          </Select>
          <Button size="sm" onClick={() => void readNow()} disabled={!canRead || read.isPending} data-testid={`disk-${i}-read-format`}>
            {read.isPending ? "Reading…" : "Read format"}
          </Button>
        </div>
      </Field>
      {d.formatReading && (
        <p className="max-w-xs text-xs text-slate-600" data-testid={`disk-${i}-format-reading`}>
          {d.formatReading}
        </p>
      )}
    </div>
  );
}

function ImageFields({
  d,
  i,
  errors,
  placeholder,
  hostId,
  onChange,
}: {
  d: DiskRow;
  i: number;
  errors: FieldErrors;
  placeholder: string;
  hostId: string | undefined;
  onChange: (d: DiskRow) => void;
}) {
  const pathErr = errors[`disks.${i}.path`] ?? errors[`disks.${i}`];
  const sizeErr = errors[`disks.${i}.sizeBytes`];
  return (
    <div className="grid gap-2 sm:grid-cols-[1fr_auto_auto_auto]">
      <Field label="Path on the host" htmlFor={`g-disk-${i}-path`} error={pathErr}>
        <Input
          id={`g-disk-${i}-path`}
          className="font-mono"
          value={d.path}
          placeholder={placeholder}
          onChange={(e) =>
            onChange({ ...d, path: e.target.value, ...(d.kind === "existing-image" ? { imageFormat: "", formatReading: "" } : {}) })
          }
          invalid={!!pathErr}
        />
      </Field>
      {d.kind === "new-image" && (
        <>
          <Field label="Format" htmlFor={`g-disk-${i}-format`}>
            <Select
              id={`g-disk-${i}-format`}
              value={d.format}
              onChange={(e) => onChange({ ...d, format: e.target.value as DiskRow["format"] })}
            >
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </Select>
          </Field>
          <SizeField d={d} i={i} error={sizeErr} onChange={onChange} />
        </>
      )}
      {d.kind === "existing-image" && (
        <ExistingFormatField d={d} i={i} error={errors[`disks.${i}.format`]} hostId={hostId} onChange={onChange} />
      )}
      {d.kind === "cdrom" && <p className="mt-5 text-xs text-slate-500">opened as raw, read-only</p>}
      {d.kind !== "cdrom" && (
        <Field label="Bus" htmlFor={`g-disk-${i}-bus`}>
          <Select id={`g-disk-${i}-bus`} value={d.bus} onChange={(e) => onChange({ ...d, bus: e.target.value as DiskRow["bus"] })}>
            <option value="virtio">virtio</option>
            <option value="ide">ide</option>
            <option value="scsi">scsi</option>
          </Select>
        </Field>
      )}
    </div>
  );
}

function DiskEditor({
  d,
  i,
  errors,
  onChange,
  onRemove,
  placeholder,
  storage,
}: {
  d: DiskRow;
  i: number;
  errors: FieldErrors;
  onChange: (d: DiskRow) => void;
  onRemove: () => void;
  placeholder: string;
  storage: StorageState;
}) {
  return (
    <div
      className="grid items-start gap-2 rounded border border-slate-200 bg-slate-50/60 p-2 sm:grid-cols-[10rem_1fr_auto]"
      data-testid="disk-row"
    >
      <Field label="Kind" htmlFor={`g-disk-${i}-kind`}>
        <Select id={`g-disk-${i}-kind`} value={d.kind} onChange={(e) => onChange({ ...d, kind: e.target.value as DiskRow["kind"] })}>
          {Object.entries(KIND_LABEL).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </Select>
      </Field>
      {d.kind === "block" ? (
        <LvPicker d={d} i={i} errors={errors} storage={storage} onChange={onChange} />
      ) : (
        <ImageFields d={d} i={i} errors={errors} placeholder={placeholder} hostId={storage.hostId} onChange={onChange} />
      )}
      <Button size="sm" variant="ghost" className="mt-5 text-red-700" onClick={onRemove} data-testid={`disk-remove-${i}`}>
        Remove
      </Button>
    </div>
  );
}

export function WizardDisks({
  disks,
  onChange,
  errors,
  root,
  hostId,
}: {
  disks: DiskRow[];
  onChange: (d: DiskRow[]) => void;
  errors: FieldErrors;
  root: string | undefined;
  hostId?: string;
}) {
  const trpc = useTRPC();
  const placeholder = `${root ?? "/var/lib/labdeck/images"}/disk.qcow2`;
  // Reading storage runs LVM commands on the host (audited): only once an LV row asks.
  const wantsLvm = !!hostId && disks.some((d) => d.kind === "block");
  const read = useQuery(trpc.storage.read.queryOptions(wantsLvm && hostId ? { hostId } : skipToken, { staleTime: 30_000 }));
  const storage: StorageState = { hostId, data: read.data, pending: wantsLvm && read.isPending, error: read.error };
  return (
    <div className="space-y-2">
      {disks.length === 0 && <p className="text-xs text-slate-500">No disks (fine for a custom kernel with an initramfs).</p>}
      {errors.disks && (
        <p className="text-xs text-red-700" role="alert">
          {errors.disks}
        </p>
      )}
      {disks.map((d, i) => (
        <DiskEditor
          key={d.key}
          d={d}
          i={i}
          errors={errors}
          placeholder={placeholder}
          storage={storage}
          onChange={(nd) => onChange(disks.map((x) => (x.key === d.key ? nd : x)))}
          onRemove={() => onChange(disks.filter((x) => x.key !== d.key))}
        />
      ))}
      <div className="flex gap-2">
        <Button size="sm" onClick={() => onChange([...disks, newDisk("new-image")])} data-testid="disk-add-new">
          Add new image
        </Button>
        <Button size="sm" onClick={() => onChange([...disks, newDisk("existing-image")])}>
          Add existing image
        </Button>
        <Button size="sm" onClick={() => onChange([...disks, newDisk("cdrom")])}>
          Add CD-ROM / ISO
        </Button>
        <Button size="sm" onClick={() => onChange([...disks, newDisk("block")])} data-testid="disk-add-lv">
          Add LVM volume
        </Button>
      </div>
    </div>
  );
}

/**
 * Makes the "new LV" rows' LVs, one storage job at a time, shown live; resolves once each
 * job has ended. `made` holds the keys of the rows whose LV now exists (markLvsMade turns
 * them into picks), so a failure half-way never makes an LV twice on the next Create.
 */
export function useNewLvs(): {
  make: (hostId: string, disks: readonly DiskRow[]) => Promise<{ ok: boolean; made: Set<number> }>;
  busy: boolean;
  view: ReactNode;
} {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useMutation(trpc.storage.run.mutationOptions());
  const [jobs, setJobs] = useState<{ jobId: string; title: string }[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const waiters = useRef(new Map<string, (status: JobStatus) => void>());

  const make = async (hostId: string, disks: readonly DiskRow[]) => {
    setBusy(true);
    setFailure(null);
    setJobs([]);
    const made = new Set<number>();
    try {
      for (const { key, op } of newLvsOf(disks)) {
        const title = `Make LV ${op.vg}/${op.name} (${op.size})`;
        const { jobId } = await run.mutateAsync({ hostId, op });
        // No job: the plan found nothing to do (the LV is already there as asked).
        if (jobId !== null) {
          const ended = new Promise<JobStatus>((resolve) => waiters.current.set(jobId, resolve));
          setJobs((js) => [...js, { jobId, title }]);
          const status = await ended;
          if (status !== "succeeded") {
            setFailure(`${title}: the job ${status}, so the guest was not saved. Fix the cause (see the job) and press the button again.`);
            return { ok: false, made };
          }
        }
        made.add(key);
      }
      return { ok: true, made };
    } catch (e) {
      setFailure(errorMessage(e));
      return { ok: false, made };
    } finally {
      setBusy(false);
      if (made.size > 0) void queryClient.invalidateQueries(trpc.storage.read.queryFilter({ hostId }));
    }
  };

  const view =
    jobs.length > 0 || failure !== null ? (
      <div className="space-y-2" data-testid="wizard-new-lvs">
        {jobs.map((j) => (
          <JobInline key={j.jobId} jobId={j.jobId} title={j.title} onFinished={(status) => waiters.current.get(j.jobId)?.(status)} />
        ))}
        {failure !== null && (
          <Notice tone="error" title="LV not made" testId="wizard-new-lv-error">
            {failure}
          </Notice>
        )}
      </div>
    ) : null;
  return { make, busy, view };
}
