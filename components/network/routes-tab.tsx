"use client";

import { useState } from "react";
import { TABLE_NAME } from "@/lib/names";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import type { THostNetwork } from "./network-types";
import type { EditDraft } from "./pending-edits";
import {
  copyMainRoutesOps,
  ipRuleAddOp,
  ipRuleDeleteOp,
  ipRuleLabel,
  routeAddOp,
  routeDeleteOp,
  tableName,
  tableRef,
  type RouteFormFields,
  type RuleFormFields,
} from "./route-ops";

// Routing as the host has it: routes per table, policy rules (which table a packet
// consults) and the names of tables. Every change is a pending edit; route and rule
// changes go under the automatic rollback since they can take Labdeck's path away.

function FieldsForm<K extends string>({
  fields,
  initial,
  submitLabel,
  testId,
  build,
}: {
  fields: { key: K; label: string; placeholder?: string }[];
  initial: Record<K, string>;
  submitLabel: string;
  testId: string;
  build: (values: Record<K, string>) => Record<string, string> | null;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const errs = build(values);
        setErrors(errs ?? {});
        if (!errs) setValues(initial);
      }}
      data-testid={testId}
    >
      {fields.map((f) => (
        <Field key={f.key} label={f.label} htmlFor={`${testId}-${f.key}`} error={errors[f.key]} className="w-36">
          <Input
            id={`${testId}-${f.key}`}
            className="font-mono"
            placeholder={f.placeholder}
            value={values[f.key]}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value.trim() })}
          />
        </Field>
      ))}
      <Button size="sm" type="submit" className="mb-0.5">
        {submitLabel}
      </Button>
    </form>
  );
}

const ROUTE_FIELDS: RouteFormFields = { table: "main", dst: "", via: "", dev: "", src: "", metric: "" };
const RULE_FIELDS: RuleFormFields = { priority: "", from: "", to: "", iif: "", fwmark: "", table: "" };

export function RoutesTab({ network, canEdit, onAddEdit }: { network: THostNetwork; canEdit: boolean; onAddEdit: (e: EditDraft) => void }) {
  // Tables with routes, and every table Labdeck has named (an empty one is where a
  // multi-gateway setup starts), all by the name Labdeck knows.
  const named = network.rtTables.filter((t) => t.id >= 1 && t.id <= 252).map((t) => t.name);
  const tables = [...new Set([...Object.keys(network.routesByTable).map((t) => tableName(network, t)), ...named])].sort((a, b) =>
    a === "main" ? -1 : b === "main" ? 1 : a === "local" ? 1 : b === "local" ? -1 : a.localeCompare(b),
  );
  const [table, setTable] = useState("main");
  const routes = Object.entries(network.routesByTable).flatMap(([t, rs]) => (tableName(network, t) === table ? rs : []));
  const copyOps = table === "main" || table === "local" ? [] : copyMainRoutesOps(network, tableRef(table));

  return (
    <div className="space-y-5" data-testid="routes-tab">
      <section className="space-y-2">
        <div className="flex flex-wrap items-center gap-1">
          <span className="mr-2 text-sm font-semibold">Routes</span>
          {tables.map((t) => (
            <button
              key={t}
              type="button"
              className={
                t === table
                  ? "theme-fixed rounded bg-slate-800 px-2.5 py-1 text-sm text-white"
                  : "rounded bg-white px-2.5 py-1 text-sm text-slate-700 ring-1 ring-slate-200 hover:bg-slate-100"
              }
              onClick={() => setTable(t)}
              data-testid={`route-table-${t}`}
            >
              {t}
            </button>
          ))}
        </div>
        <Table className="rounded border border-slate-200 bg-white">
          <THead>
            <tr>
              <Th>Destination</Th>
              <Th>Via</Th>
              <Th>Device</Th>
              <Th>Proto</Th>
              <Th>Metric</Th>
              <Th>Source</Th>
              <Th />
            </tr>
          </THead>
          <tbody>
            {routes.map((r, i) => {
              const del = canEdit ? routeDeleteOp(r) : null;
              return (
                <Tr key={`${r.dst}-${r.dev}-${i}`} data-testid="route-row">
                  <Td className="font-mono text-xs">{r.type !== "unicast" ? `${r.type} ${r.dst}` : r.dst}</Td>
                  <Td className="font-mono text-xs">{r.gateway ?? ""}</Td>
                  <Td className="font-mono text-xs">{r.dev ?? ""}</Td>
                  <Td className="text-xs">{r.protocol ?? ""}</Td>
                  <Td className="text-xs">{r.metric ?? ""}</Td>
                  <Td className="font-mono text-xs">{r.prefsrc ?? ""}</Td>
                  <Td className="text-right">
                    {del && (
                      <button
                        type="button"
                        className="text-xs text-red-700 hover:underline"
                        onClick={() =>
                          onAddEdit({ label: `Delete route ${r.dst} (table ${tableName(network, r.table)})`, ops: [del], guestLinks: [] })
                        }
                        data-testid="route-delete"
                      >
                        delete
                      </button>
                    )}
                  </Td>
                </Tr>
              );
            })}
          </tbody>
        </Table>
        {canEdit && copyOps.length > 0 && (
          <div className="flex items-center gap-2 text-xs">
            <Button
              size="sm"
              onClick={() =>
                onAddEdit({
                  label: `Copy the main table's routes into table ${table}, except the default (${copyOps.length} route(s))`,
                  ops: copyOps,
                  guestLinks: [],
                })
              }
              data-testid="route-copy-main"
            >
              Copy main&apos;s routes here (except default)
            </Button>
            <span className="text-slate-500">So this table reaches the local networks and only its default differs.</span>
          </div>
        )}
        {canEdit && (
          <FieldsForm
            // Keyed by the table: the form follows the table picked above.
            key={table}
            testId="route-add"
            submitLabel="Add route (pending)"
            initial={{ ...ROUTE_FIELDS, table: table === "local" ? "main" : table }}
            fields={[
              { key: "table", label: "Table" },
              { key: "dst", label: "Destination", placeholder: "10.1.0.0/16" },
              { key: "via", label: "Via", placeholder: "10.203.0.5" },
              { key: "dev", label: "Device", placeholder: "eth0" },
              { key: "src", label: "Source" },
              { key: "metric", label: "Metric" },
            ]}
            build={(v) => {
              const r = routeAddOp(v);
              if (!r.ok) return r.errors;
              onAddEdit({
                label: `Add route ${v.dst}${v.via ? ` via ${v.via}` : ""}${v.dev ? ` dev ${v.dev}` : ""} (table ${tableName(network, r.op.table)})`,
                ops: [r.op],
                guestLinks: [],
              });
              return null;
            }}
          />
        )}
      </section>

      <section className="space-y-2">
        <div className="text-sm font-semibold">Policy rules (ip rule)</div>
        <Table className="rounded border border-slate-200 bg-white">
          <THead>
            <tr>
              <Th>Priority</Th>
              <Th>Selector</Th>
              <Th>Action</Th>
              <Th />
            </tr>
          </THead>
          <tbody>
            {network.rules.map((r) => {
              const del = canEdit ? ipRuleDeleteOp(r) : null;
              const selector = [
                r.not ? "not" : "",
                `from ${r.from}`,
                r.to ? `to ${r.to}` : "",
                r.iif ? `iif ${r.iif}` : "",
                r.oif ? `oif ${r.oif}` : "",
                r.fwmark ? `fwmark ${r.fwmark}` : "",
              ]
                .filter(Boolean)
                .join(" ");
              return (
                <Tr key={`${r.priority}-${selector}-${r.table}`} data-testid="iprule-row">
                  <Td className="font-mono text-xs">{r.priority}</Td>
                  <Td className="font-mono text-xs">{selector}</Td>
                  <Td className="font-mono text-xs">{r.action === "lookup" ? `lookup ${tableName(network, r.table ?? "")}` : r.action}</Td>
                  <Td className="text-right">
                    {del && (
                      <button
                        type="button"
                        className="text-xs text-red-700 hover:underline"
                        onClick={() => onAddEdit({ label: `Delete ip rule ${r.priority} (${selector})`, ops: [del], guestLinks: [] })}
                      >
                        delete
                      </button>
                    )}
                  </Td>
                </Tr>
              );
            })}
          </tbody>
        </Table>
        {canEdit && (
          <FieldsForm
            testId="iprule-add"
            submitLabel="Add rule (pending)"
            initial={RULE_FIELDS}
            fields={[
              { key: "priority", label: "Priority", placeholder: "100" },
              { key: "from", label: "From", placeholder: "192.168.2.0/24" },
              { key: "to", label: "To" },
              { key: "iif", label: "In interface" },
              { key: "fwmark", label: "fwmark", placeholder: "0x2" },
              { key: "table", label: "Table", placeholder: "100" },
            ]}
            build={(v) => {
              const r = ipRuleAddOp(v);
              if (!r.ok) return r.errors;
              onAddEdit({ label: ipRuleLabel(network, r.op), ops: [r.op], guestLinks: [] });
              return null;
            }}
          />
        )}
      </section>

      <section className="space-y-2">
        <div className="text-sm font-semibold">Routing table names</div>
        <ul className="flex flex-wrap gap-2 text-xs">
          {network.rtTables.map((t) => (
            <li
              key={`${t.id}-${t.name}`}
              className="flex items-center gap-1 rounded border border-slate-200 bg-white px-2 py-0.5 font-mono"
              data-testid="rt-table"
            >
              {t.id} {t.name}
              {canEdit && t.id >= 1 && t.id <= 252 && (
                <button
                  type="button"
                  className="text-red-700 hover:underline"
                  onClick={() =>
                    onAddEdit({
                      label: `Forget table name ${t.name} (${t.id})`,
                      ops: [{ op: "rttable.delete", id: t.id, name: t.name }],
                      guestLinks: [],
                    })
                  }
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        {canEdit && (
          <FieldsForm
            testId="rttable-add"
            submitLabel="Name a table (pending)"
            initial={{ id: "", name: "" }}
            fields={[
              { key: "id", label: "Number (1–252)", placeholder: "100" },
              { key: "name", label: "Name", placeholder: "lab" },
            ]}
            build={(v) => {
              const id = Number(v.id);
              const errors: Record<string, string> = {};
              if (!/^\d+$/.test(v.id) || id < 1 || id > 252) errors.id = "1 to 252";
              if (!TABLE_NAME.test(v.name)) errors.name = "Letters, digits, _ -";
              if (Object.keys(errors).length > 0) return errors;
              onAddEdit({ label: `Name table ${id} "${v.name}"`, ops: [{ op: "rttable.add", id, name: v.name }], guestLinks: [] });
              return null;
            }}
          />
        )}
      </section>
    </div>
  );
}
