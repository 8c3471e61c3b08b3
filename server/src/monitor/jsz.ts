// /jsz: JetStream configuration, usage and API statistics, and (on request) per-account,
// per-stream and per-consumer detail, field for field as nats-server 2.12 reports them on a
// single server. natsts has one account, "$G"; a single server leads every stream and consumer.

import { formatUnixNanos } from "../jetstream/api/json.js";
import type { StreamState } from "../jetstream/api/types.js";
import { API_LEVEL } from "../version.js";
import { durationNs, preciseNow, rfc3339Nano } from "./format.js";
import type { JsAccountView, JsConfigView, JsServerView, JsStreamView, JsView } from "./jsview.js";
import { decodeBool, decodeInt, pageBounds, param, QueryError } from "./query.js";

export interface JszOptions {
  /** `acc`: the account whose detail is shown ("" = none in particular) */
  account: string;
  accounts: boolean;
  streams: boolean;
  consumers: boolean;
  config: boolean;
  offset: number;
  limit: number;
  leaderOnly: boolean;
  raft: boolean;
}

const DEFAULT_LIMIT = 1024;
/** nats-server's unlimited account reservation: -1 as an unsigned 64-bit integer */
const UNLIMITED_RESERVATION = 2n ** 64n - 1n;
const DEFAULT_SYNC_INTERVAL_MS = 2 * 60 * 1000;
const RESPONSE_ONLY_METADATA = new Set(["_nats.ver", "_nats.level"]);

/** Decodes the /jsz query; throws QueryError (400) on a malformed value, as nats-server does. */
export function decodeJszQuery(q: URLSearchParams): JszOptions {
  const o: JszOptions = {
    account: param(q, "acc"),
    accounts: decodeBool(q, "accounts"),
    streams: decodeBool(q, "streams"),
    consumers: decodeBool(q, "consumers"),
    config: decodeBool(q, "config"),
    offset: decodeInt(q, "offset"),
    limit: decodeInt(q, "limit"),
    leaderOnly: decodeBool(q, "leader-only"),
    raft: decodeBool(q, "raft"),
  };
  // accepted, without effect on a single server
  decodeBool(q, "stream-leader-only");
  decodeBool(q, "direct-consumers");
  return o;
}

/** The `config` object of /jsz and of varz `jetstream`. */
export function jetStreamConfigJSON(c: JsConfigView): Record<string, unknown> {
  const always = c.syncInterval === "always";
  return {
    max_memory: c.maxMemory,
    max_storage: c.maxStore,
    store_dir: c.storeDir,
    sync_interval: durationNs(c.syncInterval === "always" ? DEFAULT_SYNC_INTERVAL_MS : c.syncInterval),
    sync_always: always ? true : undefined,
    domain: c.domain !== "" ? c.domain : undefined,
    strict: true,
  };
}

interface Totals {
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
}

function accountTotals(a: JsAccountView): Totals {
  const t: Totals = { streams: 0, consumers: 0, messages: 0, bytes: 0 };
  for (const s of a.streams()) {
    const st = s.state();
    t.streams++;
    t.consumers += s.consumerCount;
    t.messages += st.messages;
    t.bytes += st.bytes;
  }
  return t;
}

/** Server-wide JetStream statistics (the head of /jsz and varz `jetstream.stats`). */
export function jetStreamStats(js: JsView): Record<string, unknown> {
  const u = js.usage();
  return {
    memory: u.memory,
    storage: u.storage,
    reserved_memory: 0,
    reserved_storage: 0,
    accounts: js.accounts().length,
    ha_assets: 0,
    api: { level: API_LEVEL, total: js.apiTotal, errors: js.apiErrors },
  };
}

/** StreamState with its keys in nats-server's order. */
export function orderedState(st: StreamState): Record<string, unknown> {
  const { messages, bytes, first_seq, first_ts, last_seq, last_ts, num_subjects, subjects, num_deleted, deleted, lost, consumer_count, ...rest } = st;
  return { messages, bytes, first_seq, first_ts, last_seq, last_ts, num_subjects, subjects, num_deleted, deleted, lost, consumer_count, ...rest };
}

/**
 * The configuration as nats-server stores it: of the `_nats.*` metadata only the required API
 * level is kept (the server version and level are added to API responses only).
 */
function storedConfig(config: object): object {
  const meta: unknown = (config as { metadata?: unknown }).metadata;
  if (meta === null || typeof meta !== "object") return config;
  const kept = Object.entries(meta).filter(([k]) => !RESPONSE_ONLY_METADATA.has(k));
  return { ...config, metadata: kept.length > 0 ? Object.fromEntries(kept) : undefined };
}

function streamDetail(s: JsStreamView, serverName: string, o: JszOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: s.name,
    created: formatUnixNanos(s.created),
    cluster: { leader: serverName },
    config: o.config ? storedConfig(s.config) : undefined,
    state: orderedState(s.state()),
  };
  if (o.consumers) {
    const consumers = s.consumers().map((c) => {
      // nats-server shows a consumer's config only with config=true, and no cluster in /jsz
      const { stream_name, name, created, config, cluster: _omitted, ...rest } = c.info();
      return { stream_name, name, created, config: o.config ? storedConfig(config) : undefined, ...rest };
    });
    if (consumers.length > 0) out.consumer_detail = consumers;
  }
  return out;
}

function accountDetail(a: JsAccountView, serverName: string, usage: { memory: number; storage: number }, js: JsView, o: JszOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: a.name,
    id: a.name,
    memory: usage.memory,
    storage: usage.storage,
    reserved_memory: UNLIMITED_RESERVATION,
    reserved_storage: UNLIMITED_RESERVATION,
    accounts: 0,
    ha_assets: 0,
    api: { level: 0, total: js.apiTotal, errors: js.apiErrors },
  };
  if (o.streams) {
    const details = a.streams().map((s) => streamDetail(s, serverName, o));
    if (details.length > 0) out.stream_detail = details;
  }
  return out;
}

/** The accounts whose detail is shown: the one named by `acc`, else a page of all with `accounts`. */
function detailed(all: JsAccountView[], o: JszOptions): JsAccountView[] {
  const named = all.find((a) => a.name === o.account);
  if (o.account !== "" && named !== undefined) return [named];
  if (!o.accounts) return [];
  const { offset, limit } = pageBounds(o.offset, o.limit, DEFAULT_LIMIT);
  return all.slice(offset, offset + limit);
}

/** The /jsz body. Throws QueryError for leader-only on a server without JetStream (as nats-server). */
export function buildJsz(view: JsServerView, opts: JszOptions, now = preciseNow()): Record<string, unknown> {
  const o: JszOptions = { ...opts };
  if (o.consumers) o.streams = true;
  if (o.streams && o.account === "") o.accounts = true;
  const js = view.js;
  if (js === null) {
    if (o.leaderOnly) throw new QueryError("filtered response: not leader");
    return {
      memory: 0,
      storage: 0,
      reserved_memory: 0,
      reserved_storage: 0,
      accounts: 0,
      ha_assets: 0,
      api: { level: 0, total: 0, errors: 0 },
      server_id: view.serverId,
      now: rfc3339Nano(now),
      disabled: true,
      config: { max_memory: 0, max_storage: 0 },
      streams: 0,
      consumers: 0,
      messages: 0,
      bytes: 0,
      total: 0,
    };
  }
  const all = js.accounts();
  const totals: Totals = { streams: 0, consumers: 0, messages: 0, bytes: 0 };
  for (const a of all) {
    const t = accountTotals(a);
    totals.streams += t.streams;
    totals.consumers += t.consumers;
    totals.messages += t.messages;
    totals.bytes += t.bytes;
  }
  const stats = jetStreamStats(js);
  const usage = { memory: stats.memory as number, storage: stats.storage as number };
  const details = detailed(all, o).map((a) => accountDetail(a, view.serverName, usage, js, o));
  return {
    ...stats,
    server_id: view.serverId,
    now: rfc3339Nano(now),
    config: jetStreamConfigJSON(js.config),
    limits: {},
    streams: totals.streams,
    streams_leader: o.raft ? totals.streams : undefined,
    consumers: totals.consumers,
    consumers_leader: o.raft ? totals.consumers : undefined,
    messages: totals.messages,
    bytes: totals.bytes,
    account_details: details.length > 0 ? details : undefined,
    total: all.length,
  };
}
