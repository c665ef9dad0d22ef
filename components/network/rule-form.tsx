"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { CTSTATES, LOG_LEVELS, REJECT_WITH } from "@/lib/iptables-words";
import { EMPTY_RULE_FORM, TARGETS_BY_TABLE, ruleSpecFromForm, type FirewallTable, type RuleForm, type RuleSpecInput } from "./rule-spec";

// One iptables rule as fields. Used to append, insert at a position and replace; the
// caller turns the rule into the op. User chains of the same table are offered as jump
// targets.

export function RuleFormView({
  table,
  userChains,
  submitLabel,
  onCancel,
  onSubmit,
}: {
  table: FirewallTable;
  userChains: readonly string[];
  submitLabel: string;
  onCancel: () => void;
  onSubmit: (rule: RuleSpecInput) => void;
}) {
  const [f, setF] = useState<RuleForm>(EMPTY_RULE_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => setF((prev) => ({ ...prev, [key]: value }));
  const text = (
    key:
      | "source"
      | "destination"
      | "inInterface"
      | "outInterface"
      | "sourcePort"
      | "destinationPort"
      | "comment"
      | "logPrefix"
      | "toSource"
      | "toDestination"
      | "toPort",
    label: string,
    placeholder = "",
  ) => (
    <Field label={label} htmlFor={`rule-${key}`} error={errors[key]}>
      <Input
        id={`rule-${key}`}
        className="font-mono"
        value={f[key]}
        placeholder={placeholder}
        onChange={(e) => set(key, e.target.value)}
        invalid={!!errors[key]}
      />
    </Field>
  );

  return (
    <form
      className="space-y-3 rounded border border-blue-200 bg-blue-50/40 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        const r = ruleSpecFromForm(f);
        if (r.ok) onSubmit(r.rule);
        else setErrors(r.errors);
      }}
      data-testid="rule-form"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Protocol" htmlFor="rule-protocol">
          <Select id="rule-protocol" value={f.protocol} onChange={(e) => set("protocol", e.target.value as RuleForm["protocol"])}>
            <option value="">any</option>
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
            <option value="icmp">icmp</option>
            <option value="all">all</option>
          </Select>
        </Field>
        {text("inInterface", "In interface", "eth0 or tap+")}
        {text("outInterface", "Out interface", "br0")}
        <div>
          {text("source", "Source", "10.0.0.0/8")}
          <label className="mt-1 flex items-center gap-1 text-xs">
            <input type="checkbox" checked={f.sourceNegated} onChange={(e) => set("sourceNegated", e.target.checked)} /> not this source
          </label>
        </div>
        <div>
          {text("destination", "Destination", "192.168.2.10")}
          <label className="mt-1 flex items-center gap-1 text-xs">
            <input type="checkbox" checked={f.destinationNegated} onChange={(e) => set("destinationNegated", e.target.checked)} /> not this
            destination
          </label>
        </div>
        {text("comment", "Comment")}
        {text("sourcePort", "Source port", "1024:65535")}
        {text("destinationPort", "Destination port", "22")}
      </div>
      <fieldset className="flex flex-wrap items-center gap-3 text-xs">
        <legend className="mb-1 font-medium text-slate-700">Connection state</legend>
        {CTSTATES.map((s) => (
          <label key={s} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={f.ctstate.includes(s)}
              onChange={(e) => set("ctstate", e.target.checked ? [...f.ctstate, s] : f.ctstate.filter((x) => x !== s))}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Target" htmlFor="rule-target" error={errors.target}>
          <Select id="rule-target" value={f.target} onChange={(e) => set("target", e.target.value)}>
            {TARGETS_BY_TABLE[table].map((t) => (
              <option key={t} value={t}>
                {t === "chain" ? "a user chain…" : t}
              </option>
            ))}
          </Select>
        </Field>
        {f.target === "REJECT" && (
          <Field label="Reject with" htmlFor="rule-reject-with">
            <Select id="rule-reject-with" value={f.rejectWith} onChange={(e) => set("rejectWith", e.target.value)}>
              <option value="">default</option>
              {REJECT_WITH.map((w) => (
                <option key={w}>{w}</option>
              ))}
            </Select>
          </Field>
        )}
        {f.target === "LOG" && (
          <>
            {text("logPrefix", "Log prefix", "lab in: ")}
            <Field label="Log level" htmlFor="rule-log-level">
              <Select id="rule-log-level" value={f.logLevel} onChange={(e) => set("logLevel", e.target.value)}>
                <option value="">default</option>
                {LOG_LEVELS.map((l) => (
                  <option key={l}>{l}</option>
                ))}
              </Select>
            </Field>
          </>
        )}
        {f.target === "SNAT" && text("toSource", "To source", "10.203.0.2")}
        {f.target === "DNAT" && (
          <>
            {text("toDestination", "To address", "192.168.2.10")}
            {text("toPort", "To port", "22")}
          </>
        )}
        {f.target === "chain" && (
          <Field label="Chain" htmlFor="rule-chain" error={errors.chain}>
            <Select id="rule-chain" value={f.chain} onChange={(e) => set("chain", e.target.value)}>
              <option value="">choose…</option>
              {userChains.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </Select>
            <label className="mt-1 flex items-center gap-1 text-xs">
              <input type="checkbox" checked={f.goto} onChange={(e) => set("goto", e.target.checked)} /> goto (do not come back)
            </label>
          </Field>
        )}
      </div>
      <div className="flex gap-2">
        <Button type="submit" variant="primary" size="sm" data-testid="rule-form-submit">
          {submitLabel}
        </Button>
        <Button size="sm" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
