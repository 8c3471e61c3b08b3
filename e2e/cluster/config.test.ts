// Route configuration and the route INFO fields: /varz `cluster` and /routez as nats-server reports them for the
// same configuration, cluster advertise (the address gossiped to the other members), every field
// nats-server puts in a route INFO accepted, a nats-server that asks for route compression, and
// connect_retries for a route learned by gossip.

import { describe, expect, test } from "vitest";
import { rawConnect, untilLine, untilText } from "../lib/raw.js";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { TcpProxy } from "../lib/tcpproxy.js";
import { closedAfterAll, CLUSTER, clusterURL, collect, connectURLs, startMember, waitFor, waitInterest } from "./helpers.js";

const { client } = closedAfterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});
const proxies: TcpProxy[] = [];

async function monitor<T>(p: ServerProcess, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${p.httpPort}${path}`);
  return (await res.json()) as T;
}

function portOf(url: string): number {
  const m = /:(\d+)\/?$/.exec(url);
  if (m === null) throw new Error(`no port in ${url}`);
  return Number(m[1]);
}

interface Routez {
  num_routes: number;
  routes: Array<{ remote_name: string; did_solicit: boolean; port: number }>;
}

describe("/varz cluster", () => {
  const configs: Array<[string, string]> = [
    ["a listener and a route", `cluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", routes: ["nats-route://u:p@127.0.0.1:9"] }`],
    ["pool size, retries, backoff, advertise, authorization timeout",
      `cluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", pool_size: -1, connect_retries: 4, connect_backoff: true,\n` +
      `  advertise: "10.0.0.5:7222", no_advertise: true, authorization { user: a, password: b, timeout: 3 } }`],
  ];
  test.each(configs)("the same fields as nats-server for %s", async (_label, cluster) => {
    const config = `server_name: V\n${cluster}\n`;
    const [ours, ref] = await Promise.all((["natsts", "reference"] as ServerKind[]).map((kind) => startServer(kind, { name: `varz-${kind}`, config, http: true })));
    const [a, b] = await Promise.all([ours, ref].map((p) => monitor<{ cluster: Record<string, unknown> }>(p, "/varz")));
    const strip = (c: Record<string, unknown>): Record<string, unknown> => ({ ...c, cluster_port: typeof c.cluster_port });
    expect(Object.keys(a.cluster)).toEqual(Object.keys(b.cluster));
    expect(strip(a.cluster)).toEqual(strip(b.cluster));
    // every option here is understood: no "not supported" warning
    expect(ours.stderr() + ours.stdout()).not.toMatch(/not supported/);
    await Promise.all([ours.stop(), ref.stop()]);
  });
});

describe("cluster advertise", () => {
  test("members learn a new member at its advertised address (--cluster_advertise)", async () => {
    const b = await startMember("B", null, ["-m", "-1"]);
    const c = await startMember("C", b, ["-m", "-1"]);
    await waitFor("B and C routed", async () => (await monitor<Routez>(b, "/routez")).num_routes === 1);
    // A advertises a proxy in front of its route listener; A only routes to B, and B's gossip
    // sends A's advertised address to C
    // no target until A listens: C's dial (after B's gossip) waits for it
    const proxy = await TcpProxy.start(null);
    proxies.push(proxy);
    const a = await startMember("A", b, ["-m", "-1", "--cluster_advertise", proxy.address]);
    proxy.retarget({ host: "127.0.0.1", port: portOf(clusterURL(a)) });
    await waitFor("a full mesh of three", async () => {
      for (const s of [a, b, c]) if ((await monitor<Routez>(s, "/routez")).num_routes !== 2) return false;
      return true;
    }, 20_000);
    expect(proxy.attempts).toBeGreaterThanOrEqual(1);
    expect(proxy.connections).toBe(1);
    const cz = await monitor<Routez>(c, "/routez");
    const toA = cz.routes.find((r) => r.remote_name === "A");
    expect(toA?.did_solicit).toBe(true);
    expect(toA?.port).toBe(proxy.port);
    // and messages flow through it
    const [na, nc] = await Promise.all([client(a), client(c)]);
    const got = collect(na, "adv.>");
    await waitInterest(nc, [na]);
    nc.publish("adv.x", "through the advertised address");
    await waitFor("the message", () => got.length === 1);
    expect(got[0].string()).toBe("through the advertised address");
  }, 60_000);
});

describe("route INFO from nats-server", () => {
  test("every field nats-server sends in a route INFO is accepted", async () => {
    const srv = await startMember("I", null, ["-m", "-1"]);
    const r = await rawConnect(portOf(clusterURL(srv)));
    try {
      await r.read(untilLine);
      await r.write(`CONNECT {"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"NFULLINFO","cluster":"${CLUSTER}","lnoc":true}\r\n`);
      const info = {
        server_id: "NFULLINFO", server_name: "FULL", version: "2.12.15", proto: 3, go: "go1.24.4", host: "127.0.0.1", port: 1,
        headers: true, max_payload: 1048576, jetstream: true, domain: "", nonce: "FIZ3ntrFgJyHSG4", cluster: CLUSTER,
        connect_urls: ["127.0.0.1:2"], ws_connect_urls: ["127.0.0.1:3"], leafnode_urls: ["127.0.0.1:4"], gateway_url: "127.0.0.1:5",
        route_pool_size: 3, compression: "accept", lnoc: true, lnocu: true, gossip_mode: 0,
        import: { allow: [">"] }, export: { allow: [">"] },
      };
      await r.write(`INFO ${JSON.stringify(info)}\r\nRS+ $G full.x\r\nPING\r\n`);
      await r.read(untilText("PONG\r\n"), 5000);
      const rz = await monitor<Routez>(srv, "/routez");
      expect(rz.routes.map((x) => x.remote_name)).toEqual(["FULL"]);
      const nc = await client(srv);
      nc.publish("full.x", "hi");
      await nc.flush();
      await r.read(untilText("RMSG $G full.x 2\r\nhi\r\n"), 5000);
      expect(r.closed).toBe(false);
    } finally {
      r.close();
    }
  });

  test("a nats-server asking for route compression falls back to none with natsts", async () => {
    const seed = await startMember("Z1", null);
    const config = `server_name: ZR\ncluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", pool_size: -1, compression: s2_fast, routes: ["${clusterURL(seed)}"] }\n`;
    const ref = await startServer("reference", { name: "ZR", config });
    const [ns, nr] = await Promise.all([client(seed), client(ref)]);
    const got = collect(ns, "z.>");
    const back = collect(nr, "z.>");
    await waitInterest(nr, [ns]);
    await waitInterest(ns, [nr]);
    nr.publish("z.a", "to natsts");
    ns.publish("z.b", "to nats-server");
    await waitFor("both messages", () => got.length >= 2 && back.length >= 2);
    expect(got.map((m) => m.string()).sort()).toEqual(["to nats-server", "to natsts"]);
    expect(back.map((m) => m.string()).sort()).toEqual(["to nats-server", "to natsts"]);
  }, 30_000);
});

describe("/routez", () => {
  test("the same fields as nats-server's, for every subs option", async () => {
    const ours = await startMember("RZ1", null, ["-m", "-1"]);
    const ref = await startServer("reference", {
      name: "RZ2",
      http: true,
      config: `server_name: RZ2\ncluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", pool_size: -1, routes: ["${clusterURL(ours)}"] }\n`,
    });
    const [no, nr] = await Promise.all([client(ours), client(ref)]);
    no.subscribe("rz.>", { queue: "q1", callback: () => undefined });
    no.subscribe("rz.plain", { callback: () => undefined });
    nr.subscribe("rz.>", { queue: "q2", callback: () => undefined });
    nr.subscribe("rz.plain", { callback: () => undefined });
    await Promise.all([no.flush(), nr.flush()]);
    type Route = Record<string, unknown> & { subscriptions: number };
    const routeOf = async (p: ServerProcess, q: string): Promise<Route> => {
      const rz = await monitor<{ routes: Route[] }>(p, `/routez${q}`);
      return rz.routes[0];
    };
    await waitFor("both sides see two subscriptions", async () =>
      (await routeOf(ours, ""))?.subscriptions === 2 && (await routeOf(ref, ""))?.subscriptions === 2);
    for (const q of ["", "?subs=1", "?subs=detail"]) {
      const [a, b] = await Promise.all([routeOf(ours, q), routeOf(ref, q)]);
      expect(Object.keys(a), q).toEqual(Object.keys(b));
      if (q === "?subs=1") expect([...(a.subscriptions_list as string[])].sort()).toEqual(["rz.>", "rz.plain"]);
      if (q === "?subs=detail") {
        const detail = (x: Route): Array<Record<string, unknown>> =>
          [...(x.subscriptions_list_detail as Array<Record<string, unknown>>)].sort((m, n) => String(m.sid).localeCompare(String(n.sid)));
        const da = detail(a);
        const db = detail(b);
        expect(da.map((d) => Object.keys(d))).toEqual(db.map((d) => Object.keys(d)));
        expect(da.map((d) => d.sid)).toEqual(["$G rz.> q2", "$G rz.plain"]);
        expect(db.map((d) => d.sid)).toEqual(["$G rz.> q1", "$G rz.plain"]);
      }
    }
  }, 30_000);
});

describe("connect_retries", () => {
  test("a route learned by gossip is tried connect_retries + 1 times, then given up", async () => {
    // debug logs: a failure shows what each member learned and dialed
    const a = await startMember("CR1", null, ["-D"]);
    const b = await startMember("CR2", a, ["--connect_retries", "2", "-D"]);
    const logs = (): string => [a, b].map((s) => `\n--- ${s.name} (stderr tail) ---\n${s.stderr().slice(-4000)}`).join("");
    // both ends registered: CR1 gossips a new peer only to the routes it has when that peer arrives
    // (the others learn of it when it dials them, which this fake peer never does)
    await waitFor("CR1 and CR2 routed to each other", async () => (await connectURLs(a)).length === 2 && (await connectURLs(b)).length === 2);
    // a peer of CR1 whose route address (a refusing proxy) CR1 gossips to CR2
    const proxy = await TcpProxy.start({ host: "127.0.0.1", port: 9 });
    proxies.push(proxy);
    proxy.cut("refuse");
    const r = await rawConnect(portOf(clusterURL(a)));
    try {
      await r.read(untilLine);
      await r.write(`CONNECT {"echo":true,"verbose":false,"pedantic":false,"headers":true,"name":"NGHOST","cluster":"${CLUSTER}"}\r\n`);
      await r.write(`INFO {"server_id":"NGHOST","server_name":"GHOST","host":"127.0.0.1","port":${proxy.port},"cluster":"${CLUSTER}"}\r\nPING\r\n`);
      await r.read(untilText("PONG\r\n"), 5000);
      await waitFor("CR2 dialing the gossiped address", () => proxy.attempts >= 1).catch((err: unknown) => {
        throw new Error(`${err instanceof Error ? err.message : String(err)}${logs()}`);
      });
      // one attempt a second: three within about two seconds, none after
      await new Promise((res) => setTimeout(res, 6000));
      expect(proxy.attempts, logs()).toBe(3);
    } finally {
      r.close();
    }
  }, 30_000);
});
