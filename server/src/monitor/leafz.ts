// /leafz and the leaf parts of /varz: the leaf node connections and the leafnodes block, with
// nats-server's field names.

import { goDurationMs, preciseNow, rfc3339Nano } from "./format.js";
import { type LinkCountsView, linkCountsJSON } from "./link-json.js";
import { decodeBool, param } from "./query.js";

/** What /leafz reads of one leaf connection (server/src/leafnode/leafnode.ts). */
export interface LeafView extends LinkCountsView {
  readonly cid: number;
  readonly remoteName: string;
  /** this server solicited the connection (it is the spoke) */
  readonly solicited: boolean;
  readonly account: string;
  readonly host: string;
  readonly port: number;
  /** ms; negative before the first PONG */
  readonly rtt: number;
  readonly subscriptionCount: number;
  /**
   * The compression mode shown (nats-server's names). natsts never compresses leaf connections:
   * "off" when the other side offered compression (as nats-server with `compression: off`),
   * "not supported" when it did not (what nats-server shows for such a peer).
   */
  readonly compression: string;
  remoteSubjects(): Array<{ subject: string; queue: string | null }>;
}

/** What the leaf parts of /varz read of the leafnodes configuration and listener. */
export interface LeafVarzView {
  readonly port: number;
  readonly opts: {
    readonly host: string;
    readonly port: number;
    /** ms, 0 = the server's */
    readonly authTimeout: number;
    readonly remotes: ReadonlyArray<{ readonly urls: readonly string[]; readonly account: string }>;
  };
}

export interface LeafzJSON {
  server_id: string;
  now: string;
  leafnodes: number;
  leafs: Array<Record<string, unknown>>;
}

/** Validates the query (`subs` a boolean, `acc` an account filter) and builds the answer. */
export function buildLeafz(serverId: string, q: URLSearchParams, leafs: Iterable<LeafView> = [], now = preciseNow()): LeafzJSON {
  const subs = decodeBool(q, "subs");
  const acc = param(q, "acc");
  const list: Array<Record<string, unknown>> = [];
  for (const l of leafs) {
    if (acc !== "" && l.account !== acc) continue;
    const j: Record<string, unknown> = {
      id: l.cid,
      name: l.remoteName,
      is_spoke: l.solicited,
      account: l.account,
      ip: l.host,
      port: l.port,
      rtt: goDurationMs(Math.max(0, l.rtt)),
      ...linkCountsJSON(l),
      subscriptions: l.subscriptionCount,
    };
    if (subs) j.subscriptions_list = l.remoteSubjects().map((s) => s.subject);
    // nats-server 2.12 always shows it, after the list
    j.compression = l.compression;
    list.push(j);
  }
  return { server_id: serverId, now: rfc3339Nano(now), leafnodes: list.length, leafs: list };
}

/** A remote's URL as /varz shows it: host:port, without scheme or credentials. */
function shownURL(url: string): string {
  return url.replace(/^[a-z-]+:\/\//i, "").replace(/^[^@/]*@/, "").replace(/\/$/, "");
}

/** varz `leaf`: the listener (when there is one) and the remotes; empty without leaf nodes. */
export function leafVarz(l: LeafVarzView | null, serverAuthTimeout: number): Record<string, unknown> {
  if (l === null) return {};
  const out: Record<string, unknown> = {};
  if (l.opts.port !== 0) {
    out.host = l.opts.host;
    out.port = l.port;
    out.auth_timeout = (l.opts.authTimeout > 0 ? l.opts.authTimeout : serverAuthTimeout) / 1000;
    out.tls_timeout = 2;
  }
  if (l.opts.remotes.length > 0) {
    out.remotes = l.opts.remotes.map((r) => ({ local_account: r.account !== "" ? r.account : "$G", urls: r.urls.map(shownURL) }));
  }
  return out;
}
