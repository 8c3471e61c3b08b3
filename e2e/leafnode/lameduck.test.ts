// Lame-duck mode of a hub and its spokes, as nats-server 2.12 does it (observed): the hub in lame
// duck mode sends its spokes no INFO about it, keeps its leaf connections and its leafnode
// listener through the grace period (a new spoke is still accepted), and closes the leaf
// connections when it shuts down. The spoke then reconnects to the next URL (one the hub
// advertised), not to the hub going away, and traffic goes on, each message once.

import type { NatsConnection } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { RawConnection, untilText } from "../lib/raw.js";
import { closedAfterAll, clusterURL, collect, waitFor, waitForMesh, waitInterest } from "../cluster/helpers.js";
import { json, type Json } from "../monitor/helpers.js";
import { leafPort, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function member(kind: ServerKind, name: string, seed: ServerProcess | null): Promise<ServerProcess> {
  const routes = seed !== null ? `, routes: ["${clusterURL(seed)}"]` : "";
  return startServer(kind, {
    name,
    config:
      `server_name: ${name}\nlame_duck_duration: "30s"\nlame_duck_grace_period: "2s"\n` +
      `cluster { name: LD, listen: "127.0.0.1:-1", pool_size: -1${routes} }\nleafnodes { listen: "127.0.0.1:-1" }\n`,
  });
}

/** The name of the hub the spoke is connected to ("" when none). */
async function hubOf(spoke: ServerProcess): Promise<string> {
  const leafs = (await json(spoke, "/leafz")).leafs as Json[];
  return leafs.length === 1 ? String(leafs[0].name) : "";
}

/** Publishes `from`..`to`-1 on each connection's subject. */
async function publishBoth(a: NatsConnection, subjectA: string, b: NatsConnection, subjectB: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    a.publish(subjectA, `${i}`);
    b.publish(subjectB, `${i}`);
  }
  await Promise.all([a.flush(), b.flush()]);
}

describe.each(["natsts", "reference"] as ServerKind[])("a natsts spoke on a cluster of two %s hubs", (kind) => {
  test("one hub goes lame duck: the spoke stays through the grace period, then moves to the other hub; every message once", async () => {
    const m1 = await member(kind, "M1", null);
    const m2 = await member(kind, "M2", m1);
    await waitForMesh([m1, m2]);
    const [p1, p2] = await Promise.all([leafPort(m1), leafPort(m2)]);
    // configured with M1 only: M2's URL comes from M1's INFO
    const spoke = await startSpoke("natsts", "S", [[`nats-leaf://127.0.0.1:${p1}`]], { http: true });
    await waitLeafConnects(spoke, 1);
    expect(await hubOf(spoke)).toBe("M1");

    // a client on M1 keeps it in its grace period (without clients a lame duck exits at once)
    const [c1, c2, cs] = await Promise.all([client(m1), client(m2), client(spoke)]);
    const atM2 = collect(c2, "ldm.m2");
    const atS = collect(cs, "ldm.s");
    await waitInterest(cs, [c2]);
    await waitInterest(c2, [cs]);
    await publishBoth(cs, "ldm.m2", c2, "ldm.s", 0, 10);
    await waitFor("10 messages each way", () => atM2.length >= 10 && atS.length >= 10);

    // a bare spoke on M1 sees everything M1 sends its spokes from now on
    const watcher = await RawConnection.connect(p1);
    await watcher.read(untilText(" \r\n"), 2000);
    await watcher.write('CONNECT {"server_id":"LDMWATCHER","name":"W"}\r\nPING\r\n');
    expect((await watcher.read(untilText("PONG\r\n"), 2000)).matched).toBe(true);

    m1.kill("SIGUSR2");
    await waitFor("M1 in lame duck mode", () => m1.stderr().includes("Entering lame duck mode"));
    // during the grace period the spoke stays on M1, and M1 still takes leaf connections
    const raw = await RawConnection.connect(p1);
    const info = await raw.read(untilText(" \r\n"), 2000);
    raw.close();
    expect(info.data.toString()).toMatch(/^INFO \{.*"server_name":"M1"/);
    expect(await hubOf(spoke)).toBe("M1");
    expect(c1.isClosed()).toBe(false);
    expect(watcher.closed).toBe(false);

    await m1.exited;
    // no lame-duck INFO to the spokes: their connections just close when the hub shuts down
    expect(await watcher.waitClosed(5000)).toBe(true);
    expect(watcher.received().toString()).not.toContain('"ldm"');
    await waitLeafConnects(spoke, 2, 15_000);
    expect(await hubOf(spoke)).toBe("M2");
    // the spoke went on to the URL M1 advertised, without dialing M1 again first
    expect(spoke.stderr()).not.toContain(`remote server "127.0.0.1:${p1}"`);
    expect(spoke.stderr()).toContain(`127.0.0.1:${p2} - lid:`);

    await waitInterest(cs, [c2]);
    await waitInterest(c2, [cs]);
    await publishBoth(cs, "ldm.m2", c2, "ldm.s", 10, 20);
    await waitFor("20 messages each way", () => atM2.length >= 20 && atS.length >= 20);
    await sleep(300);
    const all = Array.from({ length: 20 }, (_, i) => `${i}`);
    expect(atM2.map((m) => m.string())).toEqual(all);
    expect(atS.map((m) => m.string())).toEqual(all);
    await Promise.all([m2.stop(), spoke.stop()]);
  }, 60_000);
});
