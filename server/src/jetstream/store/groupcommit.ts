// Group commit: callers ask for "a commit that starts after now"; one commit runs at a time, and
// every request made while it runs is served by the single next one. So while one fsync is in
// flight, all publishes that arrive share the following fsync: N concurrent publishers cost about
// one fsync per round trip of the disk, not N.
//
// The commit function snapshots what it writes synchronously, before its first await; that is
// what makes "requested before the commit started" equal "covered by the commit".

import { asError, deferred, type Deferred } from "./util.js";

export class GroupCommit {
  private next: Deferred | null = null;
  private running = false;
  private idleWaiters: Array<() => void> = [];
  commits = 0;

  constructor(
    private readonly commit: () => Promise<void>,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Resolves after a commit that starts after this call; rejects if that commit fails. */
  request(): Promise<void> {
    if (!this.next) {
      this.next = deferred();
      if (!this.running) {
        this.running = true;
        // Let the I/O callbacks of this loop turn append too, so they join the first commit.
        setImmediate(() => this.loop());
      }
    }
    return this.next.promise;
  }

  get busy(): boolean {
    return this.running;
  }

  /** Resolves when no commit is running or requested. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  private loop(): void {
    const d = this.next;
    if (!d) {
      this.running = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
      return;
    }
    this.next = null;
    this.commits++;
    let p: Promise<void>;
    try {
      p = this.commit();
    } catch (e) {
      p = Promise.reject(asError(e));
    }
    p.then(
      () => {
        d.resolve();
        this.loop();
      },
      (e: unknown) => {
        const err = asError(e);
        this.onError(err);
        d.reject(err);
        this.loop();
      },
    );
  }
}
