"use client";

import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { Notice } from "../ui/states";
import { GuestWizard } from "./guest-wizard";
import { readImport, type ImportHandoff } from "./import-handoff";
import { WizardImportNotes } from "./wizard-import-notes";
import { emptyForm, formFromDefinition } from "./wizard-model";

export function NewGuest() {
  const params = useSearchParams();
  const canCreate = useCan("operator");
  const importKey = params.get("import");
  const [imported] = useState<ImportHandoff | null>(() => (importKey && typeof window !== "undefined" ? readImport(importKey) : null));
  const hostId = params.get("host") ?? imported?.hostId ?? "";
  const [initial] = useState(() => (imported ? formFromDefinition(imported.definition, hostId) : emptyForm(hostId)));
  if (!canCreate) return <Notice tone="warning">Creating guests needs the operator role.</Notice>;
  return (
    <div className="space-y-4">
      <PageHeader
        title={imported ? "New guest from an imported command line" : "New guest"}
        subtitle="Show commands builds the exact start plan (the QEMU command line) before anything is saved."
      />
      {importKey && !imported && (
        <Notice tone="warning">The imported command line is no longer available in this tab; import it again.</Notice>
      )}
      {imported && <WizardImportNotes unmapped={imported.unmapped} warnings={imported.warnings} differences={imported.differences} />}
      <GuestWizard initial={initial} />
    </div>
  );
}
