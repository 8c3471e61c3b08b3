// A natsts cluster and a reference nats-server cluster joined by a gateway, in both directions of
// connecting: natsts configured to dial nats-server (which connects back implicitly), and
// nats-server configured to dial natsts. Pub/sub, queue groups and request/reply both ways.

import { beforeAll, describe, expect, test } from "vitest";
import { type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, waitFor, waitInterest } from "../cluster/helpers.js";
import { gatewayURL, startMember, waitOutbound } from "./helpers.js";

const { client } = closedAfterAll();

/** Two clusters of two servers; the `dialer` kind's cluster lists the other's first server. */
async function superclusterOf(dialer: ServerKind, tag: string): Promise<{ nat: ServerProcess[]; ref: ServerProcess[] }> {
  const listenerKind: ServerKind = dialer === "natsts" ? "reference" : "natsts";
  const lname = `${tag}${listenerKind === "natsts" ? "N" : "R"}`;
  const dname = `${tag}${dialer === "natsts" ? "N" : "R"}`;
  const l1 = await startMember({ kind: listenerKind, name: `${lname}1`, cluster: lname, http: true });
  const l2 = await startMember({ kind: listenerKind, name: `${lname}2`, cluster: lname, seed: l1, http: true });
  const gateways = [{ name: lname, urls: [await gatewayURL(l1)] }];
  const d1 = await startMember({ kind: dialer, name: `${dname}1`, cluster: dname, gateways, http: true });
  const d2 = await startMember({ kind: dialer, name: `${dname}2`, cluster: dname, seed: d1, gateways, http: true });
  await Promise.all([waitOutbound(d1, [lname]), waitOutbound(d2, [lname]), waitOutbound(l1, [dname]), waitOutbound(l2, [dname])]);
  return dialer === "natsts" ? { nat: [d1, d2], ref: [l1, l2] } : { nat: [l1, l2], ref: [d1, d2] };
}

describe.each([
  ["natsts dials nats-server", "natsts" as ServerKind, "X"],
  ["nats-server dials natsts", "reference" as ServerKind, "Y"],
])("mixed supercluster: %s", (_title, dialer, tag) => {
  let nat: ServerProcess[] = [];
  let ref: ServerProcess[] = [];

  beforeAll(async () => {
    ({ nat, ref } = await superclusterOf(dialer, tag));
  }, 40_000);

  test("pub/sub both ways, every message once at every subscriber", async () => {
    const all = [...nat, ...ref];
    const ncs = await Promise.all(all.map((p) => client(p)));
    const got = ncs.map((nc) => collect(nc, "mx.>"));
    await Promise.all(ncs.map((nc) => nc.flush()));
    const pubN = ncs[1];
    const pubR = ncs[3];
    await waitInterest(pubN, ncs, 20_000);
    await waitInterest(pubR, ncs, 20_000);
    for (let i = 0; i < 25; i++) {
      pubN.publish("mx.n", `n${i}`);
      pubR.publish("mx.r", `r${i}`);
    }
    await Promise.all([pubN.flush(), pubR.flush()]);
    await waitFor("50 messages everywhere", () => got.every((g) => g.length >= 50));
    await new Promise((r) => setTimeout(r, 400));
    const want = [...Array.from({ length: 25 }, (_, i) => `n${i}`), ...Array.from({ length: 25 }, (_, i) => `r${i}`)].sort();
    got.forEach((g, i) => expect({ at: all[i].name, msgs: g.map((m) => m.string()).sort() }).toEqual({ at: all[i].name, msgs: want }));
  });

  test("queue groups across the gateway: the local cluster first, a remote one when none here", async () => {
    const [n1, n2, r1, r2] = await Promise.all([...nat, ...ref].map((p) => client(p)));
    const onlyRef = collect(r2, "mx.q.ref", "g1");
    const onlyNat = collect(n2, "mx.q.nat", "g2");
    const bothN = collect(n1, "mx.q.both", "g3");
    const bothR = collect(r1, "mx.q.both", "g3");
    await Promise.all([r2.flush(), n2.flush(), n1.flush(), r1.flush()]);
    await waitInterest(n1, [r2, r1], 20_000);
    await waitInterest(r1, [n2, n1], 20_000);
    for (let i = 0; i < 40; i++) {
      n1.publish("mx.q.ref", `a${i}`);
      r1.publish("mx.q.nat", `b${i}`);
      n2.publish("mx.q.both", `c${i}`);
      r2.publish("mx.q.both", `d${i}`);
    }
    await Promise.all([n1.flush(), r1.flush(), n2.flush(), r2.flush()]);
    await waitFor("every queue message", () => onlyRef.length >= 40 && onlyNat.length >= 40 && bothN.length + bothR.length >= 80);
    await new Promise((r) => setTimeout(r, 400));
    expect(onlyRef.map((m) => m.string())).toEqual(Array.from({ length: 40 }, (_, i) => `a${i}`));
    expect(onlyNat.map((m) => m.string())).toEqual(Array.from({ length: 40 }, (_, i) => `b${i}`));
    // the local cluster's member takes all of its own cluster's messages
    expect(bothN.map((m) => m.string())).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
    expect(bothR.map((m) => m.string())).toEqual(Array.from({ length: 40 }, (_, i) => `d${i}`));
  });

  test("request/reply both ways, and no responders", async () => {
    const [n1, n2, r1, r2] = await Promise.all([...nat, ...ref].map((p) => client(p)));
    n2.subscribe("mx.svc.nat", { callback: (e, m) => {
      if (e !== null) throw e;
      m.respond(`nat:${m.string()}`);
    } });
    r2.subscribe("mx.svc.ref", { queue: "q", callback: (e, m) => {
      if (e !== null) throw e;
      m.respond(`ref:${m.string()}`);
    } });
    await Promise.all([n2.flush(), r2.flush()]);
    await waitInterest(r1, [n2], 20_000);
    await waitInterest(n1, [r2], 20_000);
    for (let i = 0; i < 10; i++) {
      expect((await r1.request("mx.svc.nat", `x${i}`, { timeout: 5000 })).string()).toBe(`nat:x${i}`);
      expect((await n1.request("mx.svc.ref", `y${i}`, { timeout: 5000 })).string()).toBe(`ref:y${i}`);
    }
    await expect(n1.request("mxnone.svc", "z", { timeout: 5000 })).rejects.toThrow(/no responders/i);
    await expect(r1.request("mxnone.svc", "z", { timeout: 5000 })).rejects.toThrow(/no responders/i);
  });
});

describe.each([
  ["nats-server relays, natsts learns", "reference" as ServerKind, "natsts" as ServerKind],
  ["natsts relays, nats-servers learn", "natsts" as ServerKind, "reference" as ServerKind],
])("gateway gossip between three clusters: %s", (_title, relay, member) => {
  test("two clusters that only know the third connect to each other and exchange messages", async () => {
    const tag = relay === "natsts" ? "GN" : "GR";
    const hub = await startMember({ kind: relay, name: `${tag}H1`, cluster: `${tag}H`, http: true });
    const toHub = [{ name: `${tag}H`, urls: [await gatewayURL(hub)] }];
    const first = await startMember({ kind: member, name: `${tag}P1`, cluster: `${tag}P`, gateways: toHub, http: true });
    const second = await startMember({ kind: "natsts", name: `${tag}Q1`, cluster: `${tag}Q`, gateways: toHub, http: true });
    await Promise.all([
      waitOutbound(first, [`${tag}H`, `${tag}Q`]),
      waitOutbound(second, [`${tag}H`, `${tag}P`]),
      waitOutbound(hub, [`${tag}P`, `${tag}Q`]),
    ]);
    const [p, q] = await Promise.all([client(first), client(second)]);
    const atQ = collect(q, "gos.p");
    const atP = collect(p, "gos.q");
    await Promise.all([q.flush(), p.flush()]);
    await waitInterest(p, [q], 20_000);
    await waitInterest(q, [p], 20_000);
    for (let i = 0; i < 10; i++) {
      p.publish("gos.p", `p${i}`);
      q.publish("gos.q", `q${i}`);
    }
    await Promise.all([p.flush(), q.flush()]);
    await waitFor("10 messages each way", () => atQ.length >= 10 && atP.length >= 10);
    expect(atQ.map((m) => m.string())).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    expect(atP.map((m) => m.string())).toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`));
  });
});
