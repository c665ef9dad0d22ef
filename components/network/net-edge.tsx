"use client";

import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { cx } from "../ui/cx";
import type { NetEdge } from "./topology-model";

// One line on the canvas. Pending additions are amber and dashed, pending removals red,
// dashed and faint; a stopped guest's NIC (a line in its definition, not a wire yet) is
// dashed grey; NAT is green.

function stroke(d: NetEdge["data"], selected: boolean | undefined): { color: string; dash?: string; width: number; opacity?: number } {
  const width = selected ? 3 : 2;
  if (d?.status === "added") return { color: "#d97706", dash: "6 4", width };
  if (d?.status === "removed") return { color: "#dc2626", dash: "4 4", width, opacity: 0.6 };
  if (d?.kind === "nat") return { color: "#16a34a", width };
  return { color: selected ? "#2563eb" : "#64748b", dash: d?.dashed ? "5 5" : undefined, width };
}

export function NetEdgeView({
  id,
  data,
  selected,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
}: EdgeProps<NetEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const s = stroke(data, selected);
  const label = data?.status === "removed" ? `remove${data.label ? `: ${data.label}` : ""}` : data?.label;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        style={{ stroke: s.color, strokeWidth: s.width, strokeDasharray: s.dash, opacity: s.opacity }}
        data-status={data?.status}
        data-kind={data?.kind}
      />
      {label && (
        <EdgeLabelRenderer>
          <div
            className={cx(
              "nodrag nopan pointer-events-none absolute rounded px-1 py-px text-[10px] font-medium",
              data?.status === "added"
                ? "bg-amber-100 text-amber-900"
                : data?.status === "removed"
                  ? "bg-red-100 text-red-800 line-through"
                  : data?.kind === "nat"
                    ? "bg-green-100 text-green-800"
                    : "bg-white text-slate-600",
            )}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-testid="edge-label"
            data-edge-id={id}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
