"use client";

import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Empty } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { Bytes } from "./bytes";
import { lvFlags, lvKindLabel } from "./lv-attr-text";
import type { OpRequest } from "./op-panel";
import { lvActions, lvUsers, storageAction, vgCandidates } from "./storage-actions";
import type { StorageView, TStorageLv } from "./storage-types";

// The LVM half of the storage page: physical volumes, volume groups with their extents,
// and logical volumes with what is on them and who uses them. Row buttons only open a
// form (op-panel.tsx); nothing here changes a host.

type OnAction = (r: OpRequest) => void;

function ActionButton({ request, onAction, testId }: { request: OpRequest; onAction: OnAction; testId: string }) {
  const a = storageAction(request.action);
  return (
    <Button
      size="sm"
      variant={a.danger ? "ghost" : "secondary"}
      className={a.danger ? "text-red-700!" : undefined}
      onClick={() => onAction(request)}
      data-testid={testId}
    >
      {a.label}
    </Button>
  );
}

export function PvTable({ view, canEdit, onAction }: { view: StorageView; canEdit: boolean; onAction: OnAction }) {
  const { pvs } = view.storage;
  return (
    <Card title="Physical volumes" testId="pv-card" bodyClassName={pvs.length ? "p-0" : "p-4"}>
      {pvs.length === 0 ? (
        <Empty>No PVs on this host.</Empty>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Device</Th>
              <Th>VG</Th>
              <Th>Size</Th>
              <Th>Free</Th>
              <Th>State</Th>
              {canEdit && <Th />}
            </tr>
          </THead>
          <tbody>
            {pvs.map((pv) => (
              <Tr key={pv.name} data-testid="pv-row" data-pv={pv.name}>
                <Td className="font-mono text-xs">{pv.name}</Td>
                <Td>{pv.vg ?? <span className="text-slate-500">none</span>}</Td>
                <Td>
                  <Bytes value={pv.sizeBytes} />
                </Td>
                <Td>
                  <Bytes value={pv.freeBytes} />
                </Td>
                <Td className="space-x-1" title={`pv_attr ${pv.attr.raw}`}>
                  {pv.attr.missing && <Badge tone="red">missing</Badge>}
                  {pv.attr.duplicate && <Badge tone="red">duplicate</Badge>}
                  {!pv.attr.allocatable && pv.vg !== null && <Badge tone="amber">not allocatable</Badge>}
                  {pv.attr.exported && <Badge>exported</Badge>}
                </Td>
                {canEdit && (
                  <Td className="space-x-1 text-right whitespace-nowrap">
                    {pv.vg === null && (
                      <ActionButton
                        request={{ action: "vg.create", fixed: {}, preset: { devices: pv.name } }}
                        onAction={onAction}
                        testId="pv-vg-create"
                      />
                    )}
                    <ActionButton request={{ action: "pv.remove", fixed: { device: pv.name } }} onAction={onAction} testId="pv-remove" />
                  </Td>
                )}
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

export function VgTable({ view, canEdit, onAction }: { view: StorageView; canEdit: boolean; onAction: OnAction }) {
  const { vgs } = view.storage;
  const canExtend = vgCandidates(view).length > 0;
  return (
    <Card title="Volume groups" testId="vg-card" bodyClassName={vgs.length ? "p-0" : "p-4"}>
      {vgs.length === 0 ? (
        <Empty>No VGs on this host{canEdit ? ": create one from a free disk below." : "."}</Empty>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Size</Th>
              <Th>Free</Th>
              <Th>Extent size</Th>
              <Th>Free extents</Th>
              <Th>PVs</Th>
              {canEdit && <Th />}
            </tr>
          </THead>
          <tbody>
            {vgs.map((vg) => (
              <Tr key={vg.name} data-testid="vg-row" data-vg={vg.name}>
                <Td className="font-medium">
                  {vg.name}
                  {vg.attr.partial && (
                    <Badge tone="red" className="ml-1">
                      PV missing
                    </Badge>
                  )}
                </Td>
                <Td>
                  <Bytes value={vg.sizeBytes} testId="vg-size" />
                </Td>
                <Td>
                  <Bytes value={vg.freeBytes} testId="vg-free" />
                </Td>
                <Td>
                  <Bytes value={vg.extentSizeBytes} testId="vg-extent-size" />
                </Td>
                <Td className="tabular-nums" data-testid="vg-free-extents">
                  {vg.freeExtents} of {vg.extentCount}
                </Td>
                <Td className="font-mono text-xs">{vg.pvNames.join(" ")}</Td>
                {canEdit && (
                  <Td className="space-x-1 text-right whitespace-nowrap">
                    <ActionButton request={{ action: "lv.create", fixed: { vg: vg.name } }} onAction={onAction} testId="vg-lv-create" />
                    {canExtend && (
                      <ActionButton request={{ action: "vg.extend", fixed: { vg: vg.name } }} onAction={onAction} testId="vg-extend" />
                    )}
                    <ActionButton request={{ action: "vg.remove", fixed: { vg: vg.name } }} onAction={onAction} testId="vg-remove" />
                  </Td>
                )}
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function lvRequest(lv: TStorageLv, action: ReturnType<typeof lvActions>[number]): OpRequest {
  if (action === "snapshot.create") return { action, fixed: { vg: lv.vg, origin: lv.name } };
  if (action === "snapshot.merge") return { action, fixed: { vg: lv.vg, name: lv.name } };
  return { action, fixed: { vg: lv.vg, lv: lv.name } };
}

function Percent({ label, value }: { label: string; value: number | null }) {
  if (value === null) return null;
  return (
    <div className="text-xs text-slate-600">
      {label} <span className={value >= 90 ? "font-semibold text-red-700" : undefined}>{value}%</span>
    </div>
  );
}

export function LvTable({ view, canEdit, onAction }: { view: StorageView; canEdit: boolean; onAction: OnAction }) {
  const { lvs } = view.storage;
  return (
    <Card
      title="Logical volumes"
      description="Hidden pool internals are listed greyed under their pool."
      testId="lv-card"
      bodyClassName={lvs.length ? "p-0" : "p-4"}
    >
      {lvs.length === 0 ? (
        <Empty>No LVs on this host.</Empty>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>VG/LV</Th>
              <Th>Size</Th>
              <Th>Type</Th>
              <Th>Origin / pool</Th>
              <Th>Filesystem</Th>
              <Th>Mounted on</Th>
              <Th>Used by</Th>
              {canEdit && <Th />}
            </tr>
          </THead>
          <tbody>
            {lvs.map((lv) => {
              const users = lvUsers(view, lv);
              return (
                <Tr
                  key={`${lv.vg}/${lv.name}`}
                  data-testid="lv-row"
                  data-lv={`${lv.vg}/${lv.name}`}
                  className={lv.hidden ? "text-slate-400" : undefined}
                >
                  <Td className="font-medium" title={lv.path ?? undefined}>
                    {lv.hidden ? `[${lv.vg}/${lv.name}]` : `${lv.vg}/${lv.name}`}
                  </Td>
                  <Td>
                    <Bytes value={lv.sizeBytes} testId="lv-size" />
                    <div className="font-mono text-[11px] text-slate-500" data-testid="lv-size-bytes">
                      {lv.sizeBytes} B
                    </div>
                  </Td>
                  <Td title={`lv_attr ${lv.attr.raw}`} data-testid="lv-kind">
                    {lvKindLabel(lv)}
                    <div className="flex flex-wrap gap-1">
                      {lvFlags(lv).map((f) => (
                        <Badge key={f} tone={f === "open" ? "blue" : f.startsWith("invalid") || f.includes("failed") ? "red" : "gray"}>
                          {f}
                        </Badge>
                      ))}
                    </div>
                  </Td>
                  <Td>
                    {lv.origin && <div className="text-xs">origin {lv.origin}</div>}
                    {lv.pool && <div className="text-xs">pool {lv.pool}</div>}
                    <Percent label={lv.attr.kind === "snapshot" ? "COW used" : "data"} value={lv.dataPercent} />
                    <Percent label="metadata" value={lv.metadataPercent} />
                  </Td>
                  <Td data-testid="lv-filesystem">{lv.filesystem ?? <span className="text-slate-400">none</span>}</Td>
                  <Td className="font-mono text-xs">
                    <span data-testid="lv-mounts">{lv.mountpoints.join(" ")}</span>
                    {lv.usage && (
                      <div className="font-sans text-[11px] text-slate-500" data-testid="lv-fs-usage">
                        <Bytes value={lv.usage.usedBytes} testId="lv-fs-used" /> used,{" "}
                        <Bytes value={lv.usage.availBytes} testId="lv-fs-free" /> free
                      </div>
                    )}
                  </Td>
                  <Td data-testid="lv-used-by">
                    {users.map((g) => (
                      <Badge key={g} tone="violet" className="mr-1">
                        guest {g}
                      </Badge>
                    ))}
                  </Td>
                  {canEdit && (
                    <Td className="space-x-1 text-right whitespace-nowrap">
                      {lvActions(lv).map((a) => (
                        <ActionButton key={a} request={lvRequest(lv, a)} onAction={onAction} testId={`lv-${a.replace(".", "-")}`} />
                      ))}
                    </Td>
                  )}
                </Tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
