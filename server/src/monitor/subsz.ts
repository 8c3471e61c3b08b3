// /subsz (/subscriptionsz): sublist statistics and, on request, the subscriptions themselves.

import type { Subscription } from "../client/subscription.js";
import type { SublistStats } from "../sublist/sublist.js";
import { isValidLiteralSubject, subjectMatches } from "../sublist/subject.js";
import { subDetail } from "./connz.js";
import { preciseNow, rfc3339Nano } from "./format.js";
import { decodeBool, decodeInt, pageBounds, param, QueryError } from "./query.js";

export const DEFAULT_SUB_LIST_SIZE = 1024;

export interface SubszOptions {
  subs: boolean;
  offset: number;
  limit: number;
  test: string;
}

export function decodeSubszQuery(q: URLSearchParams): SubszOptions {
  return {
    subs: decodeBool(q, "subs"),
    offset: decodeInt(q, "offset"),
    limit: decodeInt(q, "limit"),
    test: param(q, "test"),
  };
}

/** The subject-matching test subject must be one a client could publish to. */
export function validateTest(test: string): void {
  if (test !== "" && !isValidLiteralSubject(test)) {
    throw new QueryError(`invalid test subject, must be valid publish subject: ${test}`);
  }
}

export interface SubEntry {
  readonly subject: string;
  readonly queue: string | null;
  readonly sid: string;
  readonly msgs: number;
  readonly cid: number;
}

export function entryOf(s: Subscription): SubEntry {
  return { subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.delivered, cid: s.client.cid };
}

export interface SubszJSON {
  server_id: string;
  now: string;
  num_subscriptions: number;
  num_cache: number;
  num_inserts: number;
  num_removes: number;
  num_matches: number;
  cache_hit_rate: number;
  max_fanout: number;
  avg_fanout: number;
  total: number;
  offset: number;
  limit: number;
  subscriptions_list?: ReturnType<typeof subDetail>[];
}

export function buildSubsz(serverId: string, stats: SublistStats, all: () => SubEntry[], o: SubszOptions, now = preciseNow()): SubszJSON {
  validateTest(o.test);
  const { offset, limit } = pageBounds(o.offset, o.limit, DEFAULT_SUB_LIST_SIZE);
  let total = 0;
  let list: SubszJSON["subscriptions_list"];
  if (o.subs) {
    let subs = all();
    if (o.test !== "") subs = subs.filter((s) => subjectMatches(s.subject, o.test));
    total = subs.length;
    const page = subs.slice(offset, offset + limit);
    if (page.length > 0) {
      list = page.map((s) => subDetail({ subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.msgs }, s.cid, true));
    }
  }
  return {
    server_id: serverId,
    now: rfc3339Nano(now),
    num_subscriptions: stats.numSubs,
    num_cache: stats.numCache,
    num_inserts: stats.numInserts,
    num_removes: stats.numRemoves,
    num_matches: stats.numMatches,
    cache_hit_rate: stats.cacheHitRate,
    max_fanout: stats.maxFanout,
    avg_fanout: stats.avgFanout,
    total,
    offset,
    limit,
    subscriptions_list: list,
  };
}
