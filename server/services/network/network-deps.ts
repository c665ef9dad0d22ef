import type { Db } from "../../db";
import type { Actor } from "../../audit/audit-writer";
import type { JobRunner } from "../../jobs/job-runner";
import type { NetworkBus } from "../../network/network-bus";
import type { SshExecutor } from "../../ssh/types";
import type { GuestStates } from "../guest-state";

// What the network use-cases need: the inventory, the SSH pool (reads and confirms go
// through readFromHost, audited), the job runner (changes), the process's network bus
// (tells open pages a host's network changed), and who is acting.

export interface NetworkDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  /** The runtime's last read guest states (a relink asks whether a linked guest runs). */
  guestStates: GuestStates;
  networkBus: NetworkBus;
  actor: Actor;
}
