// Cutting the link between two cluster members (A natsts or nats-server, B natsts): B's only route
// to A goes through a TCP proxy the test controls (two servers, so no gossip offers another path; A has no routes of its own).
// Cut (connections destroyed, new ones refused): both sides drop the route, B redials with
// backoff (connect_backoff), messages published meanwhile are not delivered later, and after the heal the route
// comes back with the interest changed during the cut. Frozen (connections stay open, nothing
// crosses): both sides notice by ping timeouts.

import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { TcpProxy } from "../lib/tcpproxy.js";
import { CLUSTER, clusterURL, collect, conn, waitFor, waitInterest } from "./helpers.js";

/** short route pings (the cluster block's own ping settings) */
const PINGS = 'ping_interval: "300ms", ping_max: 2';

let a: ServerProcess;
let b: ServerProcess;
let proxy: TcpProxy;
let open: NatsConnection[] = [];

async function client(p: ServerProcess): Promise<NatsConnection> {
  const nc = await conn(p);
  open.push(nc);
  return nc;
}

interface Routez {
  num_routes: number;
  routes: Array<{ remote_name: string; subscriptions_list?: string[] }>;
}

async function routez(p: ServerProcess, subs = false): Promise<Routez> {
  const res = await fetch(`http://127.0.0.1:${p.httpPort}/routez${subs ? "?subs=1" : ""}`);
  return (await res.json()) as Routez;
}

async function routeCount(p: ServerProcess): Promise<number> {
  return (await routez(p)).num_routes;
}

async function waitRoutes(n: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(what, async () => (await routeCount(a)) === n && (await routeCount(b)) === n, timeoutMs);
}

async function startPair(aKind: ServerKind): Promise<void> {
  // a nats-server A keeps one route connection per peer (pool_size -1), so that the proxy carries it all
  const pool = aKind === "reference" ? ", pool_size: -1" : "";
  a = await startServer(aKind, {
    name: "A",
    http: true,
    config: `server_name: A\ncluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", ${PINGS}${pool} }\n`,
  });
  const hp = /:\/\/([^:]+):(\d+)/.exec(clusterURL(a));
  if (hp === null) throw new Error(`A's cluster URL ${clusterURL(a)}`);
  proxy = await TcpProxy.start({ host: hp[1], port: Number(hp[2]) });
  b = await startServer("natsts", {
    name: "B",
    http: true,
    config: `server_name: B\ncluster { name: ${CLUSTER}, listen: "127.0.0.1:-1", ${PINGS}, routes: ["nats-route://${proxy.address}"], connect_backoff: true }\n`,
  });
  await waitRoutes(1, "the route between A and B");
}

afterEach(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  open = [];
  await proxy.close();
  await stopAll();
});

afterAll(stopAll);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(["natsts", "reference"] as ServerKind[])("a route from natsts to %s A through a proxy that is cut", (aKind) => {
  beforeEach(() => startPair(aKind));

  test("both sides drop the route, B redials with backoff, and after the heal messages flow exactly once", async () => {
    const [na, nb] = await Promise.all([client(a), client(b)]);
    const got = collect(na, "part.>");
    const oldSub = na.subscribe("old2.>");
    await waitInterest(nb, [na]);
    expect((await routez(b, true)).routes[0]?.subscriptions_list ?? []).toContain("old2.>");
    for (let i = 0; i < 10; i++) nb.publish("part.x", `before${i}`);
    await nb.flush();
    await waitFor("10 messages before the cut", () => got.length === 10);

    proxy.cut("refuse");
    await waitRoutes(0, "the route down on both sides", 5000);
    // interest changes while the link is down
    const fresh = collect(na, "fresh.>");
    oldSub.unsubscribe();
    await na.flush();
    const before = proxy.attempts;
    for (let i = 0; i < 10; i++) nb.publish("part.x", `during${i}`);
    await nb.flush();
    await sleep(6000);
    // redials at about 1 s, 2 s, 4 s after the route closed: backoff, not one a second
    const redials = proxy.attempts - before;
    expect(redials).toBeGreaterThanOrEqual(2);
    expect(redials).toBeLessThanOrEqual(4);

    proxy.heal();
    await waitRoutes(1, "the route back after the heal", 40_000);
    await waitInterest(nb, [na]);
    // B knows A's interest as it is now: fresh.> yes, old2.> no
    const seen = (await routez(b, true)).routes[0]?.subscriptions_list ?? [];
    expect(seen).toContain("fresh.>");
    expect(seen).toContain("part.>");
    expect(seen).not.toContain("old2.>");
    for (let i = 0; i < 10; i++) nb.publish("part.x", `after${i}`);
    nb.publish("fresh.y", "new interest");
    await nb.flush();
    await waitFor("10 messages after the heal", () => got.length >= 20 && fresh.length >= 1);
    await sleep(500);
    const bodies = got.map((m) => m.string());
    expect(bodies).toEqual([...Array.from({ length: 10 }, (_, i) => `before${i}`), ...Array.from({ length: 10 }, (_, i) => `after${i}`)]);
    expect(fresh.map((m) => m.string())).toEqual(["new interest"]);
  }, 90_000);

  test("a frozen link: both sides close the route by ping timeout, then it reconnects", async () => {
    const [na, nb] = await Promise.all([client(a), client(b)]);
    const got = collect(na, "frz.>");
    await waitInterest(nb, [na]);
    nb.publish("frz.a", "one");
    await nb.flush();
    await waitFor("the first message", () => got.length === 1);

    proxy.freeze();
    await waitRoutes(0, "the route down on both sides by ping timeout", 10_000);
    expect(a.stderr() + a.stdout()).toMatch(aKind === "natsts" ? /Route connection to B closed: Stale Connection/ : /Stale Connection/);
    expect(b.stderr() + b.stdout()).toMatch(/Route connection to A closed: Stale Connection/);
    nb.publish("frz.a", "lost");
    await nb.flush();

    proxy.heal();
    await waitRoutes(1, "the route back after the heal", 40_000);
    await waitInterest(nb, [na]);
    nb.publish("frz.a", "two");
    await nb.flush();
    await waitFor("the message after the heal", () => got.length >= 2);
    await sleep(500);
    expect(got.map((m) => m.string())).toEqual(["one", "two"]);
  }, 90_000);
});
