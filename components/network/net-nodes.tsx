"use client";

import { Handle, Position, type NodeProps } from "@xyflow/react";
import Link from "next/link";
import type { CSSProperties } from "react";
import { cx } from "../ui/cx";
import { useCanvasActions } from "./canvas-context";
import { bridgeTimersText } from "./topology-overlay";
import type { GuestNode, HostGroupNode, ItemStatus, LinkNode, Tagged } from "./topology-model";

// The canvas's node kinds. Every handle is a "source" because the canvas connects in loose
// mode: what a line means is decided from the two ends (canvas-intents.ts), not from
// which end the user started dragging.

const HANDLE: CSSProperties = { width: 12, height: 12, background: "#475569", border: "2px solid white" };

const ROLE_LABEL = { uplink: "link", bridge: "bridge", tap: "TAP" } as const;

function statusFrame(status: ItemStatus, selected: boolean): string {
  if (status === "added") return "border-2 border-dashed border-amber-500 bg-amber-50";
  if (status === "removed") return "border-2 border-dashed border-red-400 bg-red-50 opacity-70";
  return cx("border bg-white", selected ? "border-blue-500 ring-2 ring-blue-500/30" : "border-slate-300");
}

function TaggedLine({ item, className, testId }: { item: Tagged; className?: string; testId: string }) {
  return (
    <div
      className={cx(className, item.status === "added" && "text-amber-800", item.status === "removed" && "text-red-700 line-through")}
      data-testid={testId}
      data-status={item.status}
    >
      {item.status === "added" && "+ "}
      {item.text}
    </div>
  );
}

function SmallButton({ onClick, children, testId }: { onClick: () => void; children: string; testId: string }) {
  return (
    <button
      type="button"
      className="nodrag rounded border border-slate-300 bg-white px-1.5 py-px text-[10px] text-slate-700 hover:bg-slate-100"
      onClick={onClick}
      data-testid={testId}
    >
      {children}
    </button>
  );
}

export function LinkNodeView({ data, selected }: NodeProps<LinkNode>) {
  const actions = useCanvasActions();
  const d = data;
  return (
    <div
      className={cx("w-[210px] rounded-md px-2 py-1.5 text-xs shadow-sm", statusFrame(d.status, selected))}
      data-testid={`node-link-${d.name}`}
      data-role={d.role}
      data-status={d.status}
    >
      {d.role !== "uplink" && <Handle type="source" id="up" position={Position.Top} style={HANDLE} data-testid="handle-up" />}
      <div className="flex items-center gap-1.5">
        <span
          className={cx("h-2 w-2 shrink-0 rounded-full", d.status === "added" ? "bg-amber-400" : d.up ? "bg-green-500" : "bg-slate-300")}
          title={d.state}
        />
        <span className={cx("truncate font-mono font-semibold", d.status === "removed" && "line-through")} data-testid="node-name">
          {d.name}
        </span>
        <span className="ml-auto shrink-0 rounded bg-slate-100 px-1 text-[10px] text-slate-600 uppercase">
          {d.role === "uplink" ? d.linkKind : ROLE_LABEL[d.role]}
        </span>
        {d.ssh && (
          <span
            className="shrink-0 rounded bg-violet-100 px-1 text-[10px] text-violet-800"
            title="Labdeck's SSH session arrives here: changes on it are guarded"
          >
            SSH
          </span>
        )}
      </div>
      {d.addresses.map((a) => (
        <TaggedLine key={a.key} item={a} className="font-mono text-slate-800" testId="node-address" />
      ))}
      {d.role === "bridge" && d.stp !== null && (
        <div className="text-slate-600" data-testid="node-stp">
          {bridgeTimersText(d, " · ")}
        </div>
      )}
      {d.role === "tap" && <div className="text-slate-600">owner {d.owner ?? "any user"}</div>}
      {d.badges.length > 0 && (
        <div className="mt-1 flex flex-wrap gap-1">
          {d.badges.map((b) => (
            <span
              key={b.key}
              className={cx(
                "rounded px-1 py-px text-[10px] font-medium ring-1 ring-inset",
                b.status === "added"
                  ? "bg-amber-100 text-amber-900 ring-amber-500/40"
                  : b.status === "removed"
                    ? "bg-red-50 text-red-800 line-through ring-red-500/40"
                    : "bg-green-50 text-green-800 ring-green-600/30",
              )}
              data-testid="node-badge"
              data-status={b.status}
            >
              {b.text}
            </span>
          ))}
        </div>
      )}
      {d.routes.length > 0 && (
        <div className="mt-1 border-t border-slate-100 pt-0.5">
          {d.routes.map((r) => (
            <TaggedLine key={r.key} item={r} className="font-mono text-[10px] text-slate-500" testId="node-route" />
          ))}
        </div>
      )}
      {d.notes.map((n) => (
        <div key={n} className="text-amber-800" data-testid="node-note">
          pending: {n}
        </div>
      ))}
      {actions.editable && d.status !== "removed" && (
        <div className="mt-1 flex gap-1">
          {d.role === "uplink" && actions.onPortForward && (
            <SmallButton onClick={() => actions.onPortForward?.(d.name)} testId={`portforward-${d.name}`}>
              Port forward…
            </SmallButton>
          )}
          {d.role === "bridge" && d.status === "current" && actions.onEditBridge && (
            <SmallButton onClick={() => actions.onEditBridge?.(d.name)} testId={`edit-bridge-${d.name}`}>
              Settings…
            </SmallButton>
          )}
        </div>
      )}
      {d.role === "uplink" ? (
        <>
          <Handle
            type="source"
            id="down"
            position={Position.Bottom}
            style={{ ...HANDLE, left: "30%" }}
            title="Make this link a port of a bridge"
            data-testid="handle-port"
          />
          <Handle
            type="source"
            id="nat"
            position={Position.Bottom}
            style={{ ...HANDLE, left: "70%", background: "#16a34a" }}
            title="NAT a bridge's subnet out of this link"
            data-testid="handle-nat"
          />
          <div className="mt-1 flex justify-between px-6 text-[9px] text-slate-400">
            <span>port</span>
            <span>NAT</span>
          </div>
        </>
      ) : (
        <Handle type="source" id="down" position={Position.Bottom} style={HANDLE} data-testid="handle-down" />
      )}
    </div>
  );
}

export function GuestNodeView({ data, selected }: NodeProps<GuestNode>) {
  const d = data;
  return (
    <div
      className={cx("relative min-w-[170px] rounded-md px-2 pt-4 pb-1.5 text-xs shadow-sm", statusFrame(d.status, selected))}
      data-testid={`node-guest-${d.name}`}
      data-status={d.status}
    >
      <div className="absolute inset-x-0 top-0 flex justify-around">
        {d.nics.map((n) => (
          <div key={n.index} className="relative h-0 w-8">
            <Handle
              type="source"
              id={n.handleId}
              position={Position.Top}
              style={{ ...HANDLE, background: "#2563eb" }}
              title={`NIC ${n.index}`}
              data-testid={`nic-handle-${n.index}`}
            />
          </div>
        ))}
      </div>
      <div className="flex items-center gap-1.5">
        <span className={cx("h-2 w-2 shrink-0 rounded-full", d.running ? "bg-green-500" : "bg-slate-300")} />
        <span className="font-semibold" data-testid="node-name">
          {d.name}
        </span>
        <span className="ml-auto text-[10px] text-slate-500" data-testid="guest-state">
          {d.state ?? (d.running ? "running" : "stopped")}
        </span>
      </div>
      {d.nics.length === 0 && <div className="text-slate-500">no NICs</div>}
      {d.nics.map((n) => (
        <div key={n.index} className="font-mono text-[10px] text-slate-600" data-testid={`guest-nic-${n.index}`}>
          NIC {n.index} {n.model}: {n.kind === "tap" ? `bridge ${n.bridge ?? "?"}` : "user-mode"}
          {n.pending !== null && <span className="ml-1 text-amber-800">→ {n.pending === "user" ? "user-mode" : n.pending}</span>}
        </div>
      ))}
    </div>
  );
}

export function HostGroupView({ data }: NodeProps<HostGroupNode>) {
  return (
    <div className="h-full w-full rounded-lg border-2 border-slate-300 bg-slate-50/60" data-testid={`host-group-${data.hostName}`}>
      <div className="flex items-center gap-2 rounded-t-lg border-b border-slate-200 bg-white px-3 py-1.5 text-sm">
        <span className="font-semibold">{data.hostName}</span>
        <Link
          href={`/hosts/${data.hostId}/network`}
          className="nodrag ml-auto text-xs text-blue-700 hover:underline"
          data-testid="host-group-edit"
        >
          Open editor
        </Link>
      </div>
      {data.notice && (
        <div
          className={`px-3 py-2 text-xs ${data.notice.tone === "error" ? "text-red-700" : "text-slate-500"}`}
          data-testid="host-group-notice"
          data-tone={data.notice.tone}
        >
          {data.notice.text}
        </div>
      )}
    </div>
  );
}

export const NODE_TYPES = { uplink: LinkNodeView, bridge: LinkNodeView, tap: LinkNodeView, guest: GuestNodeView, host: HostGroupView };
