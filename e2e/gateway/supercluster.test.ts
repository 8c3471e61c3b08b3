// A supercluster of real natsts processes: three clusters of three servers joined by gateways,
// formed from configuration alone. Every server of B lists only A1's gateway URL, every server
// of C only A1's and B1's; A lists nothing. The rest comes from implicit gateways and gossip.
// Fan-out exactly once everywhere, queue groups across clusters (local cluster first),
// request/reply and no-responders across clusters, a member killed and restarted.

import type { NatsConnection } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import type { ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, conn, waitFor, waitInterest } from "../cluster/helpers.js";
import { gatewayPort, gatewayURL, startMember, waitOutbound, type MemberSpec } from "./helpers.js";

const CLUSTERS = ["A", "B", "C"] as const;
const servers = new Map<string, ServerProcess>();
const specs = new Map<string, MemberSpec>();
const { track } = closedAfterAll();

function srv(name: string): ServerProcess {
  const s = servers.get(name);
  if (s === undefined) throw new Error(`no server ${name}`);
  return s;
}

async function client(name: string): Promise<NatsConnection> {
  const nc = await conn(srv(name));
  track(nc);
  return nc;
}

async function startCluster(cluster: string, gateways: MemberSpec["gateways"]): Promise<void> {
  const seedSpec: MemberSpec = { name: `${cluster}1`, cluster, gateways, http: true };
  specs.set(seedSpec.name, seedSpec);
  const seed = await startMember(seedSpec);
  servers.set(seedSpec.name, seed);
  await Promise.all(
    [2, 3].map(async (i) => {
      const spec: MemberSpec = { name: `${cluster}${i}`, cluster, seed, gateways, http: true };
      specs.set(spec.name, spec);
      servers.set(spec.name, await startMember(spec));
    }),
  );
}

beforeAll(async () => {
  await startCluster("A", []);
  await startCluster("B", [{ name: "A", urls: [await gatewayURL(srv("A1"))] }]);
  await startCluster("C", [
    { name: "A", urls: [await gatewayURL(srv("A1"))] },
    { name: "B", urls: [await gatewayURL(srv("B1"))] },
  ]);
  await Promise.all(
    [...servers.values()].map((s) => {
      const own = s.name[0];
      return waitOutbound(s, CLUSTERS.filter((c) => c !== own));
    }),
  );
}, 60_000);

const names = () => [...servers.keys()].sort();

describe("supercluster of 3 x 3 natsts servers", () => {
  test("every server connects out to both other clusters (A learned of B and C from their connections and gossip)", async () => {
    // beforeAll waited for it; A's members were configured with no gateway at all
    expect(names()).toEqual(["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3"]);
  });

  test("messages published on several servers reach a subscriber on every server exactly once", async () => {
    const subs = await Promise.all(names().map((n) => client(n)));
    const got = subs.map((nc) => collect(nc, "sc.fan.>"));
    await Promise.all(subs.map((nc) => nc.flush()));
    const publishers = ["A2", "B3", "C1"];
    const pubs = publishers.map((n) => subs[names().indexOf(n)]);
    for (const p of pubs) await waitInterest(p, subs, 20_000);
    const perPub = 30;
    for (let i = 0; i < perPub; i++) {
      pubs.forEach((p, k) => p.publish(`sc.fan.${publishers[k]}`, `${publishers[k]}-${i}`));
    }
    await Promise.all(pubs.map((p) => p.flush()));
    const total = perPub * pubs.length;
    await waitFor(`${total} messages at every subscriber`, () => got.every((g) => g.length >= total), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const want = publishers.flatMap((p) => Array.from({ length: perPub }, (_, i) => `${p}-${i}`)).sort();
    got.forEach((g, i) => {
      expect({ server: names()[i], msgs: g.map((m) => m.string()).sort() }).toEqual({ server: names()[i], msgs: want });
    });
  });

  test("a queue group with members in B and C: local cluster first, else one remote cluster, each message once", async () => {
    const [b2, b3, c2, a1, b1, c1] = await Promise.all(["B2", "B3", "C2", "A1", "B1", "C1"].map((n) => client(n)));
    const inB = [collect(b2, "sc.work", "workers"), collect(b3, "sc.work", "workers")];
    const inC = [collect(c2, "sc.work", "workers")];
    await Promise.all([b2, b3, c2].map((nc) => nc.flush()));
    await waitInterest(a1, [b2, b3, c2], 20_000);
    await waitInterest(b1, [b2, b3, c2], 20_000);
    await waitInterest(c1, [b2, b3, c2], 20_000);
    const count = (list: ReturnType<typeof collect>[]): number => list.reduce((n, l) => n + l.length, 0);
    const bodies = (): string[] => [...inB, ...inC].flatMap((l) => l.map((m) => m.string())).sort();

    // from B: only B's members (local cluster preferred)
    for (let i = 0; i < 60; i++) b1.publish("sc.work", `b-${i}`);
    await b1.flush();
    await waitFor("60 queue messages in B", () => count(inB) >= 60);
    // from C: C's own member
    for (let i = 0; i < 60; i++) c1.publish("sc.work", `c-${i}`);
    await c1.flush();
    await waitFor("60 queue messages in C", () => count(inC) >= 60);
    await new Promise((r) => setTimeout(r, 300));
    expect(count(inB)).toBe(60);
    expect(count(inC)).toBe(60);
    expect(inB[0].length).toBeGreaterThan(0);
    expect(inB[1].length).toBeGreaterThan(0);

    // from A (no member): each message to exactly one member, in B or in C
    for (let i = 0; i < 100; i++) a1.publish("sc.work", `a-${i}`);
    await a1.flush();
    await waitFor("100 queue messages from A", () => count(inB) + count(inC) >= 220);
    await new Promise((r) => setTimeout(r, 500));
    expect(count(inB) + count(inC)).toBe(220);
    const want = [...["a", "b"].flatMap((p) => Array.from({ length: p === "a" ? 100 : 60 }, (_, i) => `${p}-${i}`)), ...Array.from({ length: 60 }, (_, i) => `c-${i}`)].sort();
    expect(bodies()).toEqual(want);
  });

  test("request/reply across clusters with the official client, and no responders", async () => {
    const [c3, a2, b2] = await Promise.all(["C3", "A2", "B2"].map((n) => client(n)));
    const replies: string[] = [];
    c3.subscribe("sc.svc.echo", { callback: (err, m) => {
      if (err !== null) throw err;
      replies.push(m.reply ?? "");
      m.respond(`echo:${m.string()}`);
    } });
    c3.subscribe("sc.svc.q", { queue: "svc", callback: (err, m) => {
      if (err !== null) throw err;
      m.respond(`q:${m.string()}`);
    } });
    await c3.flush();
    await waitInterest(a2, [c3], 20_000);
    await waitInterest(b2, [c3], 20_000);
    for (let i = 0; i < 10; i++) {
      expect((await a2.request("sc.svc.echo", `a${i}`, { timeout: 5000 })).string()).toBe(`echo:a${i}`);
      expect((await b2.request("sc.svc.q", `b${i}`, { timeout: 5000 })).string()).toBe(`q:b${i}`);
    }
    // the responder sees the requester's own inbox (the _GR_. mapping stays between the servers), as with nats-server
    expect(replies.length).toBe(10);
    for (const r of replies) expect(r).toMatch(/^_INBOX\./);
    await expect(a2.request("sc.svc.nobody", "x", { timeout: 5000 })).rejects.toThrow(/no responders/i);
  });

  test("a member killed and restarted: traffic keeps flowing through the others, the member rejoins", async () => {
    const victim = "A1";
    const spec = specs.get(victim);
    if (spec === undefined) throw new Error("no spec");
    const port = await gatewayPort(srv(victim));
    const [a2, b1, c2] = await Promise.all(["A2", "B1", "C2"].map((n) => client(n)));
    const atA2 = collect(a2, "sc.kill.>");
    const atC2 = collect(c2, "sc.kill.>");
    await Promise.all([a2.flush(), c2.flush()]);
    await waitInterest(b1, [a2, c2], 20_000);
    await srv(victim).stop(0);
    // B and C had A1's URL only in their configuration; they know A2 and A3 from A's INFO
    await waitFor("traffic from B to A and C without A1", async () => {
      b1.publish("sc.kill.probe", "p");
      await b1.flush();
      await new Promise((r) => setTimeout(r, 100));
      return atA2.length > 0 && atC2.length > 0;
    }, 20_000);
    atA2.length = 0;
    atC2.length = 0;
    for (let i = 0; i < 20; i++) b1.publish("sc.kill.x", `k${i}`);
    await b1.flush();
    await waitFor("20 messages at A2 and C2", () => atA2.filter((m) => m.subject === "sc.kill.x").length >= 20 && atC2.filter((m) => m.subject === "sc.kill.x").length >= 20);

    // the restarted member (same gateway address) routes to A2 and gets its gateways back
    const again = await startMember({ ...spec, seed: srv("A2"), gatewayPort: port });
    servers.set(victim, again);
    await waitOutbound(again, ["B", "C"]);
    const a1 = await client(victim);
    const atA1 = collect(a1, "sc.kill.>");
    await a1.flush();
    await waitInterest(b1, [a1, a2, c2], 20_000);
    atA2.length = 0;
    atC2.length = 0;
    for (let i = 0; i < 20; i++) b1.publish("sc.kill.y", `r${i}`);
    await b1.flush();
    await waitFor("20 messages at A1, A2 and C2", () => [atA1, atA2, atC2].every((l) => l.filter((m) => m.subject === "sc.kill.y").length >= 20));
    await new Promise((r) => setTimeout(r, 300));
    for (const l of [atA1, atA2, atC2]) expect(l.filter((m) => m.subject === "sc.kill.y").length).toBe(20);
  });
});
