// The counter every /metrics module uses for a server total that only grows (closed connections
// stay counted): prom-client counters only advance, so each scrape adds what the total grew by.

import { Counter, type Registry } from "prom-client";

/**
 * A counter that mirrors a monotonic server total: on each scrape it advances by what the total
 * grew since the previous scrape.
 */
export function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const v = read();
      if (v > seen) this.inc(v - seen);
      seen = v;
    },
  });
}
