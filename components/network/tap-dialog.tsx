"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { IFNAME, UNIX_NAME } from "@/lib/names";
import type { TapForm } from "./pending-edits";

// A persistent TAP, for a guest Labdeck does not start itself (a UML or hand-run QEMU):
// the owner lets that unprivileged process open it. Guests Labdeck runs get their TAPs
// from their start plans, so they never need one made here.

export function TapDialog({
  open,
  takenNames,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  takenNames: readonly string[];
  onCancel: () => void;
  onSubmit: (f: TapForm) => void;
}) {
  return (
    <Dialog open={open} onClose={onCancel} title="Add a TAP">
      {open && <TapFormBody takenNames={takenNames} onCancel={onCancel} onSubmit={onSubmit} />}
    </Dialog>
  );
}

function TapFormBody({
  takenNames,
  onCancel,
  onSubmit,
}: {
  takenNames: readonly string[];
  onCancel: () => void;
  onSubmit: (f: TapForm) => void;
}) {
  const [form, setForm] = useState<TapForm>({ name: "", user: "", group: "" });
  const [tried, setTried] = useState(false);
  const nameError = !IFNAME.test(form.name)
    ? "Letters, digits, _ . : -; at most 15 characters"
    : takenNames.includes(form.name)
      ? "A link with this name exists"
      : null;
  const userError = form.user !== "" && !UNIX_NAME.test(form.user) ? "A user name or numeric id" : null;
  const groupError = form.group !== "" && !UNIX_NAME.test(form.group) ? "A group name or numeric id" : null;
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!nameError && !userError && !groupError) onSubmit(form);
      }}
      data-testid="tap-dialog"
    >
      <Field label="Name" htmlFor="tap-name" error={tried ? nameError : null}>
        <Input
          id="tap-name"
          className="font-mono"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          placeholder="tap0"
          autoFocus
        />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Owner user" htmlFor="tap-user" hint="Optional" error={userError}>
          <Input
            id="tap-user"
            className="font-mono"
            value={form.user}
            onChange={(e) => setForm({ ...form, user: e.target.value.trim() })}
          />
        </Field>
        <Field label="Owner group" htmlFor="tap-group" hint="Optional" error={groupError}>
          <Input
            id="tap-group"
            className="font-mono"
            value={form.group}
            onChange={(e) => setForm({ ...form, group: e.target.value.trim() })}
          />
        </Field>
      </div>
      <p className="text-xs text-slate-500">Draw a line from the new TAP to a bridge to make it a port.</p>
      <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="tap-dialog-add">
          Add TAP
        </Button>
      </div>
    </form>
  );
}
