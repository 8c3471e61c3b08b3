// The timers a connection manager sets (redials, reconnect delays): none fires once the manager
// stopped, and stop clears those still pending.

export class ManagerTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Runs `fn` in `ms` unless the manager stopped by then. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.pending.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
