// HTTP monitoring end to end: a real natsts process driven by the official client, its endpoints
// checked for counts, paging, sorting, subscription detail, closed connections, metrics and errors;
// then the same scenario against the reference nats-server, comparing the fields each one emits.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerKind, type ServerProcess, startServer, stopAll } from "../lib/procs.js";
import { rawConnect, untilClosed } from "../lib/raw.js";
import { commonOrder, type Conn, conns, eventually, http, type Json, json, missing } from "./helpers.js";

interface Scenario {
  readonly server: ServerProcess;
  /** named "sub": foo.> and a queue subscription bar/q1 */
  readonly sub: NatsConnection;
  /** named "pub": published 3 messages of 5 bytes to foo.x, then another 2 of 3 bytes to bar */
  readonly pub: NatsConnection;
  /** named "gone": subscribed to gone.* and closed */
  readonly goneCid: number;
  readonly subCid: number;
  readonly pubCid: number;
}

async function cidOf(s: ServerProcess, name: string, state = "open"): Promise<number> {
  const z = await json(s, `/connz?state=${state}`);
  const c = conns(z).find((x) => x.name === name);
  if (c === undefined) throw new Error(`${s.name}: no ${state} connection named ${name}: ${JSON.stringify(z)}`);
  return c.cid as number;
}

/** The same client activity on either server. */
async function runScenario(kind: ServerKind): Promise<Scenario> {
  const server = await startServer(kind, { http: true, name: `${kind}-monitor` });
  const sub = await connect({ servers: server.url, name: "sub" });
  sub.subscribe("foo.>", { callback: () => undefined });
  sub.subscribe("bar", { queue: "q1", callback: () => undefined });
  await sub.flush();
  const pub = await connect({ servers: server.url, name: "pub" });
  for (let i = 0; i < 3; i++) pub.publish("foo.x", "hello");
  for (let i = 0; i < 2; i++) pub.publish("bar", "abc");
  await pub.flush();
  await sub.flush();
  const gone = await connect({ servers: server.url, name: "gone" });
  gone.subscribe("gone.*", { callback: () => undefined });
  await gone.flush();
  const goneCid = await cidOf(server, "gone");
  await gone.close();
  await eventually(async () => cidOf(server, "gone", "closed"));
  return { server, sub, pub, goneCid, subCid: await cidOf(server, "sub"), pubCid: await cidOf(server, "pub") };
}

async function endScenario(sc: Scenario | undefined): Promise<void> {
  if (sc === undefined) return;
  await sc.sub.close();
  await sc.pub.close();
}

describe("natsts monitoring", () => {
  let sc: Scenario;
  beforeAll(async () => {
    sc = await runScenario("natsts");
  });
  afterAll(async () => {
    await endScenario(sc);
    await stopAll();
  });

  it("varz reports versions, counts and identity", async () => {
    const v = await json(sc.server, "/varz");
    expect(v.version).toBe("2.12.15");
    expect(typeof v.natsts_version).toBe("string");
    expect(v).toMatchObject({
      port: sc.server.port,
      http_port: sc.server.httpPort,
      connections: 2,
      total_connections: 3,
      in_msgs: 5,
      in_bytes: 21,
      out_msgs: 5,
      out_bytes: 21,
      slow_consumers: 0,
      subscriptions: 2,
      jetstream: {},
      cluster: {},
    });
    expect(v.mem as number).toBeGreaterThan(1_000_000);
    expect(v.cores as number).toBeGreaterThanOrEqual(1);
    expect(typeof v.cpu).toBe("number");
    expect(v.uptime).toMatch(/^(\d+[ydhm])*\d+s$/);
    expect(v.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(v.now as string)).toBeGreaterThanOrEqual(Date.parse(v.start as string));
    expect(v.ping_interval).toBe(120_000_000_000);
  });

  it("connz lists open connections with their counters and subscriptions", async () => {
    const z = await json(sc.server, "/connz?subs=1");
    expect(z).toMatchObject({ num_connections: 2, total: 2, offset: 0, limit: 1024 });
    const byName = new Map(conns(z).map((c) => [c.name, c]));
    expect(byName.get("pub")).toMatchObject({ kind: "Client", type: "nats", ip: "127.0.0.1", in_msgs: 5, in_bytes: 21, out_msgs: 0, subscriptions: 0 });
    expect(byName.get("sub")).toMatchObject({ in_msgs: 0, out_msgs: 5, out_bytes: 21, subscriptions: 2, lang: "nats.js" });
    expect(new Set(byName.get("sub")?.subscriptions_list as string[])).toEqual(new Set(["foo.>", "bar"]));
    expect(byName.get("pub")?.subscriptions_list).toBeUndefined();
    for (const c of conns(z)) {
      expect(c.rtt).toMatch(/^(0s|[\d.]+(ns|µs|ms|s))$/);
      expect(c.idle).toMatch(/^\d+s$|m|h/);
      expect(c.stop).toBeUndefined();
    }
  });

  it("connz shows subscription detail", async () => {
    const z = await json(sc.server, `/connz?subs=detail&cid=${sc.subCid}`);
    expect(z).toMatchObject({ num_connections: 1, limit: 1 });
    const detail = conns(z)[0]?.subscriptions_list_detail as Json[];
    const foo = detail.find((d) => d.subject === "foo.>");
    const bar = detail.find((d) => d.subject === "bar");
    expect(foo).toMatchObject({ msgs: 3, cid: sc.subCid });
    expect(foo?.qgroup).toBeUndefined();
    expect(bar).toMatchObject({ qgroup: "q1", msgs: 2, cid: sc.subCid });
  });

  it("connz sorts and pages", async () => {
    const names = async (q: string): Promise<unknown[]> => conns(await json(sc.server, `/connz?${q}`)).map((c) => c.name);
    expect(await names("sort=msgs_from")).toEqual(["pub", "sub"]);
    expect(await names("sort=msgs_to")).toEqual(["sub", "pub"]);
    expect(await names("sort=subs")).toEqual(["sub", "pub"]);
    expect(await names("sort=bytes_from")).toEqual(["pub", "sub"]);
    expect(await names("sort=cid")).toEqual(sc.subCid < sc.pubCid ? ["sub", "pub"] : ["pub", "sub"]);
    expect(await names("sort=start")).toEqual(["sub", "pub"]);
    expect(await names("sort=uptime")).toEqual(["pub", "sub"]);
    // a message to nobody: activity for the publisher only
    await new Promise((r) => setTimeout(r, 30));
    sc.pub.publish("nobody.listens", "x");
    await sc.pub.flush();
    expect(await names("sort=last")).toEqual(["pub", "sub"]);
    expect(await names("sort=idle")).toEqual(["sub", "pub"]);
    const page = await json(sc.server, "/connz?sort=msgs_from&offset=1&limit=1");
    expect(page).toMatchObject({ num_connections: 1, total: 2, offset: 1, limit: 1 });
    expect(conns(page)[0]?.name).toBe("sub");
    const past = await json(sc.server, "/connz?offset=5");
    expect(past).toMatchObject({ num_connections: 0, total: 2, connections: [] });
  });

  it("connz keeps closed connections with their reason and subscriptions", async () => {
    const z = await json(sc.server, "/connz?state=closed&subs=1&sort=stop");
    const gone = conns(z).find((c) => c.cid === sc.goneCid);
    expect(gone).toMatchObject({ name: "gone", reason: "Client Closed", subscriptions: 1, subscriptions_list: ["gone.*"] });
    expect(Date.parse(gone?.stop as string)).toBeGreaterThanOrEqual(Date.parse(gone?.start as string));
    const any = await json(sc.server, "/connz?state=any");
    expect(any.total).toBe(3);
    expect(conns(await json(sc.server, `/connz?cid=${sc.goneCid}`))).toEqual([]);
    expect(conns(await json(sc.server, `/connz?cid=${sc.goneCid}&state=closed`))[0]?.name).toBe("gone");
    const reason = await json(sc.server, "/connz?state=closed&sort=reason");
    expect(reason.total).toBe(1);
  });

  it("connz rejects bad parameters with 400 and nats-server's text", async () => {
    const cases: Array<[string, string]> = [
      ["/connz?sort=stop", "sort by stop only valid on closed connections"],
      ["/connz?sort=reason&state=any", "sort by reason only valid on closed connections"],
      ["/connz?sort=bogus", "invalid sorting option: bogus"],
      ["/connz?auth=maybe", `Error decoding boolean for 'auth': strconv.ParseBool: parsing "maybe": invalid syntax`],
      ["/connz?subs=xx", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "xx": invalid syntax`],
      ["/connz?offset=abc", `Error decoding int for 'offset': strconv.Atoi: parsing "abc": invalid syntax`],
      ["/connz?cid=abc", `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "abc": invalid syntax`],
      ["/connz?state=xyz", "Error decoding state for xyz"],
      ["/subsz?test=foo.*", "invalid test subject, must be valid publish subject: foo.*"],
      ["/healthz?js-enabled-only=bad", `Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing "bad": invalid syntax`],
    ];
    for (const [path, text] of cases) {
      const r = await http(sc.server, path);
      expect(r.status, path).toBe(400);
      expect(r.text, path).toBe(text);
    }
  });

  it("subsz reports sublist stats and matches a test subject", async () => {
    const plain = await json(sc.server, "/subsz");
    expect(plain).toMatchObject({ num_subscriptions: 2, total: 0, offset: 0, limit: 1024 });
    expect(plain.subscriptions_list).toBeUndefined();
    expect(plain.num_inserts as number).toBeGreaterThanOrEqual(3);
    expect(plain.num_removes as number).toBeGreaterThanOrEqual(1);
    const all = await json(sc.server, "/subsz?subs=1");
    expect(all.total).toBe(2);
    const test = await json(sc.server, "/subscriptionsz?subs=1&test=foo.bar");
    expect(test.total).toBe(1);
    expect(test.subscriptions_list).toEqual([{ account: "$G", account_tag: "$G", subject: "foo.>", sid: expect.any(String) as string, msgs: 3, cid: sc.subCid }]);
    const paged = await json(sc.server, "/subsz?subs=1&offset=1&limit=1");
    expect(paged).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect((paged.subscriptions_list as Json[]).length).toBe(1);
  });

  it("routez and healthz answer", async () => {
    expect(await json(sc.server, "/routez")).toMatchObject({ num_routes: 0, routes: [] });
    const h = await http(sc.server, "/healthz");
    expect(h.status).toBe(200);
    expect(h.text).toBe('{"status":"ok"}');
    expect((await http(sc.server, "/healthz?js-enabled-only=true")).text).toBe('{"status":"ok"}');
  });

  it("unknown paths are 404 with Go's text", async () => {
    for (const p of ["/nope", "/varz/", "/VARZ", "/connz/x"]) {
      const r = await http(sc.server, p);
      expect(r.status, p).toBe(404);
      expect(r.text, p).toBe("404 page not found\n");
    }
  });

  it("the index links the endpoints", async () => {
    const r = await http(sc.server, "/");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
    for (const ep of ["varz", "connz", "subsz", "routez", "healthz", "metrics"]) expect(r.text).toContain(`./${ep}`);
  });

  it("metrics expose the counters and protocol parse errors by kind", async () => {
    const metric = (text: string, name: string): number => {
      const m = new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text);
      if (m === null) throw new Error(`metric ${name} missing from:\n${text}`);
      return Number(m[1]);
    };
    const v = await json(sc.server, "/varz");
    const before = await http(sc.server, "/metrics");
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metric(before.text, "natsts_connections")).toBe(2);
    expect(metric(before.text, "natsts_connections_total")).toBe(3);
    expect(metric(before.text, "natsts_in_msgs_total")).toBe(v.in_msgs);
    expect(metric(before.text, "natsts_in_msgs_total")).toBeGreaterThanOrEqual(5);
    expect(metric(before.text, "natsts_in_bytes_total")).toBe(v.in_bytes);
    expect(metric(before.text, "natsts_out_msgs_total")).toBe(5);
    expect(metric(before.text, "natsts_out_bytes_total")).toBe(21);
    expect(metric(before.text, "natsts_subscriptions")).toBe(2);
    expect(metric(before.text, "natsts_slow_consumers_total")).toBe(0);
    expect(metric(before.text, "natsts_stale_connections_total")).toBe(0);
    const unknownBefore = metric(before.text, 'natsts_protocol_parse_errors_total{kind="unknown-op"}');

    const raw = await rawConnect(sc.server.port);
    await raw.write("CONNECT {}\r\nBOGUS\r\n");
    const r = await raw.read(untilClosed, 5000);
    expect(r.closed).toBe(true);
    expect(r.data.toString("latin1")).toContain("-ERR 'Unknown Protocol Operation'");

    const after = await eventually(async () => {
      const t = (await http(sc.server, "/metrics")).text;
      expect(metric(t, 'natsts_protocol_parse_errors_total{kind="unknown-op"}')).toBe(unknownBefore + 1);
      return t;
    });
    expect(metric(after, "natsts_connections_total")).toBe(4);
    const closed = await json(sc.server, "/connz?state=closed&sort=stop&limit=1");
    expect(conns(closed)[0]?.reason).toBe("Parse Error");
  });

  it("varz counts requests per endpoint", async () => {
    const stats = async (): Promise<Record<string, number>> => (await json(sc.server, "/varz")).http_req_stats as Record<string, number>;
    const before = await stats();
    await http(sc.server, "/connz");
    await http(sc.server, "/subscriptionsz");
    await http(sc.server, "/nope");
    const after = await stats();
    expect(after["/connz"]).toBe((before["/connz"] ?? 0) + 1);
    expect(after["/subsz"]).toBe((before["/subsz"] ?? 0) + 1);
    expect(after["/varz"]).toBe((before["/varz"] ?? 0) + 1);
    expect(after["/nope"]).toBeUndefined();
  });
});

describe("monitoring fields: natsts against the reference nats-server", () => {
  let ref: Scenario | undefined;
  let ours: Scenario | undefined;
  beforeAll(async () => {
    // both must start: a missing reference server fails here, loudly
    ref = await runScenario("reference");
    ours = await runScenario("natsts");
  });
  afterAll(async () => {
    await endScenario(ref);
    await endScenario(ours);
    await stopAll();
  });

  const both = (): [Scenario, Scenario] => {
    if (ref === undefined || ours === undefined) throw new Error("scenario did not start");
    return [ref, ours];
  };

  it.each([
    "/varz",
    "/connz",
    "/connz?subs=1&auth=1",
    "/connz?subs=detail",
    "/connz?state=closed&subs=detail",
    "/connz?state=any&auth=true",
    "/subsz",
    "/subsz?subs=1",
    "/subsz?subs=1&test=foo.bar",
    "/routez",
    "/routez?subs=1",
  ])("%s: natsts emits every top-level field nats-server emits, in the same order", async (path) => {
    const [r, o] = both();
    const rj = await json(r.server, path);
    const oj = await json(o.server, path);
    expect(missing(rj, oj), `${path}: fields nats-server has and natsts lacks`).toEqual([]);
    const order = commonOrder(rj, oj);
    expect(order.ours, path).toEqual(order.ref);
    for (const k of Object.keys(rj)) {
      expect(typeof oj[k], `${path} .${k}`).toBe(typeof rj[k]);
      expect(Array.isArray(oj[k]), `${path} .${k} array`).toBe(Array.isArray(rj[k]));
    }
  });

  it("varz nested objects have nats-server's fields", async () => {
    const [r, o] = both();
    const rv = await json(r.server, "/varz");
    const ov = await json(o.server, "/varz");
    for (const k of ["slow_consumer_stats", "stale_connection_stats", "disk_io_wait_stats", "cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream"]) {
      expect(missing(rv[k] as Json, ov[k] as Json), `varz.${k}`).toEqual([]);
    }
  });

  it.each([
    ["/connz?subs=1&auth=1", "open"],
    ["/connz?subs=detail&auth=1", "open"],
    ["/connz?state=closed&subs=1&auth=1", "closed"],
    ["/connz?state=closed&subs=detail", "closed"],
  ])("%s: every per-connection field nats-server emits, in order", async (path) => {
    const [r, o] = both();
    const rc = conns(await json(r.server, path));
    const oc = conns(await json(o.server, path));
    expect(oc.length, path).toBe(rc.length);
    const byName = (cs: Conn[], name: unknown): Conn => {
      const c = cs.find((x) => x.name === name);
      if (c === undefined) throw new Error(`${path}: no connection named ${String(name)}`);
      return c;
    };
    for (const refConn of rc) {
      const ourConn = byName(oc, refConn.name);
      expect(missing(refConn, ourConn), `${path} ${String(refConn.name)}`).toEqual([]);
      const order = commonOrder(refConn, ourConn);
      expect(order.ours, `${path} ${String(refConn.name)}`).toEqual(order.ref);
      const rd = refConn.subscriptions_list_detail as Json[] | undefined;
      const od = ourConn.subscriptions_list_detail as Json[] | undefined;
      if (rd !== undefined) {
        expect(od?.length).toBe(rd.length);
        for (const d of rd) {
          const mine = od?.find((x) => x.subject === d.subject);
          expect(mine, `${path} detail ${String(d.subject)}`).toBeDefined();
          expect(missing(d, mine as Json)).toEqual([]);
          expect(commonOrder(d, mine as Json).ours).toEqual(commonOrder(d, mine as Json).ref);
        }
      }
    }
  });

  it("subsz entries have nats-server's fields", async () => {
    const [r, o] = both();
    const rl = (await json(r.server, "/subsz?subs=1&test=foo.bar")).subscriptions_list as Json[];
    const ol = (await json(o.server, "/subsz?subs=1&test=foo.bar")).subscriptions_list as Json[];
    expect(ol.length).toBe(rl.length);
    for (let i = 0; i < rl.length; i++) {
      expect(missing(rl[i] as Json, ol[i] as Json)).toEqual([]);
      expect(Object.keys(ol[i] as Json)).toEqual(Object.keys(rl[i] as Json));
    }
  });

  it("healthz answers the same text", async () => {
    const [r, o] = both();
    expect((await http(o.server, "/healthz")).text).toBe((await http(r.server, "/healthz")).text);
  });

  it("errors and 404s answer the same status, text and content type", async () => {
    const [r, o] = both();
    for (const p of ["/nope", "/connz?sort=stop", "/connz?auth=maybe", "/connz?state=xyz", "/subsz?test=a.*", "/routez?subs=bad", "/healthz?stream=s", "/healthz?details=1&consumer=c"]) {
      const a = await http(r.server, p);
      const b = await http(o.server, p);
      expect(b.status, p).toBe(a.status);
      expect(b.text, p).toBe(a.text);
      expect(b.headers.get("content-type"), p).toBe(a.headers.get("content-type"));
    }
  });

  it("counts the same connections and traffic", async () => {
    const [r, o] = both();
    const pick = (v: Json): Json => ({
      connections: v.connections,
      total_connections: v.total_connections,
      in_msgs: v.in_msgs,
      in_bytes: v.in_bytes,
      out_msgs: v.out_msgs,
      out_bytes: v.out_bytes,
      slow_consumers: v.slow_consumers,
    });
    expect(pick(await json(o.server, "/varz"))).toEqual(pick(await json(r.server, "/varz")));
    const counters = (z: Json): unknown[] =>
      conns(z).map((c) => [c.name, c.in_msgs, c.out_msgs, c.in_bytes, c.out_bytes, c.subscriptions]).sort();
    expect(counters(await json(o.server, "/connz?state=any"))).toEqual(counters(await json(r.server, "/connz?state=any")));
  });
});
