import type { HostView } from "../api-types";
import { Badge, type Tone } from "../ui/badge";
import { Table, Td, Th, THead, Tr } from "../ui/table";

type CapStatus = NonNullable<HostView["capabilityRows"]>[number]["status"];

const TONE: Record<CapStatus, Tone> = { yes: "green", no: "red", unknown: "amber" };

export function CapabilityMatrix({
  facts,
  rows,
}: {
  facts: NonNullable<HostView["capabilityFacts"]>;
  rows: NonNullable<HostView["capabilityRows"]>;
}) {
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <dl className="grid grid-cols-[max-content_1fr] content-start gap-x-4 gap-y-1.5">
        {facts.map((f) => (
          <div key={f.key} className="contents" data-testid={`cap-${f.key}`}>
            <dt className="text-xs font-medium text-slate-500">{f.label}</dt>
            <dd className="font-mono text-xs break-words text-slate-900" data-testid={`cap-${f.key}-value`}>
              {f.value}
            </dd>
          </div>
        ))}
      </dl>
      <Table className="rounded border border-slate-200">
        <THead>
          <tr>
            <Th>Capability</Th>
            <Th>Status</Th>
            <Th>Detail</Th>
          </tr>
        </THead>
        <tbody>
          {rows.map((r) => (
            <Tr key={r.key} data-testid={`cap-${r.key}`} data-status={r.status}>
              <Td className="whitespace-nowrap">{r.label}</Td>
              <Td>
                <Badge tone={TONE[r.status]}>{r.status}</Badge>
              </Td>
              <Td className="text-xs break-words text-slate-600">{r.detail}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
