import { Badge } from "../ui/badge";

export function HostKeyBadge({ fingerprint }: { fingerprint: string | null }) {
  return fingerprint ? (
    <Badge tone="green" title={fingerprint} testId="host-key-status">
      pinned
    </Badge>
  ) : (
    <Badge tone="amber" title="Nobody has confirmed this host's SSH key yet; Labdeck will not connect." testId="host-key-status">
      not confirmed
    </Badge>
  );
}
