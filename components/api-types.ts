import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

// API shapes as the client sees them, inferred from the router (types only: the app never
// imports server code at runtime).

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;
export type Role = SessionUser["role"];
export type HostView = RouterOutputs["hosts"]["get"];
export type HostCapabilities = NonNullable<HostView["capabilities"]>;
export type JobView = RouterOutputs["jobs"]["list"][number];
export type JobStatus = JobView["status"];
export type PlanPreview = RouterOutputs["jobs"]["preview"];
export type Operation = RouterInputs["jobs"]["run"]["op"];
export type AuditItem = RouterOutputs["audit"]["list"]["items"][number];
export type AuditFilter = RouterInputs["audit"]["list"];
export type UserRow = RouterOutputs["users"]["list"][number];
export type { JobEvent } from "@/server/jobs/job-events";
export type GuestView = RouterOutputs["guests"]["get"];
export type GuestDefinition = GuestView["definition"];
/** The wizard's shape; the API takes any record and validates it against the host (naming the field). */
export type { GuestDefinitionInput } from "@/server/hypervisors/registry";
export type GuestStateView = RouterOutputs["guests"]["states"][string];
export type GuestAction = RouterInputs["guests"]["run"]["action"];
export type GuestImport = RouterOutputs["guests"]["importCommandLine"];
export type UnmanagedQemu = RouterOutputs["guests"]["unmanaged"][number];
export type DefinitionPreview = RouterOutputs["guests"]["previewDefinition"];
