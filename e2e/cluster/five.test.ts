// A natsts cluster of five servers on distinct loopback addresses (127.0.0.2 ... 127.0.0.6), formed
// from one seed by gossip: a full mesh (every /routez lists the four others), client connect_urls
// with every member, every message to every interested subscriber exactly once (publishers on all
// members), each queue group served once per message cluster-wide, request/reply across members.

import type { Msg } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import { startServer, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, CLUSTER, clusterURL, collect, connectURLs, waitFor, waitInterest } from "./helpers.js";

const HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"];
let servers: ServerProcess[] = [];
const { client } = closedAfterAll();

function member(i: number, seed: ServerProcess | null): Promise<ServerProcess> {
  const host = HOSTS[i];
  const name = `F${i + 1}`;
  const args = ["-a", host, "--cluster", `nats://${host}:-1`, "--cluster_name", CLUSTER, "-n", name];
  if (seed !== null) args.push("--routes", clusterURL(seed));
  return startServer("natsts", { name, args, http: true });
}

interface Routez {
  server_name: string;
  num_routes: number;
  routes: Array<{ remote_name: string; ip: string; did_solicit: boolean }>;
}

async function routez(p: ServerProcess): Promise<Routez> {
  const base = p.ports.monitoring?.[0];
  if (base === undefined) throw new Error(`${p.name}: no monitoring URL`);
  return (await (await fetch(`${base}/routez`)).json()) as Routez;
}

function clientURL(p: ServerProcess): string {
  return p.url.replace("nats://", "");
}

beforeAll(async () => {
  const seed = await member(0, null);
  const rest = await Promise.all([1, 2, 3, 4].map((i) => member(i, seed)));
  servers = [seed, ...rest];
  await waitFor("a full mesh of five", async () => {
    for (const s of servers) if ((await routez(s)).num_routes !== 4) return false;
    return true;
  }, 30_000);
}, 60_000);

describe("a cluster of five on distinct loopback addresses", () => {
  test("each member listens on its own address and routes to the four others exactly once", async () => {
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i];
      expect(s.url).toBe(`nats://${HOSTS[i]}:${s.port}`);
      const rz = await routez(s);
      expect(rz.server_name).toBe(`F${i + 1}`);
      const names = rz.routes.map((r) => r.remote_name).sort();
      expect(names).toEqual(servers.filter((x) => x !== s).map((x) => x.name).sort());
      // a route this member dialed goes to the peer's own address
      for (const r of rz.routes) {
        if (!r.did_solicit) continue;
        const peer = servers.findIndex((x) => x.name === r.remote_name);
        expect(r.ip).toBe(HOSTS[peer]);
      }
    }
  });

  test("client INFO on every member lists all five client URLs, its own first", async () => {
    const all = servers.map(clientURL).sort();
    for (const s of servers) {
      const urls = await connectURLs(s);
      expect(urls[0]).toBe(clientURL(s));
      expect([...urls].sort()).toEqual(all);
    }
  });

  test("messages published on every member reach every subscriber exactly once", async () => {
    const pubs = await Promise.all(servers.map(client));
    // one subscriber per member, two on F3, a narrower one on F5
    const subConns = await Promise.all([...servers, servers[2]].map(client));
    const got = subConns.map((nc) => collect(nc, "five.>"));
    const narrow = collect(subConns[4], "five.3.*");
    for (const p of pubs) await waitInterest(p, subConns);
    const n = 50;
    for (let k = 0; k < pubs.length; k++) {
      for (let i = 0; i < n; i++) pubs[k].publish(`five.${k + 1}.${i}`, `${k + 1}:${i}`);
    }
    await Promise.all(pubs.map((p) => p.flush()));
    const total = n * pubs.length;
    await waitFor(`${total} messages on every subscriber`, () => got.every((g) => g.length >= total) && narrow.length >= n);
    await new Promise((r) => setTimeout(r, 500));
    for (const g of got) {
      expect(g).toHaveLength(total);
      expect(new Set(g.map((m) => m.string())).size).toBe(total);
      // per publisher, in publish order
      for (let k = 0; k < pubs.length; k++) {
        const mine = g.filter((m) => m.subject.startsWith(`five.${k + 1}.`)).map((m) => m.string());
        expect(mine).toEqual(Array.from({ length: n }, (_, i) => `${k + 1}:${i}`));
      }
    }
    expect(narrow.map((m) => m.string())).toEqual(Array.from({ length: n }, (_, i) => `3:${i}`));
  });

  test("each queue group gets each message once, wherever its members are", async () => {
    const [p1, p4] = await Promise.all([client(servers[0]), client(servers[3])]);
    const g1Conns = await Promise.all([servers[1], servers[3], servers[4], servers[4]].map(client));
    const g2Conns = await Promise.all([servers[2], servers[2]].map(client));
    const g1 = g1Conns.map((nc) => collect(nc, "work.*", "g1"));
    const g2 = g2Conns.map((nc) => collect(nc, "work.*", "g2"));
    const plainConn = await client(servers[1]);
    const plain = collect(plainConn, "work.*");
    for (const p of [p1, p4]) await waitInterest(p, [...g1Conns, ...g2Conns, plainConn]);
    const n = 200;
    for (let i = 0; i < n; i++) {
      p1.publish("work.a", `a${i}`);
      p4.publish("work.b", `b${i}`);
    }
    await Promise.all([p1.flush(), p4.flush()]);
    const count = (gs: Msg[][]): number => gs.reduce((s, g) => s + g.length, 0);
    await waitFor("every queue message", () => count(g1) >= 2 * n && count(g2) >= 2 * n && plain.length >= 2 * n);
    await new Promise((r) => setTimeout(r, 500));
    for (const gs of [g1, g2]) {
      const bodies = gs.flat().map((m) => m.string());
      expect(bodies).toHaveLength(2 * n);
      expect(new Set(bodies).size).toBe(2 * n);
    }
    expect(plain).toHaveLength(2 * n);
    // members on several servers all take a share of g1
    expect(g1.filter((g) => g.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  test("request/reply between members", async () => {
    const [requester, replier] = await Promise.all([client(servers[1]), client(servers[4])]);
    replier.subscribe("svc.echo", { callback: (_e, m) => { m.respond(`echo:${m.string()}`); } });
    await waitInterest(requester, [replier]);
    for (let i = 0; i < 20; i++) {
      const r = await requester.request("svc.echo", `q${i}`, { timeout: 3000 });
      expect(r.string()).toBe(`echo:q${i}`);
    }
  });
});
