// Interest propagation in leaf topologies, the same for natsts and the reference nats-server:
// a spoke with two hubs does not bridge their interest (a message still crosses when the spoke
// itself wants it), a chain hub <- spoke <- spoke carries interest to the top, and a spoke's
// cluster peer without a remote of its own is not served through its peer's remote (the hub's
// interest stays off the spoke's routes).

import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { startServer, type ServerKind } from "../lib/procs.js";
import { closedAfterAll, clusterURL, collect, waitFor, waitForMesh, waitInterest } from "../cluster/helpers.js";
import { leafPort, startHub, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Publishes `n` messages and lets them settle. */
async function publish(nc: NatsConnection, subject: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) nc.publish(subject, `${i}`);
  await nc.flush();
  await sleep(400);
}

describe.each(["reference", "natsts"] as ServerKind[])("leaf topologies, all %s", (kind) => {
  test("a spoke with two hubs: their interest is not bridged, a message the spoke wants still crosses", async () => {
    const [h1, h2] = await Promise.all([startHub(kind, "H1"), startHub(kind, "H2")]);
    const [p1, p2] = await Promise.all([leafPort(h1), leafPort(h2)]);
    const s = await startSpoke(kind, "S", [[`nats-leaf://127.0.0.1:${p1}`], [`nats-leaf://127.0.0.1:${p2}`]]);
    await waitLeafConnects(s, 2);
    const [c1, c2, cs] = await Promise.all([client(h1), client(h2), client(s)]);
    const atH2: Msg[] = collect(c2, "bridge.x");
    await waitInterest(cs, [c2]);
    await publish(c1, "bridge.x", 3);
    expect(atH2.length).toBe(0);
    // now the spoke wants it too: H1 sends it to the spoke, which passes it on to H2's interest
    const atS = collect(cs, "bridge.x");
    await waitInterest(c1, [cs]);
    await publish(c1, "bridge.x", 3);
    await waitFor("3 at the spoke and at H2", () => atS.length >= 3 && atH2.length >= 3);
    await sleep(300);
    expect(atS.length).toBe(3);
    expect(atH2.length).toBe(3);
    await Promise.all([h1.stop(), h2.stop(), s.stop()]);
  });

  test("a chain hub <- spoke <- spoke: the bottom's interest reaches the top, messages come down once", async () => {
    const top = await startHub(kind, "TOP");
    const mid = await startSpoke(kind, "MID", [[`nats-leaf://127.0.0.1:${await leafPort(top)}`]], { listen: true });
    const bottom = await startSpoke(kind, "BOTTOM", [[`nats-leaf://127.0.0.1:${await leafPort(mid)}`]]);
    await Promise.all([waitLeafConnects(mid, 1), waitLeafConnects(bottom, 1)]);
    const [ct, cb] = await Promise.all([client(top), client(bottom)]);
    const atBottom = collect(cb, "chain.x");
    const atTop = collect(ct, "chain.y");
    await waitInterest(ct, [cb]);
    await waitInterest(cb, [ct]);
    await publish(ct, "chain.x", 5);
    await publish(cb, "chain.y", 5);
    await waitFor("5 each way", () => atBottom.length >= 5 && atTop.length >= 5);
    await sleep(300);
    expect(atBottom.map((m) => m.string())).toEqual(["0", "1", "2", "3", "4"]);
    expect(atTop.map((m) => m.string())).toEqual(["0", "1", "2", "3", "4"]);
    await Promise.all([top.stop(), mid.stop(), bottom.stop()]);
  });

  test("a spoke's cluster peer without a remote of its own is not served through its peer", async () => {
    const hub = await startHub(kind, "HUBC");
    const port = await leafPort(hub);
    const s1 = await startServer(kind, {
      name: "S1",
      config: `server_name: S1\ncluster { name: SC, listen: "127.0.0.1:-1", pool_size: -1 }\nleafnodes { reconnect: "250ms", remotes: [ { url: "nats-leaf://127.0.0.1:${port}" } ] }\n`,
    });
    const s2 = await startServer(kind, {
      name: "S2",
      config: `server_name: S2\ncluster { name: SC, listen: "127.0.0.1:-1", pool_size: -1, routes: ["${clusterURL(s1)}"] }\n`,
    });
    await waitForMesh([s1, s2]);
    await waitLeafConnects(s1, 1);
    const [ch, c1, c2] = await Promise.all([client(hub), client(s1), client(s2)]);
    const atS2 = collect(c2, "peer.x");
    const atS1 = collect(c1, "peer.y");
    await waitInterest(c1, [c2]);
    await waitInterest(ch, [c1]);
    await publish(ch, "peer.x", 3);
    expect(atS2.length).toBe(0);
    // S1's own subscriber is served; the hub's interest is not announced to S1's route, so S2's
    // publications do not reach the hub through S1 either
    const atHub = collect(ch, "peer.z");
    await waitInterest(ch, [c1]);
    await waitInterest(c1, [ch]);
    await publish(ch, "peer.y", 3);
    await publish(c2, "peer.z", 3);
    await waitFor("3 at S1", () => atS1.length >= 3);
    expect(atS1.length).toBe(3);
    expect(atHub.length).toBe(0);
    await Promise.all([hub.stop(), s1.stop(), s2.stop()]);
  });
});
