"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useMemo, useRef, useState } from "react";
import type { JobStatus } from "../api-types";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage } from "../trpc-errors";
import { Button, buttonClass } from "../ui/button";
import { Loading, Notice } from "../ui/states";
import { useGuestStates } from "../guests/use-guest-states";
import { withGuestStates } from "./guest-states";
import { BridgeDialog, type BridgeExisting } from "./bridge-dialog";
import { connectionIntent, deletionIntent, type CanvasConnection } from "./canvas-intents";
import { NetworkCanvas } from "./network-canvas";
import { NetworkTabs } from "./network-tabs";
import type { NetworkView } from "./network-types";
import { Palette } from "./palette";
import { PendingPanel } from "./pending-panel";
import { addBridgeEdit, addTapEdit, editBridgeEdit, portForwardEdit, type EditDraft, type PendingEdit } from "./pending-edits";
import { PortForwardDialog } from "./port-forward-dialog";
import { RollbackBanner } from "./rollback-banner";
import { TapDialog } from "./tap-dialog";
import { buildTopologyGraph } from "./topology-graph";
import { isLinkNode, type NetEdge, type NetNode } from "./topology-model";
import { useLayoutSaver } from "./use-layout-saver";
import { NETWORK_REFRESH_MS } from "@/lib/refresh";
import { useNetworkLive } from "./use-network-live";

// The topology editor for one host: the canvas drawn from the host's read plus the
// pending edits, the palette and dialogs that add edits, the pending list that previews
// and applies them, the rollback banner, and the tabs (drift, firewall, routes,
// persistence). The page never applies anything on its own: every gesture only adds to
// the pending list.

type DialogState = { kind: "bridge"; existing: BridgeExisting | null } | { kind: "tap" } | { kind: "port-forward"; link: string } | null;

export function HostNetwork({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const canEdit = useCan("operator");
  // No polling here: the server pushes its shared refresh through useNetworkLive.
  const read = useQuery(trpc.network.read.queryOptions({ hostId }, { staleTime: 0, refetchOnWindowFocus: false }));
  const { refetch } = useNetworkLive({ hostId });
  const states = useGuestStates(read.data?.guests.map((g) => g.id) ?? []);
  const view: NetworkView | undefined = useMemo(
    () => (read.data ? withGuestStates(read.data, states.data) : undefined),
    [read.data, states.data],
  );
  const [edits, setEdits] = useState<PendingEdit[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const nextId = useRef(1);
  const graphRef = useRef<{ nodes: NetNode[] }>({ nodes: [] });
  const layout = useLayoutSaver(hostId, view?.layout, () => Object.fromEntries(graphRef.current.nodes.map((n) => [n.id, n.position])));

  const graph = useMemo(
    () => (view ? buildTopologyGraph(view, { edits, positions: { ...view.layout, ...layout.moves } }) : { nodes: [], edges: [] }),
    [view, edits, layout.moves],
  );
  graphRef.current = graph;

  const addEdits = useCallback((drafts: EditDraft[], drop: string[] = []) => {
    setMessage(null);
    setEdits((es) => [...es.filter((e) => !drop.includes(e.id)), ...drafts.map((d) => ({ ...d, id: `e${nextId.current++}` }))]);
  }, []);
  const addEdit = useCallback((d: EditDraft) => addEdits([d]), [addEdits]);

  const onConnect = useCallback(
    (c: CanvasConnection) => {
      const intent = connectionIntent(graph.nodes, graph.edges, c);
      if (intent.ok) addEdit(intent.edit);
      else setMessage(intent.reason);
    },
    [graph, addEdit],
  );
  const onDelete = useCallback(
    (nodes: NetNode[], edges: NetEdge[]) => {
      const intent = deletionIntent(graph.nodes, nodes, edges);
      addEdits(intent.edits, intent.dropEditIds);
    },
    [graph, addEdits],
  );
  const reread = useCallback(() => void read.refetch(), [read]);
  const onApplied = useCallback(
    (status: JobStatus) => {
      // Succeeded: the host now has the edits, and the next read draws them as real.
      if (status === "succeeded") setEdits([]);
      refetch(hostId);
    },
    [refetch, hostId],
  );

  const actions = useMemo(
    () => ({
      editable: canEdit,
      onPortForward: (link: string) => setDialog({ kind: "port-forward", link }),
      onEditBridge: (name: string) => {
        const b = view?.network.bridges.find((x) => x.name === name);
        const o = b?.options;
        setDialog({
          kind: "bridge",
          existing: {
            name,
            stp: o?.stp ?? false,
            forwardDelayCs: o?.forwardDelayCs ?? null,
            helloTimeCs: o?.helloTimeCs ?? null,
            maxAgeCs: o?.maxAgeCs ?? null,
          },
        });
      },
    }),
    [canEdit, view],
  );

  if (!view) {
    if (read.isPending) return <Loading label="Reading the host's network…" />;
    return (
      <Notice
        tone="error"
        title={errorCode(read.error) === "NOT_FOUND" ? "No such host" : "Could not read the host's network"}
        action={<Button onClick={reread}>Try again</Button>}
      >
        {errorMessage(read.error)}
      </Notice>
    );
  }
  const takenNames = [...view.network.links.map((l) => l.name), ...graph.nodes.filter(isLinkNode).map((n) => n.data.name)];

  return (
    <div className="space-y-4" data-testid="host-network">
      <PageHeader
        title={
          <span>
            Network · <span data-testid="network-host-name">{view.hostName}</span>
          </span>
        }
        subtitle={
          <span className="text-xs" data-testid="network-read-at">
            Read from the host at {new Date(view.readAt).toLocaleTimeString()}; read again every {NETWORK_REFRESH_MS / 1000} s and after
            every change.
          </span>
        }
        actions={
          <>
            <Button pending={read.isFetching} onClick={reread} data-testid="network-reread">
              Re-read
            </Button>
            <Link href={`/hosts/${hostId}`} className={buttonClass()}>
              Host
            </Link>
          </>
        }
      />
      <RollbackBanner pending={view.pending} canEdit={canEdit} onChanged={reread} />
      {read.error && <Notice tone="warning">The last re-read failed ({errorMessage(read.error)}); showing the previous one.</Notice>}
      {view.drift.items.length > 0 && (
        <Notice tone="warning" testId="drift-notice">
          The host differs from the recorded topology in {view.drift.items.length} place(s) (see Drift below).
        </Notice>
      )}
      {message && (
        <Notice
          tone="warning"
          testId="canvas-message"
          action={
            <Button size="sm" variant="ghost" onClick={() => setMessage(null)}>
              Dismiss
            </Button>
          }
        >
          {message}
        </Notice>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <NetworkCanvas
            nodes={graph.nodes}
            edges={graph.edges}
            actions={actions}
            onConnect={onConnect}
            onDelete={onDelete}
            onMoved={canEdit ? layout.onMoved : undefined}
            testId="network-canvas"
          >
            {canEdit && (
              <Palette onAddBridge={() => setDialog({ kind: "bridge", existing: null })} onAddTap={() => setDialog({ kind: "tap" })} />
            )}
          </NetworkCanvas>
          {layout.error && <p className="mt-1 text-xs text-red-700">Layout not saved: {errorMessage(layout.error)}</p>}
        </div>
        {canEdit ? (
          <PendingPanel
            hostId={hostId}
            edits={edits}
            canEdit={canEdit}
            onRemove={(id) => setEdits((es) => es.filter((e) => e.id !== id))}
            onClear={() => setEdits([])}
            onApplied={onApplied}
          />
        ) : (
          <Notice tone="info">You can look at this host&apos;s network; changing it needs the operator role.</Notice>
        )}
      </div>
      <NetworkTabs view={view} canEdit={canEdit} onAddEdit={addEdit} onChanged={reread} />

      <BridgeDialog
        open={dialog?.kind === "bridge"}
        existing={dialog?.kind === "bridge" ? dialog.existing : null}
        takenNames={takenNames}
        onCancel={() => setDialog(null)}
        onSubmit={(f) => {
          addEdit(dialog?.kind === "bridge" && dialog.existing ? editBridgeEdit(f) : addBridgeEdit(f));
          setDialog(null);
        }}
      />
      <TapDialog
        open={dialog?.kind === "tap"}
        takenNames={takenNames}
        onCancel={() => setDialog(null)}
        onSubmit={(f) => {
          addEdit(addTapEdit(f));
          setDialog(null);
        }}
      />
      <PortForwardDialog
        link={dialog?.kind === "port-forward" ? dialog.link : null}
        onCancel={() => setDialog(null)}
        onSubmit={(f) => {
          addEdit(portForwardEdit(f));
          setDialog(null);
        }}
      />
    </div>
  );
}
