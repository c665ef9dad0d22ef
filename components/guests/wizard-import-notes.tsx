import { Notice } from "../ui/states";

/** What an import could not carry over; shown above the wizard so nobody misses it. */
export function WizardImportNotes({ unmapped, warnings }: { unmapped: string[]; warnings: string[] }) {
  if (unmapped.length === 0 && warnings.length === 0) {
    return <Notice tone="success" testId="import-notes">Every option of the imported command line was mapped.</Notice>;
  }
  return (
    <div className="space-y-2" data-testid="import-notes">
      {unmapped.length > 0 && (
        <Notice tone="warning" title={`${unmapped.length} option(s) were not mapped and will not be part of this guest`}>
          <ul className="mt-1 list-disc pl-5 font-mono text-xs" data-testid="import-unmapped">
            {unmapped.map((u, i) => (
              <li key={i}>{u}</li>
            ))}
          </ul>
        </Notice>
      )}
      {warnings.length > 0 && (
        <Notice tone="info" title="Notes from the import">
          <ul className="mt-1 list-disc pl-5 text-xs" data-testid="import-warnings">
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </Notice>
      )}
    </div>
  );
}
