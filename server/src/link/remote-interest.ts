// The interest a peer announced on a route (RS+/RS-) or a leaf connection (LS+/LS-): one entry per
// subject or subject and queue group, a queue group's weight updated by each new announcement.
// The connection kind says what an entry is (a route's RemoteSub, a leaf's subscription) and
// where it is inserted and removed (the route's own sublist, the server's sublist).

/** The key of a subject, or a subject and queue group, in the interest tables. */
export function interestKey(subject: string, queue: string | null): string {
  return queue === null ? subject : `${subject} ${queue}`;
}

/** One announced subject (and queue group). */
export interface RemoteInterestEntry {
  readonly subject: string;
  readonly queue: string | null;
  weight: number;
}

/** What the connection kind does with the entries. */
export interface RemoteInterestSink<S extends RemoteInterestEntry> {
  /** a new entry for a subject (and queue group) first announced, `key` its interestKey */
  create(subject: string, queue: string | null, weight: number, key: string): S;
  added(entry: S): void;
  removed(entry: S): void;
}

export class RemoteInterestTable<S extends RemoteInterestEntry> {
  private readonly byKey = new Map<string, S>();

  constructor(private readonly sink: RemoteInterestSink<S>) {}

  /** The peer's interest in `subject` (and `queue`): a new entry, or the queue group's new weight. */
  sub(subject: string, queue: string | null, weight: number): void {
    const key = interestKey(subject, queue);
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      existing.weight = weight;
      return;
    }
    const entry = this.sink.create(subject, queue, weight, key);
    this.byKey.set(key, entry);
    this.sink.added(entry);
  }

  /** The peer's interest in `subject` (and `queue`) is gone. */
  unsub(subject: string, queue: string | null): void {
    const key = interestKey(subject, queue);
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    this.sink.removed(entry);
  }

  /** Removes every entry (the connection closed). */
  clear(): void {
    for (const entry of this.byKey.values()) this.sink.removed(entry);
    this.byKey.clear();
  }

  /** the announced subjects (and queue groups) */
  subjects(): Array<{ subject: string; queue: string | null }> {
    return [...this.byKey.values()].map((s) => ({ subject: s.subject, queue: s.queue }));
  }

  get size(): number {
    return this.byKey.size;
  }
}
