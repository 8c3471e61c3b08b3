// /varz: server identity, configuration, resource use and traffic totals, field for field as
// nats-server 2.12 reports them, plus natsts' own version.

import { gatewayVarz } from "./gatewayz.js";
import { leafVarz } from "./leafz.js";
import { availableParallelism } from "node:os";
import type { NatsServer } from "../server.js";
import { COMPAT_VERSION, NATSTS_VERSION, PROTO_VERSION } from "../version.js";
import { durationNs, preciseNow, rfc3339Nano, uptime } from "./format.js";
import { serverJsView, type JsView } from "./jsview.js";
import { jetStreamConfigJSON, jetStreamStats } from "./jsz.js";

/** Process CPU use in percent of one core, sampled once a second (as nats-server does). */
export class CpuSampler {
  percent = 0;
  private last = process.cpuUsage();
  private lastAt = performance.now();
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const now = performance.now();
    const usage = process.cpuUsage();
    const cpuUs = usage.user - this.last.user + (usage.system - this.last.system);
    const wallUs = (now - this.lastAt) * 1000;
    if (wallUs > 0) this.percent = Math.round((cpuUs / wallUs) * 1000) / 10;
    this.last = usage;
    this.lastAt = now;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

interface PerKind {
  clients: number;
  routes: number;
  gateways: number;
  leafs: number;
}

function perKind(clients: number): PerKind {
  return { clients, routes: 0, gateways: 0, leafs: 0 };
}

/** varz `cluster`: the route listener and configured routes (empty without a cluster). */
function clusterVarz(s: NatsServer): Record<string, unknown> {
  const r = s.routes;
  // a gateway without a cluster block names the cluster after the gateway (as nats-server)
  if (r === null) return s.gateways !== null ? { name: s.gateways.name } : {};
  const out: Record<string, unknown> = { name: r.name, addr: r.opts.host, cluster_port: r.port, auth_timeout: r.opts.authTimeout ?? 2 };
  if (r.opts.routes.length > 0) out.urls = r.opts.routes.map((u) => u.replace(/^[a-z-]+:\/\/([^@/]*@)?/, "").replace(/\/$/, ""));
  out.tls_timeout = 2;
  out.pool_size = r.opts.poolSize;
  return out;
}

/** varz `jetstream`: configuration, statistics and limits while JetStream runs, else empty. */
function jetStreamVarz(js: JsView | null): Record<string, unknown> {
  if (js === null) return {};
  return { config: jetStreamConfigJSON(js.config), stats: jetStreamStats(js), limits: {} };
}

export interface VarzContext {
  readonly server: NatsServer;
  readonly httpPort: number;
  readonly httpBasePath: string;
  readonly httpReqStats: ReadonlyMap<string, number>;
  readonly cpu: CpuSampler;
  /** sha256 digest of the configuration, "" without a configuration file */
  readonly configDigest: string;
}

/** Map entries with keys in byte order, as Go marshals maps. */
function sortedRecord(m: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k) ?? 0;
  return out;
}

export function buildVarz(ctx: VarzContext, now = preciseNow()): Record<string, unknown> {
  const s = ctx.server;
  const o = s.options;
  const c = s.counters;
  const cores = availableParallelism();
  return {
    server_id: s.serverId,
    server_name: s.serverName,
    version: COMPAT_VERSION,
    natsts_version: NATSTS_VERSION,
    proto: PROTO_VERSION,
    go: `node${process.version}`,
    host: o.host,
    port: s.port,
    auth_required: s.authRequired() ? true : undefined,
    connect_urls: o.clientAdvertise !== "" ? [o.clientAdvertise] : undefined,
    max_connections: o.maxConnections,
    max_subscriptions: o.maxSubscriptions > 0 ? o.maxSubscriptions : undefined,
    ping_interval: durationNs(o.pingInterval),
    ping_max: o.pingMax,
    http_host: o.httpHost,
    http_port: ctx.httpPort,
    http_base_path: ctx.httpBasePath,
    https_port: 0,
    auth_timeout: o.authTimeout / 1000,
    max_control_line: o.maxControlLine,
    max_payload: o.maxPayload,
    max_pending: o.maxPending,
    cluster: clusterVarz(s),
    gateway: gatewayVarz(s.gateways),
    leaf: leafVarz(s.leafnodes, o.authTimeout),
    mqtt: {},
    websocket: {},
    jetstream: jetStreamVarz(serverJsView(s).js),
    tls_timeout: 2,
    write_deadline: durationNs(o.writeDeadline),
    start: rfc3339Nano(s.startTime.getTime()),
    now: rfc3339Nano(now),
    uptime: uptime(now - s.startTime.getTime()),
    mem: process.memoryUsage.rss(),
    cores,
    gomaxprocs: cores,
    cpu: ctx.cpu.percent,
    connections: s.clients.size,
    total_connections: s.totalConnections,
    routes: s.routes?.routes.size ?? 0,
    remotes: 0,
    leafnodes: s.leafnodes?.leafs.size ?? 0,
    in_msgs: c.inMsgs,
    in_bytes: c.inBytes,
    in_client_msgs: c.inMsgs,
    in_client_bytes: c.inBytes,
    out_msgs: c.outMsgs,
    out_bytes: c.outBytes,
    out_client_msgs: c.outMsgs,
    out_client_bytes: c.outBytes,
    slow_consumers: c.slowConsumers,
    stale_connections: c.staleConnections,
    stalled_clients: c.stalledClients,
    subscriptions: s.sublist.size,
    http_req_stats: sortedRecord(ctx.httpReqStats),
    config_load_time: rfc3339Nano(s.configLoadTime.getTime()),
    config_digest: ctx.configDigest,
    // natsts has no system account yet; the field stays so tools find the shape they expect
    system_account: "",
    slow_consumer_stats: perKind(c.slowConsumers),
    stale_connection_stats: perKind(c.staleConnections),
    disk_io_wait_stats: { waiters: 0, waits: 0, wait_time: 0, max_wait_time: 0 },
  };
}
