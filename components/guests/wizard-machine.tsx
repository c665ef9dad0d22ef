"use client";

import { ARCHES } from "@/lib/guest-arches";
import type { HostView } from "../api-types";
import { Badge } from "../ui/badge";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import type { FieldErrors, WizardForm } from "./wizard-model";

function KvmNote({ host }: { host: HostView | undefined }) {
  if (!host) return null;
  const row = host.capabilityRows?.find((r) => r.key === "kvm");
  if (!host.capabilities || !row)
    return (
      <Badge tone="amber" testId="host-kvm">
        not probed: auto means TCG
      </Badge>
    );
  const usable = host.capabilities.kvm.usable;
  return (
    <Badge tone={usable ? "green" : "amber"} title={row.detail} testId="host-kvm">
      {usable ? "KVM usable" : "KVM not usable: TCG"}
    </Badge>
  );
}

export function WizardMachine({
  form,
  set,
  errors,
  hosts,
  editing,
}: {
  form: WizardForm;
  set: (patch: Partial<WizardForm>) => void;
  errors: FieldErrors;
  hosts: HostView[];
  editing: boolean;
}) {
  const host = hosts.find((h) => h.id === form.hostId);
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <Field label="Host" htmlFor="g-host" error={errors.hostId} hint={host && <KvmNote host={host} />} className="sm:col-span-2">
        <Select
          id="g-host"
          value={form.hostId}
          disabled={editing}
          onChange={(e) => set({ hostId: e.target.value })}
          invalid={!!errors.hostId}
        >
          <option value="">Choose a host…</option>
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name} ({h.address})
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Name"
        htmlFor="g-name"
        error={errors.name}
        hint={editing ? "A guest cannot be renamed" : "lowercase letters, digits, dashes"}
        className="sm:col-span-2"
      >
        <Input
          id="g-name"
          value={form.name}
          disabled={editing}
          onChange={(e) => set({ name: e.target.value })}
          invalid={!!errors.name}
          placeholder="web-1"
        />
      </Field>
      <Field label="Architecture" htmlFor="g-arch" error={errors.arch} hint={<span className="font-mono">qemu-system-{form.arch}</span>}>
        <Select id="g-arch" value={form.arch} onChange={(e) => set({ arch: e.target.value as WizardForm["arch"] })}>
          {ARCHES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Machine type" htmlFor="g-machine" error={errors.machine} hint="q35, pc, virt…">
        <Input id="g-machine" value={form.machine} onChange={(e) => set({ machine: e.target.value })} invalid={!!errors.machine} />
      </Field>
      <Field
        label="Accelerator"
        htmlFor="g-accel"
        error={errors.accel}
        hint="auto = KVM where the probe found it usable, else TCG"
        className="sm:col-span-2"
      >
        <Select id="g-accel" value={form.accel} onChange={(e) => set({ accel: e.target.value as WizardForm["accel"] })}>
          <option value="auto">auto</option>
          <option value="kvm">kvm</option>
          <option value="tcg">tcg</option>
        </Select>
      </Field>
      <Field label="vCPUs" htmlFor="g-vcpus" error={errors.vcpus}>
        <Input
          id="g-vcpus"
          inputMode="numeric"
          value={form.vcpus}
          onChange={(e) => set({ vcpus: e.target.value })}
          invalid={!!errors.vcpus}
        />
      </Field>
      <Field label="Memory (MiB)" htmlFor="g-memory" error={errors.memoryMiB}>
        <Input
          id="g-memory"
          inputMode="numeric"
          value={form.memoryMiB}
          onChange={(e) => set({ memoryMiB: e.target.value })}
          invalid={!!errors.memoryMiB}
        />
      </Field>
      <Field label="CPU model" htmlFor="g-cpu" error={errors.cpuModel} hint="optional, e.g. host or max">
        <Input id="g-cpu" value={form.cpuModel} onChange={(e) => set({ cpuModel: e.target.value })} invalid={!!errors.cpuModel} />
      </Field>
      <Field label="Display" htmlFor="g-display" error={errors.display} hint="the serial console is always there">
        <Select id="g-display" value={form.display} onChange={(e) => set({ display: e.target.value as WizardForm["display"] })}>
          <option value="none">none</option>
          <option value="vnc">vnc</option>
        </Select>
      </Field>
    </div>
  );
}
