// /connz: open and closed client connections, sorted and paged with nats-server's rules.

import type { Client } from "../client/client.js";
import type { NatsServer } from "../server.js";
import { goDurationMs, preciseNow, rfc3339Nano, uptime } from "./format.js";
import {
  type ConnState,
  decodeBool,
  decodeInt,
  decodeState,
  decodeSubs,
  decodeUint,
  pageBounds,
  param,
  QueryError,
  type SubsDetail,
} from "./query.js";

export const DEFAULT_CONN_LIST_SIZE = 1024;
export const GLOBAL_ACCOUNT = "$G";

export const SORT_OPTIONS = [
  "cid",
  "start",
  "subs",
  "pending",
  "msgs_to",
  "msgs_from",
  "bytes_to",
  "bytes_from",
  "last",
  "idle",
  "uptime",
  "stop",
  "reason",
  "rtt",
] as const;
export type SortOption = (typeof SORT_OPTIONS)[number];

export function isSortOption(s: string): s is SortOption {
  return (SORT_OPTIONS as readonly string[]).includes(s);
}

export interface SubRecord {
  readonly subject: string;
  readonly queue: string | null;
  readonly sid: string;
  readonly msgs: number;
}

/** What /connz needs of one connection, open or closed, at the moment of the request. */
export interface ConnRecord {
  readonly cid: number;
  readonly ip: string;
  readonly port: number;
  /** epoch ms */
  readonly start: number;
  readonly lastActivity: number;
  readonly stop: number | null;
  readonly reason: string;
  /** ms */
  readonly rtt: number;
  readonly pending: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly subs: readonly SubRecord[];
  readonly name: string;
  readonly lang: string;
  readonly version: string;
  /** the user the connection authenticated as ("[REDACTED]" for a token), "" when none */
  readonly authUser: string;
}

export function stripV4Mapped(host: string): string {
  return host.startsWith("::ffff:") ? host.slice(7) : host;
}

export function recordOf(c: Client, subs: readonly SubRecord[] = subsOf(c)): ConnRecord {
  return {
    cid: c.cid,
    ip: stripV4Mapped(c.host),
    port: c.port,
    start: c.start.getTime(),
    lastActivity: c.lastActivity,
    stop: c.stop !== null ? c.stop.getTime() : null,
    reason: c.closeReason,
    rtt: c.rtt,
    pending: c.closed ? 0 : c.outbound.pending + c.socket.writableLength,
    inMsgs: c.inMsgs,
    outMsgs: c.outMsgs,
    inBytes: c.inBytes,
    outBytes: c.outBytes,
    subs,
    name: c.opts.name,
    lang: c.opts.lang,
    version: c.opts.version,
    authUser: c.opts.user !== "" ? c.opts.user : c.opts.authToken !== "" ? "[REDACTED]" : "",
  };
}

function subsOf(c: Client): SubRecord[] {
  return [...c.subs.values()].map((s) => ({ subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.delivered }));
}

export interface ConnzOptions {
  sort: SortOption;
  auth: boolean;
  subs: SubsDetail;
  offset: number;
  limit: number;
  cid: number;
  state: ConnState;
  user: string;
  acc: string;
}

/** Decodes the /connz query; throws QueryError on a malformed value. */
export function decodeConnzQuery(q: URLSearchParams): ConnzOptions {
  const sortText = param(q, "sort");
  const auth = decodeBool(q, "auth");
  const subs = decodeSubs(q);
  const offset = decodeInt(q, "offset");
  const limit = decodeInt(q, "limit");
  const cid = decodeUint(q, "cid");
  const state = decodeState(q);
  return {
    // the sort option is checked later, with the state (as nats-server does, after counting the request)
    sort: (sortText === "" ? "cid" : sortText) as SortOption,
    auth,
    subs,
    offset,
    limit,
    cid,
    state,
    user: param(q, "user"),
    acc: param(q, "acc"),
  };
}

/** Checks the sort option against the state; throws QueryError as nats-server answers. */
export function validateSort(sort: string, state: ConnState): SortOption {
  if (!isSortOption(sort)) throw new QueryError(`invalid sorting option: ${sort}`);
  if ((sort === "stop" || sort === "reason") && state !== "closed") {
    throw new QueryError(`sort by ${sort} only valid on closed connections`);
  }
  return sort;
}

function stopOrNow(c: ConnRecord, now: number): number {
  return c.stop ?? now;
}

/**
 * The comparator for a sort option, in nats-server's directions: ascending for cid, start, uptime
 * (youngest first) and reason; descending (largest, latest or most idle first) otherwise.
 */
export function comparator(sort: SortOption, now: number): (a: ConnRecord, b: ConnRecord) => number {
  const desc = (f: (c: ConnRecord) => number) => (a: ConnRecord, b: ConnRecord) => f(b) - f(a);
  switch (sort) {
    case "cid":
      return (a, b) => a.cid - b.cid;
    case "start":
      return (a, b) => a.start - b.start;
    case "subs":
      return desc((c) => c.subs.length);
    case "pending":
      return desc((c) => c.pending);
    case "msgs_to":
      return desc((c) => c.outMsgs);
    case "msgs_from":
      return desc((c) => c.inMsgs);
    case "bytes_to":
      return desc((c) => c.outBytes);
    case "bytes_from":
      return desc((c) => c.inBytes);
    case "last":
      return desc((c) => c.lastActivity);
    case "idle":
      return desc((c) => stopOrNow(c, now) - c.lastActivity);
    case "uptime":
      return (a, b) => stopOrNow(a, now) - a.start - (stopOrNow(b, now) - b.start);
    case "stop":
      return desc((c) => c.stop ?? 0);
    case "reason":
      return (a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);
    case "rtt":
      return desc((c) => c.rtt);
  }
}

/** Sorts (ties by cid) and pages; returns the page. */
export function sortAndPage(conns: ConnRecord[], sort: SortOption, offset: number, limit: number, now: number): ConnRecord[] {
  const cmp = comparator(sort, now);
  const sorted = [...conns].sort((a, b) => cmp(a, b) || a.cid - b.cid);
  return sorted.slice(offset, offset + limit);
}

interface SubDetailJSON {
  account?: string;
  account_tag?: string;
  subject: string;
  qgroup?: string;
  sid: string;
  msgs: number;
  cid: number;
}

export function subDetail(s: SubRecord, cid: number, withAccount: boolean): SubDetailJSON {
  return {
    account: withAccount ? GLOBAL_ACCOUNT : undefined,
    account_tag: withAccount ? GLOBAL_ACCOUNT : undefined,
    subject: s.subject,
    qgroup: s.queue ?? undefined,
    sid: s.sid,
    msgs: s.msgs,
    cid,
  };
}

interface ConnInfoJSON {
  cid: number;
  kind: string;
  type: string;
  ip: string;
  port: number;
  start: string;
  last_activity: string;
  stop?: string;
  reason?: string;
  rtt: string;
  uptime: string;
  idle: string;
  pending_bytes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  subscriptions: number;
  name?: string;
  lang?: string;
  version?: string;
  authorized_user?: string;
  subscriptions_list?: string[];
  subscriptions_list_detail?: SubDetailJSON[];
  name_tag?: string;
}

const orUndefined = (s: string): string | undefined => (s === "" ? undefined : s);

export function connInfo(c: ConnRecord, o: Pick<ConnzOptions, "auth" | "subs">, now: number): ConnInfoJSON {
  const closed = c.stop !== null;
  const end = c.stop ?? now;
  const hasSubs = c.subs.length > 0;
  return {
    cid: c.cid,
    kind: "Client",
    type: "nats",
    ip: c.ip,
    port: c.port,
    start: rfc3339Nano(c.start),
    last_activity: rfc3339Nano(c.lastActivity),
    stop: c.stop !== null ? rfc3339Nano(c.stop) : undefined,
    reason: orUndefined(c.reason),
    rtt: goDurationMs(c.rtt),
    uptime: uptime(end - c.start),
    idle: uptime(end - c.lastActivity),
    pending_bytes: c.pending,
    in_msgs: c.inMsgs,
    out_msgs: c.outMsgs,
    in_bytes: c.inBytes,
    out_bytes: c.outBytes,
    subscriptions: c.subs.length,
    name: orUndefined(c.name),
    lang: orUndefined(c.lang),
    version: orUndefined(c.version),
    authorized_user: o.auth ? orUndefined(c.authUser) : undefined,
    subscriptions_list: o.subs === "list" && hasSubs ? c.subs.map((s) => s.subject) : undefined,
    subscriptions_list_detail: o.subs === "detail" && hasSubs ? c.subs.map((s) => subDetail(s, c.cid, closed)) : undefined,
    // nats-server shows the account's name tag for live connections only
    name_tag: o.auth && !closed ? GLOBAL_ACCOUNT : undefined,
  };
}

export interface ConnzJSON {
  server_id: string;
  now: string;
  num_connections: number;
  total: number;
  offset: number;
  limit: number;
  connections: ConnInfoJSON[];
}

/** The connections a /connz request selects from, before paging. */
export function selectConns(open: ConnRecord[], closed: ConnRecord[], o: ConnzOptions): ConnRecord[] {
  let conns = o.state === "open" ? open : o.state === "closed" ? closed : [...open, ...closed];
  if (o.user !== "") conns = conns.filter((c) => c.authUser === o.user);
  if (o.acc !== "" && o.acc !== GLOBAL_ACCOUNT) conns = [];
  return conns;
}

/** Builds /connz from already decoded and validated options. */
export function buildConnz(serverId: string, open: ConnRecord[], closed: ConnRecord[], o: ConnzOptions, now = preciseNow()): ConnzJSON {
  const sort = validateSort(o.sort, o.state);
  const conns = selectConns(open, closed, o);
  const total = conns.length;
  let page: ConnRecord[];
  let { offset, limit } = pageBounds(o.offset, o.limit, DEFAULT_CONN_LIST_SIZE);
  if (o.cid > 0) {
    // a single connection: offset and limit do not apply
    offset = 0;
    limit = 1;
    page = conns.filter((c) => c.cid === o.cid);
  } else {
    page = sortAndPage(conns, sort, offset, limit, now);
  }
  return {
    server_id: serverId,
    now: rfc3339Nano(now),
    num_connections: page.length,
    total,
    offset,
    limit,
    connections: page.map((c) => connInfo(c, o, now)),
  };
}

/** Snapshots of the server's open and closed connections. */
export function serverConns(server: NatsServer): { open: ConnRecord[]; closed: ConnRecord[] } {
  const open = [...server.clients.values()].map((c) => recordOf(c));
  const closed = server.closedClients.map((cc) => {
    // the client keeps its subscription table after closing; the subjects recorded at close are the fallback
    const subs = cc.client.subs.size > 0 || cc.subjects.length === 0 ? subsOf(cc.client) : cc.subjects.map((subject) => ({ subject, queue: null, sid: "", msgs: 0 }));
    return recordOf(cc.client, subs);
  });
  return { open, closed };
}
