// Prometheus metrics of the gateways: connections by direction, whether each remote cluster is
// connected (outbound), and messages / payload bytes over gateway connections.

import { Gauge, type Registry } from "prom-client";
import type { GatewayManager } from "../gateway/manager.js";
import type { LinkCounts } from "../link/totals.js";
import { mirroredCounter } from "./metrics-mirror.js";

const EMPTY: LinkCounts = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };

export function registerGatewayMetrics(registry: Registry, gateways: () => GatewayManager | null): void {
  new Gauge({
    name: "natsts_gateway_connections",
    help: "Gateway connections currently registered, by direction",
    labelNames: ["direction"] as const,
    registers: [registry],
    collect() {
      const gm = gateways();
      this.set({ direction: "outbound" }, gm?.outbound.size ?? 0);
      this.set({ direction: "inbound" }, gm?.inbound.size ?? 0);
    },
  });
  new Gauge({
    name: "natsts_gateway_up",
    help: "1 while this server has its outbound connection to the remote gateway (cluster), else 0",
    labelNames: ["gateway"] as const,
    registers: [registry],
    collect() {
      const gm = gateways();
      if (gm === null) return;
      for (const r of gm.remotes.all()) this.set({ gateway: r.name }, gm.outbound.has(r.name) ? 1 : 0);
    },
  });
  // the totals only grow (closed connections stay counted)
  const mirrored = (name: string, help: string, read: (t: LinkCounts) => number): void =>
    mirroredCounter(registry, name, help, () => read(gateways()?.totals() ?? EMPTY));
  mirrored("natsts_gateway_in_msgs_total", "Messages received over gateway connections", (t) => t.inMsgs);
  mirrored("natsts_gateway_in_bytes_total", "Payload bytes received over gateway connections", (t) => t.inBytes);
  mirrored("natsts_gateway_out_msgs_total", "Messages sent over gateway connections", (t) => t.outMsgs);
  mirrored("natsts_gateway_out_bytes_total", "Payload bytes sent over gateway connections", (t) => t.outBytes);
}
