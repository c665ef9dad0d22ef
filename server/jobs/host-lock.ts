// Serialises jobs per host inside this process: two plans never interleave their steps on
// one host. (Several Labdeck instances would need a shared lock; see DESIGN.md.)

export class HostLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(hostId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(hostId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(hostId, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(hostId) === tail) this.tails.delete(hostId);
    }
  }
}
