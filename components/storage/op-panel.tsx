"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { JobStatus } from "../api-types";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { Notice } from "../ui/states";
import { formFieldOf, storageAction, type ActionField, type ActionId, type FormValues } from "./storage-actions";
import { StoragePlanView } from "./storage-plan-view";
import type { StoragePreview, StorageView } from "./storage-types";

// One storage form and the one way its op reaches the host: Preview (the server plans it
// against the host as read now and shows the commands), then Apply (a job, live). A
// preview belongs to exactly the values it was made for: any edit hides it again, so
// what is applied is always what was shown.

export interface OpRequest {
  action: ActionId;
  /** The row's identity (vg, lv, device, path), fixed for this form. */
  fixed: FormValues;
  /** Starting values the user may still change (the disk a "Create VG" was clicked on). */
  preset?: FormValues;
}

function identity(fixed: FormValues): string {
  const { vg, lv, origin, name, device, path } = fixed;
  if (typeof vg === "string")
    return `${vg}${typeof lv === "string" ? `/${lv}` : typeof origin === "string" ? `/${origin}` : typeof name === "string" ? `/${name}` : ""}`;
  return [device, path].filter((x): x is string => typeof x === "string").join(" ");
}

function FieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: ActionField;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const id = `op-${field.key}`;
  if (field.kind === "checkbox") {
    return (
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={id} />
        {field.label}
        {error && (
          <span className="text-xs text-red-700" role="alert" data-testid={`error-${id}`}>
            {error}
          </span>
        )}
      </label>
    );
  }
  return (
    <Field label={field.label} htmlFor={id} hint={field.hint} error={error}>
      {field.kind === "select" ? (
        <Select
          id={id}
          value={typeof value === "string" ? value : ""}
          invalid={!!error}
          onChange={(e) => onChange(e.target.value)}
          data-testid={id}
        >
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      ) : (
        <Input
          id={id}
          value={typeof value === "string" ? value : ""}
          placeholder={field.placeholder}
          invalid={!!error}
          onChange={(e) => onChange(e.target.value)}
          data-testid={id}
          autoComplete="off"
        />
      )}
    </Field>
  );
}

export function OpPanel({
  hostId,
  view,
  request,
  onClose,
  onApplied,
}: {
  hostId: string;
  view: StorageView;
  request: OpRequest;
  onClose: () => void;
  onApplied: (status: JobStatus) => void;
}) {
  const trpc = useTRPC();
  const action = storageAction(request.action);
  const [values, setValues] = useState<FormValues>(() => ({
    ...(action.defaults?.(view, request.fixed) ?? {}),
    ...request.preset,
    ...request.fixed,
  }));
  const [previewed, setPreviewed] = useState<{ key: string; preview: StoragePreview } | null>(null);
  const [applied, setApplied] = useState<{ jobId: string | null; summary: string } | null>(null);
  const op = action.toOp(values);
  const key = JSON.stringify(op);
  const preview = useMutation(
    trpc.storage.preview.mutationOptions({ onSuccess: (p, input) => setPreviewed({ key: JSON.stringify(input.op), preview: p }) }),
  );
  const run = useMutation(
    trpc.storage.run.mutationOptions({
      onSuccess: (r) => {
        setApplied(r);
        setPreviewed(null);
        if (r.jobId === null) onApplied("succeeded");
      },
    }),
  );
  const current = previewed?.key === key ? previewed.preview : null;
  const error = preview.error ?? run.error;
  const fields = action.fields(view, request.fixed);
  const byField: Record<string, string> = {};
  const shown: string[] = [];
  for (const [serverField, message] of Object.entries(fieldErrors(error))) {
    const f = formFieldOf(serverField);
    if (f !== null && fields.some((x) => x.key === f) && byField[f] === undefined) {
      byField[f] = message;
      shown.push(serverField);
    }
  }
  const general = formError(error, shown);
  const notice = action.notice?.(request.fixed) ?? null;

  return (
    <Card
      title={`${action.label}${identity(request.fixed) ? ` · ${identity(request.fixed)}` : ""}`}
      testId="storage-op-panel"
      actions={
        <Button size="sm" variant="ghost" onClick={onClose} data-testid="op-close">
          Close
        </Button>
      }
    >
      <form
        className="space-y-3"
        data-action={action.id}
        onSubmit={(e) => {
          e.preventDefault();
          run.reset();
          setApplied(null);
          preview.mutate({ hostId, op });
        }}
      >
        {notice && (
          <Notice tone={action.danger ? "warning" : "info"} testId="op-notice">
            {notice}
          </Notice>
        )}
        {fields.length > 0 && (
          <div className="grid gap-3 sm:grid-cols-2">
            {fields.map((f) => (
              <FieldInput
                key={f.key}
                field={f}
                value={values[f.key]}
                error={byField[f.key]}
                onChange={(v) => {
                  preview.reset();
                  setValues((old) => ({ ...old, [f.key]: v }));
                }}
              />
            ))}
          </div>
        )}
        {general && (
          <Notice tone="error" title={run.error ? "Not applied" : "Refused"} testId="op-error">
            {general}
          </Notice>
        )}
        <div className="flex gap-2">
          <Button type="submit" variant={current ? "secondary" : "primary"} pending={preview.isPending} data-testid="op-preview">
            {current ? "Preview again" : "Preview"}
          </Button>
          <Button
            variant={action.danger ? "danger" : "primary"}
            disabled={current === null || current.nothingToDo}
            pending={run.isPending}
            onClick={() => run.mutate({ hostId, op })}
            data-testid="op-apply"
            title={current ? undefined : "Preview first"}
          >
            Apply
          </Button>
        </div>
        {current && <StoragePlanView preview={current} />}
        {applied && applied.jobId === null && (
          <Notice tone="info" testId="nothing-to-do">
            Nothing ran: {applied.summary}
          </Notice>
        )}
        {applied?.jobId && <JobInline key={applied.jobId} jobId={applied.jobId} title={applied.summary} onFinished={onApplied} />}
      </form>
    </Card>
  );
}
