// Leaf nodes and clusters: a spoke on one member of a natsts cluster sees the whole cluster's
// interest (subscriptions learned over routes), the cluster sees the spoke's, and a remote whose
// first URL is dead connects over the next one.

import { beforeAll, describe, expect, test } from "vitest";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, clusterURL, collect, waitFor, waitForMesh, waitInterest } from "../cluster/helpers.js";
import { json } from "../monitor/helpers.js";
import { leafPort, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function member(name: string, seed: ServerProcess | null): Promise<ServerProcess> {
  const routes = seed !== null ? `, routes: ["${clusterURL(seed)}"]` : "";
  return startServer("natsts", {
    name,
    config: `server_name: ${name}\ncluster { name: LC, listen: "127.0.0.1:-1"${routes} }\nleafnodes { listen: "127.0.0.1:-1" }\n`,
  });
}

describe("a spoke on one member of a natsts cluster", () => {
  let m1: ServerProcess;
  let m2: ServerProcess;
  let spoke: ServerProcess;

  beforeAll(async () => {
    m1 = await member("M1", null);
    m2 = await member("M2", m1);
    await waitForMesh([m1, m2]);
    const port = await leafPort(m1);
    // the first URL is closed: the spoke goes on to the next one
    spoke = await startSpoke("natsts", "S", [["nats-leaf://127.0.0.1:1", `nats-leaf://127.0.0.1:${port}`]], { http: true });
    await waitLeafConnects(spoke, 1);
  });

  test("messages between the spoke and the member it is not connected to, both ways, once", async () => {
    const [c2, cs] = await Promise.all([client(m2), client(spoke)]);
    const at2 = collect(c2, "cl.>");
    const atS = collect(cs, "cl.>");
    await waitInterest(cs, [c2]);
    await waitInterest(c2, [cs]);
    for (let i = 0; i < 10; i++) {
      cs.publish("cl.spoke", `${i}`);
      c2.publish("cl.m2", `${i}`);
    }
    await Promise.all([cs.flush(), c2.flush()]);
    await waitFor("20 messages on each side", () => at2.length >= 20 && atS.length >= 20);
    await sleep(300);
    expect(at2.length).toBe(20);
    expect(atS.length).toBe(20);
    expect(at2.filter((m) => m.subject === "cl.spoke").map((m) => m.string())).toEqual(Array.from({ length: 10 }, (_, i) => `${i}`));
  });

  test("a queue group across the spoke and the far member: each message once", async () => {
    const [c1, c2, cs] = await Promise.all([client(m1), client(m2), client(spoke)]);
    const q2 = collect(c2, "clq.x", "g");
    const qs = collect(cs, "clq.x", "g");
    await waitInterest(c1, [c2, cs]);
    for (let i = 0; i < 40; i++) c1.publish("clq.x", `${i}`);
    await c1.flush();
    await waitFor("40 queue messages", () => q2.length + qs.length >= 40);
    await sleep(300);
    expect(q2.length + qs.length).toBe(40);
  });

  test("request/reply between the spoke and the far member", async () => {
    const [c2, cs] = await Promise.all([client(m2), client(spoke)]);
    c2.subscribe("clsvc.m2", { callback: (_e, m) => { m.respond(`m2:${m.string()}`); } });
    cs.subscribe("clsvc.s", { callback: (_e, m) => { m.respond(`s:${m.string()}`); } });
    await waitInterest(cs, [c2]);
    await waitInterest(c2, [cs]);
    expect((await cs.request("clsvc.m2", "a", { timeout: 3000 })).string()).toBe("m2:a");
    expect((await c2.request("clsvc.s", "b", { timeout: 3000 })).string()).toBe("s:b");
  });

  test("the far member's subscription going away reaches the spoke", async () => {
    const [c2, cs] = await Promise.all([client(m2), client(spoke)]);
    const sub = c2.subscribe("gone.soon", { callback: () => undefined });
    await waitInterest(cs, [c2]);
    const before = await leafzSubs(spoke);
    expect(before).toContain("gone.soon");
    sub.unsubscribe();
    await c2.flush();
    await waitFor("the LS- at the spoke", async () => !(await leafzSubs(spoke)).includes("gone.soon"));
  });
});

/** What the spoke's hub told it it is interested in (the spoke's /leafz). */
async function leafzSubs(p: ServerProcess): Promise<string[]> {
  const z = await json(p, "/leafz?subs=1");
  const leafs = z.leafs as Array<{ subscriptions_list?: string[] }>;
  return leafs.flatMap((l) => l.subscriptions_list ?? []);
}

describe.each([
  { hubKind: "reference", spokeKind: "natsts" },
  { hubKind: "natsts", spokeKind: "natsts" },
  { hubKind: "natsts", spokeKind: "reference" },
] as Array<{ hubKind: ServerKind; spokeKind: ServerKind }>)("a $spokeKind spoke on a cluster of $hubKind servers", ({ hubKind, spokeKind }) => {
  test("configured with one member's URL (with credentials), it fails over to another member the hub advertised", async () => {
    const r1 = await startServer(hubKind, {
      name: "R1",
      config: `server_name: R1\ncluster { name: RC, listen: "127.0.0.1:-1", pool_size: -1 }\nleafnodes { listen: "127.0.0.1:-1", authorization: { user: lf, password: pw } }\n`,
    });
    const r2 = await startServer(hubKind, {
      name: "R2",
      config: `server_name: R2\ncluster { name: RC, listen: "127.0.0.1:-1", pool_size: -1, routes: ["${clusterURL(r1)}"] }\nleafnodes { listen: "127.0.0.1:-1", authorization: { user: lf, password: pw } }\n`,
    });
    await waitForMesh([r1, r2]);
    const port1 = await leafPort(r1);
    // the cluster was formed before the spoke connected: R1's INFO already lists R2's leafnode URL
    // the advertised URLs carry no credentials: the configured URL's go with them
    const spoke = await startSpoke(spokeKind, "FS", [[`nats-leaf://lf:pw@127.0.0.1:${port1}`]]);
    await waitLeafConnects(spoke, 1);
    const cs = await client(spoke);
    const got = collect(cs, "failover.x");
    r1.kill("SIGKILL");
    await r1.exited;
    await waitLeafConnects(spoke, 2, 15_000);
    const c2 = await client(r2);
    await waitInterest(c2, [cs]);
    c2.publish("failover.x", "after");
    await c2.flush();
    await waitFor("the message over the new hub", () => got.length === 1);
    await Promise.all([r2.stop(), spoke.stop()]);
  });
});
