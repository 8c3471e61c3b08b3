// /routez: the cluster's route connections, with nats-server's field names.

import { preciseNow, rfc3339Nano } from "./format.js";
import { type LinkCountsView, linkCountsJSON, type LinkTimesView, linkTimesJSON } from "./link-json.js";
import { decodeSubs } from "./query.js";

/** What /routez reads of one route (server/src/cluster/route.ts). */
export interface RouteView extends LinkTimesView, LinkCountsView {
  readonly cid: number;
  readonly remoteId: string;
  readonly remoteName: string;
  readonly solicited: boolean;
  readonly configuredURL: string | null;
  readonly pending: number;
  readonly subscriptionCount: number;
  remoteSubjects(): Array<{ subject: string; queue: string | null }>;
}

export interface RoutezJSON {
  server_id: string;
  server_name: string;
  now: string;
  num_routes: number;
  routes: Array<Record<string, unknown>>;
}

/** Validates the query (`subs` as for /connz) and builds the answer. */
export function buildRoutez(
  serverId: string,
  serverName: string,
  q: URLSearchParams,
  routes: Iterable<RouteView> = [],
  now = preciseNow(),
): RoutezJSON {
  const subs = decodeSubs(q);
  const list: Array<Record<string, unknown>> = [];
  for (const r of routes) {
    const j: Record<string, unknown> = {
      rid: r.cid,
      remote_id: r.remoteId,
      remote_name: r.remoteName,
      did_solicit: r.solicited,
      is_configured: r.configuredURL !== null,
      ...linkTimesJSON(r, now),
      pending_size: r.pending,
      ...linkCountsJSON(r),
      subscriptions: r.subscriptionCount,
    };
    // empty lists are left out, as nats-server's omitempty does
    if (subs === "list" && r.subscriptionCount > 0) j.subscriptions_list = r.remoteSubjects().map((s) => s.subject);
    if (subs === "detail" && r.subscriptionCount > 0) {
      // as nats-server: no account, the sid is "<account> <subject>[ <queue>]", the cid the route's
      j.subscriptions_list_detail = r.remoteSubjects().map((s) => ({
        subject: s.subject,
        qgroup: s.queue ?? undefined,
        sid: s.queue === null ? `$G ${s.subject}` : `$G ${s.subject} ${s.queue}`,
        msgs: 0,
        cid: r.cid,
      }));
    }
    // natsts does not compress routes: what nats-server reports for a route with compression off
    j.compression = "off";
    list.push(j);
  }
  return { server_id: serverId, server_name: serverName, now: rfc3339Nano(now), num_routes: list.length, routes: list };
}
