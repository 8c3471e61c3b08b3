// A natsts server joining a cluster of two reference nats-servers, with the references' route
// pooling off (pool_size -1) and at its default. Messages, queue groups and request/reply both ways.

import { beforeAll, describe, expect, test } from "vitest";
import type { ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, startMember, startReferenceMember, waitFor, waitForMesh, waitInterest } from "./helpers.js";

const { client } = closedAfterAll();

describe.each([
  { pooled: false, natstsSeed: false, label: "natsts joins, pool_size -1" },
  { pooled: true, natstsSeed: false, label: "natsts joins, default route pool" },
  { pooled: true, natstsSeed: true, label: "nats-servers join a natsts seed, default route pool" },
])("natsts in a cluster of reference nats-servers ($label)", ({ pooled, natstsSeed }) => {
  let ref1: ServerProcess;
  let ref2: ServerProcess;
  let ts: ServerProcess;

  beforeAll(async () => {
    if (natstsSeed) {
      // the references learn about each other from natsts's gossip
      ts = await startMember("T1", null);
      ref1 = await startReferenceMember("R1", ts, pooled);
      await waitForMesh([ts, ref1]);
      ref2 = await startReferenceMember("R2", ts, pooled);
    } else {
      ref1 = await startReferenceMember("R1", null, pooled);
      ref2 = await startReferenceMember("R2", ref1, pooled);
      await waitForMesh([ref1, ref2]);
      ts = await startMember("T1", ref1);
    }
    await waitForMesh([ref1, ref2, ts]);
  });

  test("messages flow both ways, exactly once", async () => {
    const [t, r1, r2] = await Promise.all([client(ts), client(ref1), client(ref2)]);
    const atT = collect(t, "mix.>");
    const atR1 = collect(r1, "mix.>");
    const atR2 = collect(r2, "mix.>");
    await waitInterest(t, [r1, r2]);
    await waitInterest(r1, [t]);
    await waitInterest(r2, [t]);
    for (let i = 0; i < 10; i++) t.publish("mix.from.t", `t${i}`);
    for (let i = 0; i < 10; i++) r1.publish("mix.from.r1", `r${i}`);
    for (let i = 0; i < 10; i++) r2.publish("mix.from.r2", `s${i}`);
    await Promise.all([t.flush(), r1.flush(), r2.flush()]);
    await waitFor("30 messages everywhere", () => atT.length >= 30 && atR1.length >= 30 && atR2.length >= 30);
    await new Promise((r) => setTimeout(r, 300));
    for (const got of [atT, atR1, atR2]) {
      const bySubject = (s: string): string[] => got.filter((m) => m.subject === s).map((m) => m.string());
      expect(got.length).toBe(30);
      expect(bySubject("mix.from.t")).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
      expect(bySubject("mix.from.r1")).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
      expect(bySubject("mix.from.r2")).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    }
  });

  test("queue groups spanning natsts and nats-server get each message once", async () => {
    const [t, r1, r2] = await Promise.all([client(ts), client(ref1), client(ref2)]);
    const qt = collect(t, "mixq", "g");
    const qr2 = collect(r2, "mixq", "g");
    await waitInterest(r1, [t, r2]);
    await waitInterest(t, [r2]);
    const n = 200;
    // from a server without a local member (nats-server picks a route), and from natsts with one
    for (let i = 0; i < n; i++) r1.publish("mixq", `a${i}`);
    await r1.flush();
    await waitFor("queue messages from R1", () => qt.length + qr2.length >= n);
    await new Promise((r) => setTimeout(r, 300));
    expect(qt.length + qr2.length).toBe(n);
    expect(new Set([...qt, ...qr2].map((m) => m.string())).size).toBe(n);
    const before = qt.length + qr2.length;
    const qtBefore = qt.length;
    for (let i = 0; i < 50; i++) t.publish("mixq", `b${i}`);
    await t.flush();
    await waitFor("queue messages from T1", () => qt.length + qr2.length >= before + 50);
    await new Promise((r) => setTimeout(r, 300));
    expect(qt.length + qr2.length).toBe(before + 50);
    expect(qt.length).toBe(qtBefore + 50);
    // natsts without a local member: one route gets each message
    const t2 = await client(ts);
    const qr1 = collect(r1, "mixq2", "h");
    const qr2b = collect(r2, "mixq2", "h");
    await waitInterest(t2, [r1, r2]);
    for (let i = 0; i < 100; i++) t2.publish("mixq2", String(i));
    await t2.flush();
    await waitFor("queue messages from natsts to references", () => qr1.length + qr2b.length >= 100);
    await new Promise((r) => setTimeout(r, 300));
    expect(qr1.length + qr2b.length).toBe(100);
    expect(qr1.length).toBeGreaterThan(0);
    expect(qr2b.length).toBeGreaterThan(0);
  });

  test("request/reply both ways", async () => {
    const [t, r1, r2] = await Promise.all([client(ts), client(ref1), client(ref2)]);
    t.subscribe("mix.svc.t", { callback: (err, m) => {
      if (err !== null) throw err;
      m.respond(`t:${m.string()}`);
    } });
    r2.subscribe("mix.svc.r", { callback: (err, m) => {
      if (err !== null) throw err;
      m.respond(`r:${m.string()}`);
    } });
    await waitInterest(r1, [t]);
    await waitInterest(t, [r2]);
    expect((await r1.request("mix.svc.t", "hello", { timeout: 3000 })).string()).toBe("t:hello");
    expect((await t.request("mix.svc.r", "hi", { timeout: 3000 })).string()).toBe("r:hi");
    expect((await r2.request("mix.svc.t", "x", { timeout: 3000 })).string()).toBe("t:x");
  });
});
