// Prometheus metrics of the leaf node connections: which are up (by remote server name and side)
// and the messages and bytes that crossed them since start.

import { Gauge, type Registry } from "prom-client";
import type { LeafNodeManager } from "../leafnode/manager.js";
import { mirroredCounter } from "./metrics-mirror.js";

type Totals = ReturnType<LeafNodeManager["totals"]>;

const NO_TOTALS: Totals = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 };

export function registerLeafNodeMetrics(registry: Registry, leafnodes: () => LeafNodeManager | null): void {
  new Gauge({
    name: "natsts_leafnode_connections",
    help: "Leaf node connections currently up",
    registers: [registry],
    collect() {
      this.set(leafnodes()?.leafs.size ?? 0);
    },
  });
  new Gauge({
    name: "natsts_leafnode_up",
    help: "1 for each leaf node connection that is up, by remote server name and whether this server is the spoke",
    labelNames: ["remote", "is_spoke"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const m = leafnodes();
      if (m === null) return;
      for (const l of m.leafs) this.set({ remote: l.remoteName, is_spoke: String(l.solicited) }, 1);
    },
  });
  const counters: Array<[string, string, keyof Totals]> = [
    ["natsts_leafnode_in_msgs_total", "Messages received over leaf node connections", "inMsgs"],
    ["natsts_leafnode_out_msgs_total", "Messages sent over leaf node connections", "outMsgs"],
    ["natsts_leafnode_in_bytes_total", "Payload bytes received over leaf node connections", "inBytes"],
    ["natsts_leafnode_out_bytes_total", "Payload bytes sent over leaf node connections", "outBytes"],
  ];
  for (const [name, help, key] of counters) mirroredCounter(registry, name, help, () => (leafnodes()?.totals() ?? NO_TOTALS)[key]);
}
