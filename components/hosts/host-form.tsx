"use client";

import { useState, type FormEvent } from "react";
import type { RouterInputs } from "../api-types";
import { fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Textarea } from "../ui/input";
import { Notice } from "../ui/states";
import { KeySourcePicker, type KeyChoice } from "./key-source-picker";

type KeyInput = RouterInputs["hosts"]["create"]["key"];
export interface HostFormValues {
  name: string;
  address: string;
  port: number;
  username: string;
  /** The three roots are left out of the submitted values unless the user may change them (admins). */
  runDir?: string;
  /** Absolute paths for guest images, ISOs and kernels; empty means `<runDir>/images`. */
  storageRoots?: string[];
  /** Persistence files (interfaces.d, rules.v4, rt_tables) are written under it; "/" on a real host. */
  configRoot?: string;
  /** The unprivileged user QEMU drops to; like the roots, an admin's setting. */
  qemuRunAs?: string;
  key: KeyInput | undefined;
}

type HostFormInitial = Omit<HostFormValues, "key" | "runDir" | "storageRoots" | "configRoot" | "qemuRunAs"> & {
  runDir: string;
  storageRoots: string[];
  configRoot: string;
  qemuRunAs: string;
};

const FIELDS = ["name", "address", "port", "username", "runDir", "storageRoots", "configRoot", "qemuRunAs", "key", "privateKey"];

export function HostForm({
  initial,
  allowKeep,
  rootsEditable,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: HostFormInitial;
  /** Editing: the current key may be kept. */
  allowKeep: boolean;
  /** Only admins choose where Labdeck writes on a host; others see the roots read-only (the server refuses them too). */
  rootsEditable: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: HostFormValues) => void;
  onCancel?: () => void;
}) {
  const [v, setV] = useState({ ...initial, port: String(initial.port), storageRoots: initial.storageRoots.join("\n") });
  const [keyChoice, setKeyChoice] = useState<KeyChoice>(allowKeep ? "keep" : "generate");
  const [privateKey, setPrivateKey] = useState("");
  const [portError, setPortError] = useState<string | null>(null);
  const errors = fieldErrors(error);
  const message = formError(error, FIELDS);
  const keyError = errors.privateKey ?? errors.key;
  const rootsError = Object.entries(errors).find(([k]) => k.startsWith("storageRoots"))?.[1];
  const adminOnly = rootsEditable ? "" : " (an admin changes it)";

  const set = (field: keyof typeof v) => (e: { target: { value: string } }) => setV((prev) => ({ ...prev, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const port = Number(v.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      setPortError("a port number from 1 to 65535");
      return;
    }
    setPortError(null);
    const key: KeyInput | undefined =
      keyChoice === "keep" ? undefined : keyChoice === "generate" ? { source: "generate" } : { source: "paste", privateKey };
    const storageRoots = v.storageRoots
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const base = { name: v.name.trim(), address: v.address.trim(), port, username: v.username.trim(), key };
    onSubmit(
      rootsEditable
        ? { ...base, runDir: v.runDir.trim(), storageRoots, configRoot: v.configRoot.trim(), qemuRunAs: v.qemuRunAs.trim() }
        : base,
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" noValidate data-testid="host-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" htmlFor="host-name" error={errors.name} hint="lowercase letters, digits and dashes">
          <Input id="host-name" value={v.name} onChange={set("name")} invalid={!!errors.name} autoFocus={!allowKeep} />
        </Field>
        <div className="grid grid-cols-[1fr_6rem] gap-2">
          <Field label="Address" htmlFor="host-address" error={errors.address} hint="DNS name or IP">
            <Input id="host-address" value={v.address} onChange={set("address")} invalid={!!errors.address} placeholder="10.0.0.12" />
          </Field>
          <Field label="SSH port" htmlFor="host-port" error={portError ?? errors.port}>
            <Input
              id="host-port"
              type="number"
              min={1}
              max={65535}
              value={v.port}
              onChange={set("port")}
              invalid={!!(portError ?? errors.port)}
            />
          </Field>
        </div>
        <Field label="SSH user" htmlFor="host-username" error={errors.username}>
          <Input id="host-username" value={v.username} onChange={set("username")} invalid={!!errors.username} />
        </Field>
        <Field
          label="Run directory"
          htmlFor="host-runDir"
          error={errors.runDir}
          hint={`where Labdeck keeps its files on the host; not / or a system directory${adminOnly}`}
        >
          <Input
            id="host-runDir"
            className="font-mono"
            value={v.runDir}
            onChange={set("runDir")}
            invalid={!!errors.runDir}
            disabled={!rootsEditable}
          />
        </Field>
        <Field
          label="Storage roots"
          htmlFor="host-storageRoots"
          error={rootsError}
          hint={`one absolute path per line; guest images, ISOs and kernels must lie under one. Empty: <run directory>/images. Not / or a system directory${adminOnly}`}
        >
          <Textarea
            id="host-storageRoots"
            rows={2}
            className="font-mono"
            spellCheck={false}
            value={v.storageRoots}
            onChange={set("storageRoots")}
            invalid={!!rootsError}
            disabled={!rootsEditable}
          />
        </Field>
        <Field
          label="Persistence root"
          htmlFor="host-configRoot"
          error={errors.configRoot}
          hint={`network persistence files are written under it (/etc/network/interfaces.d, /etc/iptables); / on a real host${adminOnly}`}
        >
          <Input
            id="host-configRoot"
            className="font-mono"
            value={v.configRoot}
            onChange={set("configRoot")}
            invalid={!!errors.configRoot}
            disabled={!rootsEditable}
          />
        </Field>
        <Field
          label="Run QEMU as"
          htmlFor="host-qemuRunAs"
          error={errors.qemuRunAs}
          hint={`an unprivileged user that exists on the host (e.g. labdeck or nobody): QEMU drops to it after opening its files, so a guest that breaks out of QEMU is not root. Empty: QEMU runs as the SSH user${adminOnly}`}
        >
          <Input
            id="host-qemuRunAs"
            className="font-mono"
            value={v.qemuRunAs}
            onChange={set("qemuRunAs")}
            invalid={!!errors.qemuRunAs}
            placeholder="labdeck"
            disabled={!rootsEditable}
          />
        </Field>
      </div>
      <KeySourcePicker value={keyChoice} onChange={setKeyChoice} allowKeep={allowKeep} />
      {keyChoice === "paste" && (
        <Field
          label="Private key"
          htmlFor="host-privateKey"
          error={keyError}
          hint="OpenSSH or PEM, unencrypted. It is stored sealed and never shown again."
        >
          <Textarea
            id="host-privateKey"
            rows={6}
            spellCheck={false}
            value={privateKey}
            onChange={(e) => setPrivateKey(e.target.value)}
            invalid={!!keyError}
            placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          />
        </Field>
      )}
      {keyChoice !== "paste" && keyError && <Notice tone="error">{keyError}</Notice>}
      {message && (
        <Notice tone="error" testId="host-form-error">
          {message}
        </Notice>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" pending={pending} data-testid="host-form-submit">
          {submitLabel}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
