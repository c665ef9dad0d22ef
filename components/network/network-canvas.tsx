"use client";

import {
  Background,
  ConnectionMode,
  Controls,
  Panel,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
  type ReactFlowInstance,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "../ui/button";
import { CanvasActionsContext, type CanvasActions } from "./canvas-context";
import type { CanvasConnection } from "./canvas-intents";
import { handleWords, isOnScreen, newIds } from "./canvas-view";
import { NetEdgeView } from "./net-edge";
import { NODE_TYPES } from "./net-nodes";
import type { Position } from "./network-types";
import { isGuestNode, isLinkNode, type NetEdge, type NetNode } from "./topology-model";

// The React Flow canvas both network pages use. The graph comes from the host's read
// (topology-graph.ts); this component only keeps what React Flow itself changes between
// reads (positions while dragging, selection). Deleting never removes anything here: it
// is reported (onDelete) and comes back as a pending edit drawn struck through, so the
// canvas can never show a state the host and the pending list do not describe.

const EDGE_TYPES = { net: NetEdgeView };
// Never zoom in past 1:1 to fit a small graph: labels would look broken, not bigger.
const FIT = { padding: 0.15, maxZoom: 1 };

export interface NetworkCanvasProps {
  nodes: NetNode[];
  edges: NetEdge[];
  actions: CanvasActions;
  onConnect?: (c: CanvasConnection) => void;
  onDelete?: (nodes: NetNode[], edges: NetEdge[]) => void;
  /** Positions of the nodes a drag moved (ids as on the canvas). */
  onMoved?: (positions: Record<string, Position>) => void;
  /** Nodes can be moved (and the layout saved); defaults to actions.editable. */
  draggable?: boolean;
  /** Fit the view again whenever this changes (more hosts read on the multi-host canvas). */
  fitKey?: string;
  /** Extra content in the top-left panel (the palette). */
  children?: ReactNode;
  className?: string;
  testId?: string;
}

function describe(n: NetNode | undefined, e: NetEdge | undefined): string {
  if (e) return e.data?.label ? `${e.data.kind} line (${e.data.label})` : `${e.data?.kind ?? ""} line`;
  if (isLinkNode(n)) return `${n.type} ${n.data.name}`;
  if (isGuestNode(n)) return `guest ${n.data.name}`;
  return "";
}

export function NetworkCanvas({
  nodes: graphNodes,
  edges: graphEdges,
  actions,
  draggable,
  fitKey,
  onConnect,
  onDelete,
  onMoved,
  children,
  className,
  testId,
}: NetworkCanvasProps) {
  const [nodes, setNodes] = useState<NetNode[]>(graphNodes);
  const [edges, setEdges] = useState<NetEdge[]>(graphEdges);
  const flow = useRef<ReactFlowInstance<NetNode, NetEdge> | null>(null);
  const pane = useRef<HTMLDivElement | null>(null);
  const seen = useRef<Set<string> | null>(null);
  // What a click on a handle started (click-to-connect), or why a drawn line did nothing:
  // without it a click on a handle changes nothing anyone can see.
  const [hint, setHint] = useState<string | null>(null);
  const connected = useRef(false);

  // A node added after the first picture (a pending bridge or TAP) is brought into view.
  useEffect(() => {
    const fresh = seen.current === null ? [] : newIds(seen.current, graphNodes);
    seen.current = new Set(graphNodes.map((n) => n.id));
    const instance = flow.current;
    const box = pane.current?.getBoundingClientRect();
    if (fresh.length === 0 || !instance || !box) return;
    const vp = instance.getViewport();
    const off = graphNodes.filter((n) => fresh.includes(n.id) && !isOnScreen(n.position, vp, { width: box.width, height: box.height }));
    if (off.length > 0) void instance.fitView({ ...FIT, duration: 200 });
  }, [graphNodes]);

  // React Flow queues a fitView until the new nodes are measured.
  useEffect(() => {
    if (fitKey !== undefined) void flow.current?.fitView(FIT);
  }, [fitKey]);

  // A new read or a new pending list redraws everything, keeping the selection and the
  // sizes React Flow measured (without them a node is hidden until measured again, and
  // every periodic re-read would make the canvas blink).
  useEffect(() => {
    setNodes((prev) => {
      const before = new Map(prev.map((n) => [n.id, n]));
      return graphNodes.map((n) => {
        const old = before.get(n.id);
        return old ? { ...n, selected: old.selected ?? false, ...(old.measured ? { measured: old.measured } : {}) } : n;
      });
    });
  }, [graphNodes]);
  useEffect(() => {
    setEdges((prev) => {
      const selected = new Set(prev.filter((e) => e.selected).map((e) => e.id));
      return graphEdges.map((e) => (selected.has(e.id) ? { ...e, selected: true } : e));
    });
  }, [graphEdges]);

  const onNodesChange = useCallback(
    (changes: NodeChange<NetNode>[]) =>
      setNodes((nds) =>
        applyNodeChanges(
          changes.filter((c) => c.type !== "remove"),
          nds,
        ),
      ),
    [],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<NetEdge>[]) =>
      setEdges((eds) =>
        applyEdgeChanges(
          changes.filter((c) => c.type !== "remove"),
          eds,
        ),
      ),
    [],
  );

  const reportDelete = useCallback(
    async ({ nodes: n, edges: e }: { nodes: NetNode[]; edges: NetEdge[] }) => {
      if (actions.editable && (n.length > 0 || e.length > 0)) onDelete?.(n, e);
      return false;
    },
    [actions.editable, onDelete],
  );

  const selectedNode = nodes.find((n) => n.selected && n.deletable);
  const selectedEdge = edges.find((e) => e.selected && e.deletable);
  const removeSelected = () => {
    if (selectedEdge) onDelete?.([], [selectedEdge]);
    else if (selectedNode)
      onDelete?.(
        [selectedNode],
        edges.filter((e) => e.source === selectedNode.id || e.target === selectedNode.id),
      );
  };

  const nodeWords = (id: string | null) =>
    describe(
      nodes.find((n) => n.id === id),
      undefined,
    ) || "this node";

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div
        ref={pane}
        // A read-only canvas draws no handles: there is nothing a click on one could do.
        className={`${className ?? "h-[560px] rounded-md border border-slate-200 bg-white"}${actions.editable ? "" : " [&_.react-flow__handle]:invisible"}`}
        data-testid={testId}
      >
        <ReactFlow<NetNode, NetEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          connectionMode={ConnectionMode.Loose}
          nodesConnectable={actions.editable}
          nodesDraggable={draggable ?? actions.editable}
          onConnect={(c) => {
            connected.current = true;
            setHint(null);
            onConnect?.({ source: c.source, target: c.target, sourceHandle: c.sourceHandle, targetHandle: c.targetHandle });
          }}
          onConnectStart={() => {
            connected.current = false;
          }}
          onConnectEnd={(_e, state) => {
            // A drag that ends away from any handle (a plain click ends here too, before its click event).
            if (!connected.current && !state.toHandle && state.fromHandle)
              setHint(`Drop the line on a handle of another node to connect ${nodeWords(state.fromHandle.nodeId)}.`);
          }}
          onClickConnectStart={(_e, p) => {
            connected.current = false;
            setHint(
              `Connecting from ${nodeWords(p.nodeId)} (${handleWords(p.handleId)}): click a handle on another node to draw the line, or click the canvas to cancel.`,
            );
          }}
          onClickConnectEnd={(e) => {
            const onHandle = e.target instanceof Element && e.target.closest(".react-flow__handle") !== null;
            if (connected.current || !onHandle) setHint(null);
            else setHint("Nothing connected: pick a handle on a different node (a guest NIC or a TAP goes to a bridge).");
          }}
          onBeforeDelete={reportDelete}
          deleteKeyCode={actions.editable ? ["Backspace", "Delete"] : null}
          onNodeDragStop={(_e, _node, dragged) =>
            onMoved?.(Object.fromEntries(dragged.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }])))
          }
          onInit={(instance) => {
            flow.current = instance;
          }}
          fitView
          fitViewOptions={FIT}
          minZoom={0.2}
        >
          <Background gap={20} color="#e2e8f0" />
          <Controls showInteractive={false} />
          {children && <Panel position="top-left">{children}</Panel>}
          {actions.editable && hint && (
            <Panel position="bottom-center">
              <div
                className="flex items-center gap-2 rounded border border-blue-300 bg-blue-50 px-2 py-1 text-xs text-blue-900 shadow-sm"
                data-testid="canvas-hint"
                role="status"
              >
                {hint}
                <button type="button" className="text-blue-700 hover:underline" onClick={() => setHint(null)}>
                  dismiss
                </button>
              </div>
            </Panel>
          )}
          {actions.editable && (selectedNode || selectedEdge) && (
            <Panel position="top-right">
              <div
                className="flex items-center gap-2 rounded border border-slate-200 bg-white px-2 py-1 text-xs shadow-sm"
                data-testid="canvas-selection"
              >
                <span className="text-slate-600">{describe(selectedNode, selectedEdge)}</span>
                <Button size="sm" variant="danger" onClick={removeSelected} data-testid="canvas-remove-selected">
                  Remove
                </Button>
              </div>
            </Panel>
          )}
        </ReactFlow>
      </div>
    </CanvasActionsContext.Provider>
  );
}
