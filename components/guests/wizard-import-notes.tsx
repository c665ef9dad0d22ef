import type { GuestImport } from "../api-types";
import { Notice } from "../ui/states";

type Difference = GuestImport["differences"][number];

const KIND_LABEL: Record<Difference["kind"], string> = { default: "QEMU default", labdeck: "Labdeck", host: "this host" };

/** Every way the definition differs from what the pasted line would run, in one table. */
function Differences({ differences }: { differences: readonly Difference[] }) {
  return (
    <Notice tone="info" title={`${differences.length} difference(s) between the command line and this guest`}>
      <table className="mt-1 w-full text-left text-xs" data-testid="import-differences">
        <thead>
          <tr className="text-slate-500">
            <th className="pr-2 font-medium">Field</th>
            <th className="pr-2 font-medium">The command line</th>
            <th className="pr-2 font-medium">This guest</th>
            <th className="font-medium">Why</th>
          </tr>
        </thead>
        <tbody>
          {differences.map((d, i) => (
            <tr key={i} className="align-top" data-testid="import-difference" data-field={d.field} data-kind={d.kind}>
              <td className="pr-2 font-mono">{d.field}</td>
              <td className="pr-2">{d.line}</td>
              <td className="pr-2">{d.definition}</td>
              <td>{KIND_LABEL[d.kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Notice>
  );
}

/** What an import could not carry over or changed; shown above the wizard so nobody misses it. */
export function WizardImportNotes({
  unmapped,
  warnings,
  differences = [],
}: {
  unmapped: string[];
  warnings: string[];
  differences?: readonly Difference[] | undefined;
}) {
  if (unmapped.length === 0 && warnings.length === 0 && differences.length === 0) {
    return (
      <Notice tone="success" testId="import-notes">
        Every option of the imported command line was mapped, and the guest runs as the line did.
      </Notice>
    );
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
        <Notice tone="warning" title="To choose before the guest can be saved">
          <ul className="mt-1 list-disc pl-5 text-xs" data-testid="import-warnings">
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </Notice>
      )}
      {differences.length > 0 && <Differences differences={differences} />}
    </div>
  );
}
