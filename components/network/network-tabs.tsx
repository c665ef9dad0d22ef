"use client";

import { useState } from "react";
import { Card } from "../ui/card";
import { cx } from "../ui/cx";
import { DriftTab } from "./drift-tab";
import { FirewallTab } from "./firewall-tab";
import type { NetworkView } from "./network-types";
import type { EditDraft } from "./pending-edits";
import { PersistenceTab } from "./persistence-tab";
import { RoutesTab } from "./routes-tab";

// The host's network beyond the picture. Only the open tab is rendered, so the
// persistence files (a read of the host) are rendered only when someone looks.

type TabId = "drift" | "firewall" | "routes" | "persistence";

export function NetworkTabs({
  view,
  canEdit,
  onAddEdit,
  onChanged,
}: {
  view: NetworkView;
  canEdit: boolean;
  onAddEdit: (e: EditDraft) => void;
  onChanged: () => void;
}) {
  const [tab, setTab] = useState<TabId>("drift");
  const driftCount = view.drift.items.length;
  const tabs: { id: TabId; label: string }[] = [
    { id: "drift", label: driftCount > 0 ? `Drift (${driftCount})` : "Drift" },
    { id: "firewall", label: "Firewall" },
    { id: "routes", label: "Routes" },
    { id: "persistence", label: "Persistence" },
  ];
  return (
    <Card bodyClassName="p-0">
      <div role="tablist" className="flex gap-1 border-b border-slate-200 px-3 pt-2">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={cx(
              "-mb-px rounded-t border px-3 py-1.5 text-sm",
              tab === t.id
                ? "border-slate-200 border-b-white bg-white font-medium text-slate-900"
                : "border-transparent text-slate-600 hover:text-slate-900",
              t.id === "drift" && driftCount > 0 && "text-amber-800",
            )}
            onClick={() => setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="p-4" role="tabpanel">
        {tab === "drift" && <DriftTab view={view} canEdit={canEdit} onChanged={onChanged} />}
        {tab === "firewall" && <FirewallTab network={view.network} canEdit={canEdit} onAddEdit={onAddEdit} />}
        {tab === "routes" && <RoutesTab network={view.network} canEdit={canEdit} onAddEdit={onAddEdit} />}
        {tab === "persistence" && <PersistenceTab hostId={view.hostId} canEdit={canEdit} />}
      </div>
    </Card>
  );
}
