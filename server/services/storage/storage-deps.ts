import type { Db } from "../../db";
import type { Actor } from "../../audit/audit-writer";
import type { JobRunner } from "../../jobs/job-runner";
import type { SshExecutor } from "../../ssh/types";

// What the storage use-cases need: the inventory, the SSH pool (reads go through
// readFromHost, audited), the job runner (changes run as "plan" jobs), and who is acting.

export interface StorageDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  actor: Actor;
}

export type StorageReadDeps = Pick<StorageDeps, "db" | "ssh" | "secret" | "actor">;
