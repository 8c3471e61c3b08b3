// Route metrics for /metrics: how many routes are up, each configured route's state, and messages
// and bytes in and out per route, read from the live route connections at scrape time (a route
// that closed leaves no series behind; its replacement starts from zero, as a new connection).

import { Gauge, type Registry } from "prom-client";
import type { RouteView } from "./routez.js";

/** What the route metrics read of the cluster (server/src/cluster/manager.ts). */
export interface RouteMetricsSource {
  readonly routes: ReadonlyMap<string, RouteView>;
  /** every configured route URL (secrets removed) and whether a route to it is up */
  configuredRoutes(): Array<{ url: string; up: boolean }>;
}

const ROUTE_LABELS = ["remote_id", "remote_name"] as const;

type Read = (r: RouteView) => number;

function perRoute(registry: Registry, name: string, help: string, source: () => RouteMetricsSource | null, read: Read): void {
  new Gauge({
    name,
    help,
    labelNames: ROUTE_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      const s = source();
      if (s === null) return;
      for (const r of s.routes.values()) this.set({ remote_id: r.remoteId, remote_name: r.remoteName }, read(r));
    },
  });
}

export function registerRouteMetrics(registry: Registry, source: () => RouteMetricsSource | null): void {
  new Gauge({
    name: "natsts_routes",
    help: "Route connections to other cluster members currently up",
    registers: [registry],
    collect() {
      this.set(source()?.routes.size ?? 0);
    },
  });
  new Gauge({
    name: "natsts_route_configured_up",
    help: "1 while the route to a configured URL is up, else 0",
    labelNames: ["url"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of source()?.configuredRoutes() ?? []) this.set({ url: c.url }, c.up ? 1 : 0);
    },
  });
  perRoute(registry, "natsts_route_up", "1 for each route connection that is up", source, () => 1);
  perRoute(registry, "natsts_route_in_msgs", "Messages received over the route connection", source, (r) => r.inMsgs);
  perRoute(registry, "natsts_route_in_bytes", "Payload bytes received over the route connection", source, (r) => r.inBytes);
  perRoute(registry, "natsts_route_out_msgs", "Messages sent over the route connection", source, (r) => r.outMsgs);
  perRoute(registry, "natsts_route_out_bytes", "Payload bytes sent over the route connection", source, (r) => r.outBytes);
  perRoute(registry, "natsts_route_pending_bytes", "Bytes queued for the route connection", source, (r) => r.pending);
  perRoute(registry, "natsts_route_rtt_seconds", "Round-trip time of the last PING/PONG on the route", source, (r) => r.rtt / 1000);
}
