import { exactBytes, humanBytes } from "@/lib/bytes";

/** A size for reading, with the exact byte count in its title and data-bytes (what tests compare). */
export function Bytes({ value, testId }: { value: number; testId?: string }) {
  return (
    <span title={exactBytes(value)} data-bytes={value} data-testid={testId} className="whitespace-nowrap tabular-nums">
      {humanBytes(value)}
    </span>
  );
}
