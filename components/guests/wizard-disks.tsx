"use client";

import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { newDisk, SIZE_UNITS, type DiskRow, type FieldErrors, type SizeUnit } from "./wizard-model";

const KIND_LABEL: Record<DiskRow["kind"], string> = { "new-image": "New image", "existing-image": "Existing image", cdrom: "CD-ROM / ISO" };

function DiskEditor({ d, i, errors, onChange, onRemove, placeholder }: { d: DiskRow; i: number; errors: FieldErrors; onChange: (d: DiskRow) => void; onRemove: () => void; placeholder: string }) {
  const pathErr = errors[`disks.${i}.path`] ?? errors[`disks.${i}`];
  const sizeErr = errors[`disks.${i}.sizeBytes`];
  return (
    <div className="grid items-start gap-2 rounded border border-slate-200 bg-slate-50/60 p-2 sm:grid-cols-[10rem_1fr_auto]" data-testid="disk-row">
      <Field label="Kind" htmlFor={`g-disk-${i}-kind`}>
        <Select id={`g-disk-${i}-kind`} value={d.kind} onChange={(e) => onChange({ ...d, kind: e.target.value as DiskRow["kind"] })}>
          {Object.entries(KIND_LABEL).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </Select>
      </Field>
      <div className="grid gap-2 sm:grid-cols-[1fr_auto_auto_auto]">
        <Field label="Path on the host" htmlFor={`g-disk-${i}-path`} error={pathErr}>
          <Input id={`g-disk-${i}-path`} className="font-mono" value={d.path} placeholder={placeholder} onChange={(e) => onChange({ ...d, path: e.target.value })} invalid={!!pathErr} />
        </Field>
        {d.kind === "new-image" && (
          <>
            <Field label="Format" htmlFor={`g-disk-${i}-format`}>
              <Select id={`g-disk-${i}-format`} value={d.format} onChange={(e) => onChange({ ...d, format: e.target.value as DiskRow["format"] })}>
                <option value="qcow2">qcow2</option>
                <option value="raw">raw</option>
              </Select>
            </Field>
            <Field label="Size" htmlFor={`g-disk-${i}-size`} error={sizeErr}>
              <div className="flex gap-1">
                <Input id={`g-disk-${i}-size`} className="w-20" inputMode="decimal" value={d.size} onChange={(e) => onChange({ ...d, size: e.target.value })} invalid={!!sizeErr} />
                <Select aria-label="Size unit" value={d.unit} onChange={(e) => onChange({ ...d, unit: e.target.value as SizeUnit })}>
                  {Object.keys(SIZE_UNITS).map((u) => (
                    <option key={u}>{u}</option>
                  ))}
                </Select>
              </div>
            </Field>
          </>
        )}
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
      <Button size="sm" variant="ghost" className="mt-5 text-red-700" onClick={onRemove} data-testid={`disk-remove-${i}`}>
        Remove
      </Button>
    </div>
  );
}

export function WizardDisks({ disks, onChange, errors, root }: { disks: DiskRow[]; onChange: (d: DiskRow[]) => void; errors: FieldErrors; root: string | undefined }) {
  const placeholder = `${root ?? "/var/lib/labdeck/images"}/disk.qcow2`;
  return (
    <div className="space-y-2">
      {disks.length === 0 && <p className="text-xs text-slate-500">No disks (fine for a custom kernel with an initramfs).</p>}
      {errors.disks && <p className="text-xs text-red-700" role="alert">{errors.disks}</p>}
      {disks.map((d, i) => (
        <DiskEditor
          key={d.key}
          d={d}
          i={i}
          errors={errors}
          placeholder={placeholder}
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
      </div>
    </div>
  );
}
