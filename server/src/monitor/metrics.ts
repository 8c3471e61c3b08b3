// /metrics: Prometheus exposition of the server's gauges and counters, from a registry of our own
// (never prom-client's global one, so several servers in one process do not collide); the
// JetStream ones are in metrics-js.ts.

import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { ParseFailureKind } from "../protocol/parser.js";
import type { NatsServer } from "../server.js";
import { serverJsView } from "./jsview.js";
import { registerJetStreamMetrics } from "./metrics-js.js";
import { registerLeafNodeMetrics } from "./metrics-leafnode.js";
import { mirroredCounter } from "./metrics-mirror.js";
import { registerGatewayMetrics } from "./metrics-gateway.js";
import { registerRouteMetrics } from "./metrics-route.js";

/** Every parse-failure kind, so each label exists (at 0) from the start. */
const PARSE_ERROR_KINDS: Record<ParseFailureKind, true> = {
  "auth-violation": true,
  "unknown-op": true,
  "bad-args": true,
  "max-payload": true,
  "max-control-line": true,
  "headers-not-supported": true,
};

export interface ServerMetrics {
  readonly registry: Registry;
  /** counts one protocol parse error of the given kind (wired to server.hooks.parseError) */
  parseError(kind: string): void;
  /** the exposition text */
  render(): Promise<string>;
  readonly contentType: string;
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export function createMetrics(server: NatsServer, withProcessMetrics = true): ServerMetrics {
  const registry = new Registry();
  const c = server.counters;
  gauge(registry, "natsts_connections", "Client connections currently open", () => server.clients.size);
  gauge(registry, "natsts_subscriptions", "Subscriptions currently in the sublist", () => server.sublist.size);
  gauge(registry, "natsts_closed_connections_retained", "Closed connections kept for /connz", () => server.closedClients.length);
  mirroredCounter(registry, "natsts_connections_total", "Client connections accepted since start", () => server.totalConnections);
  mirroredCounter(registry, "natsts_in_msgs_total", "Messages received from clients", () => c.inMsgs);
  mirroredCounter(registry, "natsts_in_bytes_total", "Payload bytes received from clients", () => c.inBytes);
  mirroredCounter(registry, "natsts_out_msgs_total", "Messages delivered to clients", () => c.outMsgs);
  mirroredCounter(registry, "natsts_out_bytes_total", "Payload bytes delivered to clients", () => c.outBytes);
  mirroredCounter(registry, "natsts_slow_consumers_total", "Connections closed as slow consumers", () => c.slowConsumers);
  mirroredCounter(registry, "natsts_stale_connections_total", "Connections closed as stale", () => c.staleConnections);
  const parseErrors = new Counter({
    name: "natsts_protocol_parse_errors_total",
    help: "Client protocol parse errors, by kind",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  for (const kind of Object.keys(PARSE_ERROR_KINDS)) parseErrors.inc({ kind }, 0);
  registerLeafNodeMetrics(registry, () => server.leafnodes);
  registerGatewayMetrics(registry, () => server.gateways);
  const js = registerJetStreamMetrics(registry, () => serverJsView(server).js);
  registerRouteMetrics(registry, () => server.routes);
  if (withProcessMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    parseError: (kind) => parseErrors.inc({ kind }),
    render: () => js.during(() => registry.metrics()),
    contentType: registry.contentType,
  };
}
