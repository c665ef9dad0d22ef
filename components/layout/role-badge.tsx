import type { Role } from "../api-types";
import { Badge, type Tone } from "../ui/badge";

const TONE: Record<Role, Tone> = { admin: "violet", operator: "blue", viewer: "gray" };

export function RoleBadge({ role, testId }: { role: Role; testId?: string }) {
  return (
    <Badge tone={TONE[role]} testId={testId}>
      {role}
    </Badge>
  );
}
