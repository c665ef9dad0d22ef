"use client";

import { useState } from "react";
import { IPTABLES_TABLES } from "@/lib/iptables-words";
import { CHAIN_NAME } from "@/lib/names";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { Input, Select } from "../ui/input";
import { Notice } from "../ui/states";
import type { THostNetwork, TNetChain } from "./network-types";
import type { EditDraft } from "./pending-edits";
import { RuleFormView } from "./rule-form";
import { ruleSummary, type FirewallTable, type RuleSpecInput } from "./rule-spec";

// The host's iptables as iptables-save printed it: tables, chains with policy and
// counters, rules in order with their counters and text. Every change made here is a
// pending edit (rule.append/insert/replace/delete, chain and policy ops), applied with
// the rest of the list under the automatic rollback. Deleting goes by the rule's text, so
// a rule that moved meanwhile is still the one deleted; replacing names the text it
// expects, so a rule someone else changed is refused instead of overwritten.

const EDITABLE: readonly string[] = IPTABLES_TABLES;
const POLICY_CHAINS: readonly string[] = ["INPUT", "FORWARD", "OUTPUT"];

type FormAt =
  | { chain: string; mode: "append" }
  | { chain: string; mode: "insert"; position: number }
  | { chain: string; mode: "replace"; position: number; expect: string };

function counters(packets: number | null, bytes: number | null): string {
  return packets === null || bytes === null ? "" : `${packets} pkts, ${bytes} B`;
}

export function FirewallTab({
  network,
  canEdit,
  onAddEdit,
}: {
  network: THostNetwork;
  canEdit: boolean;
  onAddEdit: (e: EditDraft) => void;
}) {
  const ipt = network.iptables;
  const [tableName, setTableName] = useState("filter");
  const [form, setForm] = useState<FormAt | null>(null);
  const [newChain, setNewChain] = useState("");
  if (!ipt) return <Notice tone="warning">iptables-save could not run on this host (not root, or iptables is missing).</Notice>;
  const table = ipt.tables.find((t) => t.name === tableName) ?? ipt.tables[0];
  const editable = canEdit && table !== undefined && EDITABLE.includes(table.name);
  const tname = (table?.name ?? "filter") as FirewallTable;
  const userChains = table?.chains.filter((c) => !c.builtin).map((c) => c.name) ?? [];

  const submitRule = (at: FormAt, rule: RuleSpecInput) => {
    const where = `${tname} ${at.chain}`;
    const summary = ruleSummary(rule);
    if (at.mode === "append")
      onAddEdit({
        label: `Append to ${where}: ${summary}`,
        ops: [{ op: "rule.append", table: tname, chain: at.chain, rule }],
        guestLinks: [],
      });
    else if (at.mode === "insert")
      onAddEdit({
        label: `Insert at ${where} #${at.position}: ${summary}`,
        ops: [{ op: "rule.insert", table: tname, chain: at.chain, position: at.position, rule }],
        guestLinks: [],
      });
    else
      onAddEdit({
        label: `Replace ${where} #${at.position} with: ${summary}`,
        ops: [{ op: "rule.replace", table: tname, chain: at.chain, position: at.position, expect: at.expect, rule }],
        guestLinks: [],
      });
    setForm(null);
  };

  const chainView = (c: TNetChain) => (
    <section key={c.name} className="rounded border border-slate-200 bg-white" data-testid="fw-chain" data-chain={c.name}>
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-1.5 text-sm">
        <span className="font-mono font-semibold">{c.name}</span>
        {c.builtin ? (
          editable && tname === "filter" && POLICY_CHAINS.includes(c.name) ? (
            <Select
              aria-label={`Policy of ${c.name}`}
              className="h-7 text-xs"
              value={c.policy ?? "ACCEPT"}
              onChange={(e) =>
                onAddEdit({
                  label: `Policy of filter ${c.name}: ${e.target.value}`,
                  ops: [
                    {
                      op: "policy.set",
                      table: "filter",
                      chain: c.name as "INPUT" | "FORWARD" | "OUTPUT",
                      policy: e.target.value === "DROP" ? "DROP" : "ACCEPT",
                    },
                  ],
                  guestLinks: [],
                })
              }
              data-testid="fw-policy"
            >
              <option value="ACCEPT">policy ACCEPT</option>
              <option value="DROP">policy DROP</option>
            </Select>
          ) : (
            <span className="text-xs text-slate-600">policy {c.policy}</span>
          )
        ) : (
          <span className="text-xs text-slate-500">user chain</span>
        )}
        <span className="text-xs text-slate-500">{counters(c.packets, c.bytes)}</span>
        {editable && (
          <span className="ml-auto flex gap-1">
            <Button size="sm" onClick={() => setForm({ chain: c.name, mode: "append" })} data-testid="fw-append">
              Append rule
            </Button>
            {!c.builtin && (
              <Button
                size="sm"
                variant="ghost"
                onClick={() =>
                  onAddEdit({
                    label: `Delete chain ${tname} ${c.name}`,
                    ops: [{ op: "chain.delete", table: tname, chain: c.name }],
                    guestLinks: [],
                  })
                }
              >
                Delete chain
              </Button>
            )}
          </span>
        )}
      </header>
      {c.rules.length === 0 && <div className="px-3 py-1.5 text-xs text-slate-500">no rules</div>}
      <ol>
        {c.rules.map((r) => (
          <li key={r.position} className="flex items-baseline gap-2 border-b border-slate-50 px-3 py-1 last:border-0" data-testid="fw-rule">
            <span className="w-6 shrink-0 text-right font-mono text-xs text-slate-400">{r.position}</span>
            <span className="w-28 shrink-0 text-xs text-slate-500 tabular-nums">{counters(r.packets, r.bytes)}</span>
            <span className="min-w-0 flex-1 font-mono text-xs break-all" data-testid="fw-rule-text">
              {r.text}
            </span>
            {editable && (
              <span className="flex shrink-0 gap-1 text-xs">
                <button
                  type="button"
                  className="text-blue-700 hover:underline"
                  onClick={() => setForm({ chain: c.name, mode: "insert", position: r.position })}
                >
                  insert above
                </button>
                <button
                  type="button"
                  className="text-blue-700 hover:underline"
                  onClick={() => setForm({ chain: c.name, mode: "replace", position: r.position, expect: r.text })}
                >
                  replace
                </button>
                <button
                  type="button"
                  className="text-red-700 hover:underline"
                  onClick={() =>
                    onAddEdit({
                      label: `Delete from ${tname} ${c.name}: ${r.text}`,
                      ops: [{ op: "rule.delete", table: tname, chain: c.name, text: r.text }],
                      guestLinks: [],
                    })
                  }
                  data-testid="fw-rule-delete"
                >
                  delete
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {form?.chain === c.name && (
        <div className="p-2">
          <RuleFormView
            key={`${form.mode}:${"position" in form ? form.position : ""}`}
            table={tname}
            userChains={userChains}
            submitLabel={
              form.mode === "append"
                ? "Append (pending)"
                : form.mode === "insert"
                  ? `Insert at #${form.position} (pending)`
                  : `Replace #${form.position} (pending)`
            }
            onCancel={() => setForm(null)}
            onSubmit={(rule) => submitRule(form, rule)}
          />
        </div>
      )}
    </section>
  );

  return (
    <div className="space-y-3" data-testid="firewall-tab">
      {ipt.warnings.map((w) => (
        <Notice key={w} tone="warning">
          {w}
        </Notice>
      ))}
      <div className="flex flex-wrap items-center gap-1">
        {ipt.tables.map((t) => (
          <button
            key={t.name}
            type="button"
            className={cx(
              "rounded px-2.5 py-1 text-sm",
              t.name === table?.name
                ? "theme-fixed bg-slate-800 text-white"
                : "bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-100",
            )}
            onClick={() => {
              setTableName(t.name);
              setForm(null);
            }}
            data-testid={`fw-table-${t.name}`}
          >
            {t.name}
          </button>
        ))}
        {ipt.backend && <span className="ml-2 text-xs text-slate-500">backend {ipt.backend}</span>}
      </div>
      {table?.chains.map(chainView)}
      {editable && (
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (!CHAIN_NAME.test(newChain)) return;
            onAddEdit({
              label: `New chain ${tname} ${newChain}`,
              ops: [{ op: "chain.create", table: tname, chain: newChain }],
              guestLinks: [],
            });
            setNewChain("");
          }}
        >
          <Input
            aria-label="New chain name"
            className="w-48 font-mono"
            placeholder="LAB-IN"
            value={newChain}
            onChange={(e) => setNewChain(e.target.value)}
          />
          <Button size="sm" type="submit" disabled={!CHAIN_NAME.test(newChain)}>
            New chain in {tname}
          </Button>
        </form>
      )}
    </div>
  );
}
