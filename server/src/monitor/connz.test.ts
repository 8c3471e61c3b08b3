import { describe, expect, it } from "vitest";
import {
  buildConnz,
  type ConnRecord,
  type ConnzOptions,
  decodeConnzQuery,
  SORT_OPTIONS,
  sortAndPage,
  type SortOption,
  validateSort,
} from "./connz.js";
import { QueryError } from "./query.js";

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0, 0);
const NOW = T0 + 3_600_000;

function conn(cid: number, over: Partial<ConnRecord> = {}): ConnRecord {
  return {
    cid,
    ip: "127.0.0.1",
    port: 50000 + cid,
    start: T0 + cid * 1000,
    lastActivity: T0 + cid * 1000,
    stop: null,
    reason: "",
    rtt: 0.5,
    pending: 0,
    inMsgs: 0,
    outMsgs: 0,
    inBytes: 0,
    outBytes: 0,
    subs: [],
    name: "",
    lang: "",
    version: "",
    authUser: "",
    ...over,
  };
}

function opts(over: Partial<ConnzOptions> = {}): ConnzOptions {
  return { sort: "cid", auth: false, subs: "none", offset: 0, limit: 0, cid: 0, state: "open", user: "", acc: "", ...over };
}

const sub = (subject: string, sid: string, msgs = 0, queue: string | null = null) => ({ subject, sid, msgs, queue });

// each connection ranks differently on each key
const OPEN: ConnRecord[] = [
  conn(1, { inMsgs: 5, outMsgs: 1, inBytes: 50, outBytes: 7, pending: 3, rtt: 2, lastActivity: NOW - 10_000, subs: [sub("a", "1")] }),
  conn(2, { inMsgs: 1, outMsgs: 9, inBytes: 10, outBytes: 90, pending: 0, rtt: 9, lastActivity: NOW - 500_000, subs: [] }),
  conn(3, { start: T0 - 5000, inMsgs: 3, outMsgs: 4, inBytes: 30, outBytes: 40, pending: 8, rtt: 1, lastActivity: NOW - 1000, subs: [sub("a", "1"), sub("b", "2"), sub("c", "3")] }),
];
const CLOSED: ConnRecord[] = [
  conn(4, { stop: NOW - 2000, reason: "Client Closed", subs: [sub("x.>", "1", 3, "q")] }),
  conn(5, { stop: NOW - 9000, reason: "Authentication Timeout" }),
];

const order = (sort: SortOption, conns = OPEN): number[] => sortAndPage(conns, sort, 0, 100, NOW).map((c) => c.cid);

describe("connz sorting", () => {
  it.each<[SortOption, number[]]>([
    ["cid", [1, 2, 3]],
    ["start", [3, 1, 2]],
    ["subs", [3, 1, 2]],
    ["pending", [3, 1, 2]],
    ["msgs_to", [2, 3, 1]],
    ["msgs_from", [1, 3, 2]],
    ["bytes_to", [2, 3, 1]],
    ["bytes_from", [1, 3, 2]],
    ["last", [3, 1, 2]],
    ["idle", [2, 1, 3]],
    ["uptime", [2, 1, 3]],
    ["rtt", [2, 1, 3]],
  ])("sort=%s", (sort, expected) => {
    expect(order(sort)).toEqual(expected);
  });

  it("sorts closed connections by stop (latest first) and by reason (alphabetically)", () => {
    expect(order("stop", CLOSED)).toEqual([4, 5]);
    expect(order("reason", CLOSED)).toEqual([5, 4]);
  });

  it("measures idle and uptime of closed connections up to their stop", () => {
    const a = conn(10, { start: NOW - 100_000, stop: NOW - 90_000, lastActivity: NOW - 95_000 });
    const b = conn(11, { start: NOW - 50_000, lastActivity: NOW - 40_000 });
    expect(order("uptime", [a, b])).toEqual([10, 11]);
    expect(order("idle", [a, b])).toEqual([11, 10]);
  });

  it("breaks ties by cid", () => {
    expect(order("subs", [conn(9), conn(7), conn(8)])).toEqual([7, 8, 9]);
  });

  it("knows every option nats-server has", () => {
    expect([...SORT_OPTIONS]).toEqual(["cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to", "bytes_from", "last", "idle", "uptime", "stop", "reason", "rtt"]);
  });

  it("rejects unknown options and stop/reason outside closed", () => {
    expect(() => validateSort("bogus", "open")).toThrow(new QueryError("invalid sorting option: bogus"));
    expect(() => validateSort("CID", "open")).toThrow("invalid sorting option: CID");
    expect(() => validateSort("stop", "open")).toThrow("sort by stop only valid on closed connections");
    expect(() => validateSort("reason", "any")).toThrow("sort by reason only valid on closed connections");
    expect(validateSort("stop", "closed")).toBe("stop");
  });
});

describe("connz paging and selection", () => {
  it("pages after sorting, with defaults", () => {
    const z = buildConnz("S", OPEN, CLOSED, opts({ sort: "subs", offset: 1, limit: 1 }), NOW);
    expect(z).toMatchObject({ num_connections: 1, total: 3, offset: 1, limit: 1 });
    expect(z.connections.map((c) => c.cid)).toEqual([1]);
    const d = buildConnz("S", OPEN, CLOSED, opts({ offset: -3, limit: 0 }), NOW);
    expect(d).toMatchObject({ num_connections: 3, total: 3, offset: 0, limit: 1024 });
  });

  it("answers an empty page past the end", () => {
    const z = buildConnz("S", OPEN, CLOSED, opts({ offset: 10 }), NOW);
    expect(z).toMatchObject({ num_connections: 0, total: 3, offset: 10, connections: [] });
  });

  it("selects by state", () => {
    expect(buildConnz("S", OPEN, CLOSED, opts({ state: "closed" }), NOW).connections.map((c) => c.cid)).toEqual([4, 5]);
    const any = buildConnz("S", OPEN, CLOSED, opts({ state: "any" }), NOW);
    expect(any.total).toBe(5);
    expect(any.connections.map((c) => c.cid)).toEqual([1, 2, 3, 4, 5]);
  });

  it("selects one cid within the state, with limit 1", () => {
    expect(buildConnz("S", OPEN, CLOSED, opts({ cid: 2, offset: 5 }), NOW)).toMatchObject({ num_connections: 1, total: 3, offset: 0, limit: 1 });
    expect(buildConnz("S", OPEN, CLOSED, opts({ cid: 4 }), NOW)).toMatchObject({ num_connections: 0, total: 3, limit: 1, connections: [] });
    expect(buildConnz("S", OPEN, CLOSED, opts({ cid: 4, state: "any" }), NOW).connections[0]?.cid).toBe(4);
  });

  it("filters by user and account", () => {
    const open = [conn(1, { authUser: "joe" }), conn(2, { authUser: "ann" })];
    expect(buildConnz("S", open, [], opts({ user: "joe" }), NOW).connections.map((c) => c.cid)).toEqual([1]);
    expect(buildConnz("S", open, [], opts({ acc: "$G" }), NOW).num_connections).toBe(2);
    expect(buildConnz("S", open, [], opts({ acc: "OTHER" }), NOW).num_connections).toBe(0);
  });
});

describe("connz connection info", () => {
  it("has nats-server's fields, order and formats for an open connection", () => {
    const c = conn(7, { start: NOW - 62_500, lastActivity: NOW - 1_200, rtt: 0.261, name: "svc", lang: "node", version: "3.0.0", inMsgs: 2, inBytes: 10, subs: [sub("foo.>", "1", 3)] });
    const z = buildConnz("SID", [c], [], opts({ subs: "list" }), NOW);
    expect(Object.keys(z)).toEqual(["server_id", "now", "num_connections", "total", "offset", "limit", "connections"]);
    expect(z.now).toBe("2026-01-01T01:00:00Z");
    expect(JSON.parse(JSON.stringify(z.connections[0]))).toEqual({
      cid: 7,
      kind: "Client",
      type: "nats",
      ip: "127.0.0.1",
      port: 50007,
      start: "2026-01-01T00:58:57.5Z",
      last_activity: "2026-01-01T00:59:58.8Z",
      rtt: "261µs",
      uptime: "1m2s",
      idle: "1s",
      pending_bytes: 0,
      in_msgs: 2,
      out_msgs: 0,
      in_bytes: 10,
      out_bytes: 0,
      subscriptions: 1,
      name: "svc",
      lang: "node",
      version: "3.0.0",
      subscriptions_list: ["foo.>"],
    });
    expect(Object.keys(JSON.parse(JSON.stringify(z.connections[0])))).toEqual([
      "cid", "kind", "type", "ip", "port", "start", "last_activity", "rtt", "uptime", "idle", "pending_bytes",
      "in_msgs", "out_msgs", "in_bytes", "out_bytes", "subscriptions", "name", "lang", "version", "subscriptions_list",
    ]);
  });

  it("shows stop and reason for a closed connection, with times measured to the stop", () => {
    const c = conn(4, { start: NOW - 70_000, lastActivity: NOW - 65_000, stop: NOW - 60_000, reason: "Client Closed", subs: [sub("x.>", "1", 3, "q")] });
    const info = buildConnz("S", [], [c], opts({ state: "closed", subs: "detail", auth: true }), NOW).connections[0];
    expect(info).toMatchObject({ stop: "2026-01-01T00:59:00Z", reason: "Client Closed", uptime: "10s", idle: "5s", subscriptions: 1 });
    expect(JSON.parse(JSON.stringify(info)).subscriptions_list_detail).toEqual([
      { account: "$G", account_tag: "$G", subject: "x.>", qgroup: "q", sid: "1", msgs: 3, cid: 4 },
    ]);
    expect(info?.name_tag).toBeUndefined();
  });

  it("shows detail without account for open connections, and auth fields on request", () => {
    const c = conn(1, { authUser: "joe", subs: [sub("a", "1", 2)] });
    const info = JSON.parse(JSON.stringify(buildConnz("S", [c], [], opts({ subs: "detail", auth: true }), NOW).connections[0]));
    expect(info.subscriptions_list_detail).toEqual([{ subject: "a", sid: "1", msgs: 2, cid: 1 }]);
    expect(info.authorized_user).toBe("joe");
    expect(info.name_tag).toBe("$G");
    expect(info.account).toBeUndefined();
    const plain = JSON.parse(JSON.stringify(buildConnz("S", [c], [], opts(), NOW).connections[0]));
    expect(plain.authorized_user).toBeUndefined();
    expect(plain.name_tag).toBeUndefined();
    expect(plain.subscriptions_list).toBeUndefined();
  });

  it("omits empty subscription lists", () => {
    const info = JSON.parse(JSON.stringify(buildConnz("S", [conn(1)], [], opts({ subs: "detail" }), NOW).connections[0]));
    expect(info.subscriptions_list_detail).toBeUndefined();
    expect(info.subscriptions).toBe(0);
  });
});

describe("decodeConnzQuery", () => {
  it("decodes all parameters", () => {
    const o = decodeConnzQuery(new URLSearchParams("sort=rtt&auth=t&subs=detail&offset=2&limit=3&cid=9&state=any&user=u&acc=$G"));
    expect(o).toEqual({ sort: "rtt", auth: true, subs: "detail", offset: 2, limit: 3, cid: 9, state: "any", user: "u", acc: "$G" });
  });
  it("defaults the sort to cid", () => {
    expect(decodeConnzQuery(new URLSearchParams("sort=")).sort).toBe("cid");
  });
});
