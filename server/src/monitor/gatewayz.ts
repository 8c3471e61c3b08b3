// /gatewayz and the `gateway` block of /varz: the gateway listener, the outbound connection to
// each remote cluster and the inbound ones from them, with nats-server's field names.

import type { Gateway } from "../gateway/connection.js";
import type { GatewayManager } from "../gateway/manager.js";
import { preciseNow, rfc3339Nano } from "./format.js";
import { linkCountsJSON, linkTimesJSON } from "./link-json.js";
import { decodeBool, param } from "./query.js";

const INTEREST_ONLY_THRESHOLD = 1000;

/** varz `gateway`: empty without a gateway. */
export function gatewayVarz(gm: GatewayManager | null): Record<string, unknown> {
  if (gm === null) return {};
  const o = gm.opts;
  const out: Record<string, unknown> = {
    name: gm.name,
    host: o.host,
    port: gm.port,
    auth_timeout: 2,
    tls_timeout: 2,
  };
  if (o.advertise !== "") out.advertise = o.advertise;
  if (o.connectRetries !== 0) out.connect_retries = o.connectRetries;
  const gateways = o.gateways
    .filter((g) => g.name !== gm.name)
    .map((g) => ({ name: g.name, urls: g.urls.map((u) => u.replace(/^[a-z-]+:\/\/([^@/]*@)?/, "").replace(/\/$/, "")) }));
  if (gateways.length > 0) out.gateways = gateways;
  if (o.rejectUnknown) out.reject_unknown = true;
  return out;
}

interface GatewayzOptions {
  accounts: boolean;
  subs: boolean;
  gatewayName: string;
  accountName: string;
}

function decodeGatewayzQuery(q: URLSearchParams): GatewayzOptions {
  const accountName = param(q, "acc_name");
  return {
    accounts: decodeBool(q, "accs") || accountName !== "",
    subs: decodeBool(q, "subs"),
    gatewayName: param(q, "gw_name"),
    accountName,
  };
}

function connectionJSON(g: Gateway, now: number): Record<string, unknown> {
  return {
    cid: g.cid,
    kind: "Gateway",
    ...linkTimesJSON(g, now),
    pending_bytes: g.pending,
    ...linkCountsJSON(g),
    subscriptions: g.outbound ? g.interest.subscriptionCount : 0,
    name: g.remoteId,
  };
}

/** The global account's interest state on a connection (the only account natsts has). */
function accountJSON(g: Gateway, o: GatewayzOptions): Array<Record<string, unknown>> {
  if (o.accountName !== "" && o.accountName !== "$G") return [];
  const a: Record<string, unknown> = {
    name: "$G",
    interest_mode: g.outbound ? g.interest.mode : "Interest-Only",
    interest_only_threshold: INTEREST_ONLY_THRESHOLD,
  };
  if (g.outbound) {
    const n = g.interest.subscriptionCount;
    if (n > 0) a.num_subs = n;
    if (o.subs && n > 0) a.subscriptions_list = g.interest.positive.all().map((s) => (s.queue === null ? s.subject : `${s.subject} ${s.queue}`));
  }
  return [a];
}

export function buildGatewayz(serverId: string, gm: GatewayManager | null, q: URLSearchParams, now = preciseNow()): Record<string, unknown> {
  const o = decodeGatewayzQuery(q);
  const head: Record<string, unknown> = { server_id: serverId, now: rfc3339Nano(now) };
  if (gm === null) return { ...head, outbound_gateways: {}, inbound_gateways: {} };
  Object.assign(head, { name: gm.name, host: gm.opts.host, port: gm.port });
  const want = (name: string): boolean => o.gatewayName === "" || o.gatewayName === name;
  let outbound: Record<string, unknown> | null = {};
  for (const [name, g] of [...gm.outbound].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!want(name)) continue;
    const e: Record<string, unknown> = { configured: gm.remotes.get(name)?.configured ?? false, connection: connectionJSON(g, now) };
    if (o.accounts) e.accounts = accountJSON(g, o);
    outbound[name] = e;
  }
  // nats-server answers null when a gw_name filter matches no outbound gateway
  if (o.gatewayName !== "" && Object.keys(outbound).length === 0) outbound = null;
  const inbound: Record<string, Array<Record<string, unknown>>> = {};
  for (const g of gm.inbound.values()) {
    if (!want(g.remoteName)) continue;
    const e: Record<string, unknown> = { configured: false, connection: connectionJSON(g, now) };
    if (o.accounts) e.accounts = accountJSON(g, o);
    (inbound[g.remoteName] ??= []).push(e);
  }
  return { ...head, outbound_gateways: outbound, inbound_gateways: inbound };
}
