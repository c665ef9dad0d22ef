import { EventEmitter } from "node:events";
import type { JobEvent } from "./job-events";

// In-process fan-out of job events to every watcher. One Labdeck process owns its jobs;
// a multi-instance deployment replaces this with an existing pub/sub (see DESIGN.md).

export interface JobBusMessage {
  jobId: string;
  hostId: string;
  /** Position of the event in the job's transcript, so a late watcher can skip what it has. */
  seq: number;
  event: JobEvent;
}

/** One per job runner (JobRunner.bus): the runtime's runner is the process's. */
export class JobBus extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  publish(msg: JobBusMessage): void {
    this.emit(`job:${msg.jobId}`, msg);
  }
}
