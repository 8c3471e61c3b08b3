// /leafz, the leaf parts of /varz and the leaf node metrics: the same hub-and-spoke set up once
// with natsts and once with the reference nats-server, compared field by field.

import { beforeAll, describe, expect, test } from "vitest";
import { type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, conn, waitFor, waitInterest } from "../cluster/helpers.js";
import { http, json, type Json } from "../monitor/helpers.js";
import { leafPort, startHub, startSpoke, waitLeafConnects } from "./helpers.js";

const { track } = closedAfterAll();

interface Setup {
  hub: ServerProcess;
  spoke: ServerProcess;
}

/** A hub and a spoke of one kind, a subscriber on each side, and 3 messages each way. */
async function setUp(kind: ServerKind): Promise<Setup> {
  const hub = await startHub(kind, `HUB-${kind}`, { http: true, leafExtra: "authorization { timeout: 3 }" });
  const port = await leafPort(hub);
  const spoke = await startSpoke(kind, `SPOKE-${kind}`, [[`nats-leaf://127.0.0.1:${port}`]], { http: true, remoteExtra: 'account: "$G"' });
  await waitLeafConnects(spoke, 1);
  const [h, s] = await Promise.all([conn(hub), conn(spoke)]);
  track(h, s);
  const atH = collect(h, "mon.hub");
  const atS = collect(s, "mon.spoke");
  await waitInterest(h, [s]);
  await waitInterest(s, [h]);
  for (let i = 0; i < 3; i++) {
    h.publish("mon.spoke", "12345");
    s.publish("mon.hub", "1234567");
  }
  await Promise.all([h.flush(), s.flush()]);
  await waitFor("3 messages each way", () => atH.length === 3 && atS.length === 3);
  return { hub, spoke };
}

function leafOf(z: Json): Json {
  const leafs = z.leafs as Json[];
  expect(leafs.length).toBe(1);
  return leafs[0];
}

describe("leaf monitoring against the reference", () => {
  const setups = new Map<ServerKind, Setup>();

  beforeAll(async () => {
    const [ref, ts] = await Promise.all([setUp("reference"), setUp("natsts")]);
    setups.set("reference", ref);
    setups.set("natsts", ts);
  });

  test("/leafz has nats-server's fields and values on both sides", async () => {
    for (const side of ["hub", "spoke"] as const) {
      const ref = await json(setups.get("reference")![side], "/leafz?subs=1");
      const ours = await json(setups.get("natsts")![side], "/leafz?subs=1");
      expect(Object.keys(ours)).toEqual(Object.keys(ref));
      expect(ours.leafnodes).toBe(1);
      const r = leafOf(ref);
      const o = leafOf(ours);
      expect(Object.keys(o)).toEqual(Object.keys(r));
      for (const k of ["is_spoke", "account", "ip"]) expect(o[k], `${side} ${k}`).toEqual(r[k]);
      // natsts does not compress and offers no compression: nats-server shows that as "not supported"
      expect(o.compression, side).toBe("not supported");
      expect(o.name).toBe(side === "hub" ? "SPOKE-natsts" : "HUB-natsts");
      expect(o.is_spoke).toBe(side === "spoke");
      expect(o.rtt).toMatch(/^[0-9.]+(ns|µs|ms|s)$/);
      // what the other side subscribed to, its loop-detection subject included
      const subs = o.subscriptions_list as string[];
      expect(subs).toContain(side === "hub" ? "mon.spoke" : "mon.hub");
      expect(subs.some((s) => s.startsWith("$LDS."))).toBe(true);
      expect(o.subscriptions).toBe(subs.length);
      // 3 messages of 5 bytes out from the hub, 3 of 7 bytes out from the spoke (plus probes)
      expect(o.in_msgs as number).toBeGreaterThanOrEqual(3);
      expect(o.out_msgs as number).toBeGreaterThanOrEqual(3);
      expect(o.out_bytes as number).toBeGreaterThanOrEqual(side === "hub" ? 15 : 21);
      expect(o.in_bytes as number).toBeGreaterThanOrEqual(side === "hub" ? 21 : 15);
      const noSubs = leafOf(await json(setups.get("natsts")![side], "/leafz"));
      expect("subscriptions_list" in noSubs).toBe(false);
    }
  });

  test("/leafz query errors and the account filter as nats-server", async () => {
    for (const kind of ["reference", "natsts"] as const) {
      const { hub } = setups.get(kind)!;
      const bad = await http(hub, "/leafz?subs=x");
      expect(bad.status, kind).toBe(400);
      expect(bad.text).toContain(`Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax`);
      expect((await json(hub, "/leafz?acc=OTHER")).leafnodes, kind).toBe(0);
      expect((await json(hub, "/leafz?acc=$G")).leafnodes, kind).toBe(1);
    }
  });

  test("/varz leaf block and leafnodes count", async () => {
    for (const side of ["hub", "spoke"] as const) {
      const ref = await json(setups.get("reference")![side], "/varz");
      const ours = await json(setups.get("natsts")![side], "/varz");
      expect(ours.leafnodes).toBe(1);
      expect(ref.leafnodes).toBe(1);
      const rl = ref.leaf as Json;
      const ol = ours.leaf as Json;
      expect(Object.keys(ol)).toEqual(Object.keys(rl));
      if (side === "hub") {
        expect(ol.host).toBe(rl.host);
        expect(ol.auth_timeout).toBe(rl.auth_timeout);
        expect(ol.tls_timeout).toBe(rl.tls_timeout);
        expect(ol.port).toBe(await leafPort(setups.get("natsts")!.hub));
      } else {
        const rr = rl.remotes as Json[];
        const or = ol.remotes as Json[];
        expect(or.map((r) => Object.keys(r))).toEqual(rr.map((r) => Object.keys(r)));
        expect(or[0].local_account).toBe("$G");
        expect(or[0].urls).toEqual([`127.0.0.1:${await leafPort(setups.get("natsts")!.hub)}`]);
      }
    }
  });

  test("leaf node metrics", async () => {
    const { hub } = setups.get("natsts")!;
    const text = (await http(hub, "/metrics")).text;
    expect(text).toMatch(/^natsts_leafnode_connections 1$/m);
    expect(text).toMatch(/^natsts_leafnode_up\{remote="SPOKE-natsts",is_spoke="false"\} 1$/m);
    const value = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? "NaN");
    expect(value("natsts_leafnode_out_msgs_total")).toBeGreaterThanOrEqual(3);
    expect(value("natsts_leafnode_in_msgs_total")).toBeGreaterThanOrEqual(3);
    expect(value("natsts_leafnode_out_bytes_total")).toBeGreaterThanOrEqual(15);
    expect(value("natsts_leafnode_in_bytes_total")).toBeGreaterThanOrEqual(21);
  });
});
