"use client";

import { Field } from "../ui/field";
import { Input } from "../ui/input";
import type { FieldErrors, WizardForm } from "./wizard-model";

const KINDS: Array<{ kind: WizardForm["bootKind"]; label: string }> = [
  { kind: "disk", label: "Disk" },
  { kind: "cdrom", label: "CD-ROM (installer)" },
  { kind: "kernel", label: "Custom kernel" },
];

export function WizardBoot({
  form,
  set,
  errors,
  root,
}: {
  form: WizardForm;
  set: (patch: Partial<WizardForm>) => void;
  errors: FieldErrors;
  root: string | undefined;
}) {
  const base = root ?? "/var/lib/labdeck/images";
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-4" role="radiogroup" aria-label="Boot from">
        {KINDS.map((k) => (
          <label key={k.kind} className="flex items-center gap-1.5">
            <input
              type="radio"
              name="g-boot"
              value={k.kind}
              checked={form.bootKind === k.kind}
              onChange={() => set({ bootKind: k.kind })}
              data-testid={`boot-${k.kind}`}
            />
            {k.label}
          </label>
        ))}
      </div>
      {errors.boot && (
        <p className="text-xs text-red-700" role="alert">
          {errors.boot}
        </p>
      )}
      {form.bootKind === "kernel" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Kernel" htmlFor="g-kernel" error={errors["boot.kernel"]}>
            <Input
              id="g-kernel"
              className="font-mono"
              value={form.kernel}
              placeholder={`${base}/vmlinuz`}
              onChange={(e) => set({ kernel: e.target.value })}
              invalid={!!errors["boot.kernel"]}
            />
          </Field>
          <Field label="Initrd" htmlFor="g-initrd" error={errors["boot.initrd"]} hint="optional">
            <Input
              id="g-initrd"
              className="font-mono"
              value={form.initrd}
              placeholder={`${base}/initrd.img`}
              onChange={(e) => set({ initrd: e.target.value })}
              invalid={!!errors["boot.initrd"]}
            />
          </Field>
          <Field
            label="Kernel command line"
            htmlFor="g-append"
            error={errors["boot.append"]}
            className="sm:col-span-2"
            hint="passed as one argument to -append"
          >
            <Input
              id="g-append"
              className="font-mono"
              value={form.append}
              placeholder="console=ttyS0 root=/dev/vda1"
              onChange={(e) => set({ append: e.target.value })}
              invalid={!!errors["boot.append"]}
            />
          </Field>
        </div>
      )}
    </div>
  );
}
