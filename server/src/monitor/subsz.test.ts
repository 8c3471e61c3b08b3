import { describe, expect, it } from "vitest";
import type { SublistStats } from "../sublist/sublist.js";
import { buildSubsz, type SubEntry } from "./subsz.js";

const STATS: SublistStats = { numSubs: 3, numCache: 2, numInserts: 4, numRemoves: 1, numMatches: 7, cacheHitRate: 0.42857142857142855, maxFanout: 2, avgFanout: 0.625 };
const SUBS: SubEntry[] = [
  { subject: "foo.>", queue: null, sid: "1", msgs: 3, cid: 5 },
  { subject: "bar", queue: "q1", sid: "1", msgs: 0, cid: 6 },
  { subject: "foo.bar", queue: null, sid: "2", msgs: 1, cid: 6 },
];
const NOW = Date.UTC(2026, 0, 1);
const build = (o: Partial<Parameters<typeof buildSubsz>[3]>) =>
  JSON.parse(JSON.stringify(buildSubsz("S", STATS, () => SUBS, { subs: false, offset: 0, limit: 0, test: "", ...o }, NOW)));

describe("subsz", () => {
  it("reports sublist stats with nats-server's fields, no list by default", () => {
    const z = build({});
    expect(Object.keys(z)).toEqual([
      "server_id", "now", "num_subscriptions", "num_cache", "num_inserts", "num_removes", "num_matches",
      "cache_hit_rate", "max_fanout", "avg_fanout", "total", "offset", "limit",
    ]);
    expect(z).toMatchObject({ num_subscriptions: 3, num_cache: 2, num_inserts: 4, num_removes: 1, num_matches: 7, cache_hit_rate: 0.42857142857142855, max_fanout: 2, avg_fanout: 0.625, total: 0, offset: 0, limit: 1024 });
  });

  it("lists subscriptions with account, queue and delivery counts", () => {
    const z = build({ subs: true });
    expect(z.total).toBe(3);
    expect(z.subscriptions_list[1]).toEqual({ account: "$G", account_tag: "$G", subject: "bar", qgroup: "q1", sid: "1", msgs: 0, cid: 6 });
    expect(z.subscriptions_list[0].qgroup).toBeUndefined();
  });

  it("pages the list and counts the total before paging", () => {
    const z = build({ subs: true, offset: 1, limit: 1 });
    expect(z).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(z.subscriptions_list.map((s: SubEntry) => s.subject)).toEqual(["bar"]);
    expect(build({ subs: true, offset: 5 }).subscriptions_list).toBeUndefined();
  });

  it("filters by a test subject, wildcards included", () => {
    const z = build({ subs: true, test: "foo.bar" });
    expect(z.total).toBe(2);
    expect(z.subscriptions_list.map((s: SubEntry) => s.subject)).toEqual(["foo.>", "foo.bar"]);
    expect(build({ subs: true, test: "nothing" })).toMatchObject({ total: 0 });
  });

  it("rejects a test subject a client could not publish to", () => {
    expect(() => build({ test: "foo.*" })).toThrow("invalid test subject, must be valid publish subject: foo.*");
    expect(() => build({ subs: true, test: "foo.>" })).toThrow("invalid test subject");
  });
});
