// A natsts hub with two natsts spokes: messages in every direction exactly once, queue groups
// spread over hub and spokes (each message once per group, the publisher's own server preferred),
// request/reply with the official client both ways, and a hub restart the spokes recover from.

import { beforeAll, describe, expect, test } from "vitest";
import type { ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, waitFor, waitInterest } from "../cluster/helpers.js";
import { leafConnects, leafPort, startHub, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("natsts hub with two natsts spokes", () => {
  let hub: ServerProcess;
  let a: ServerProcess;
  let b: ServerProcess;
  let hubLeafPort: number;

  beforeAll(async () => {
    hub = await startHub("natsts", "HUB");
    hubLeafPort = await leafPort(hub);
    const url = `nats-leaf://127.0.0.1:${hubLeafPort}`;
    [a, b] = await Promise.all([startSpoke("natsts", "A", [[url]]), startSpoke("natsts", "B", [[url]])]);
    await Promise.all([waitLeafConnects(a, 1), waitLeafConnects(b, 1)]);
  });

  test("pub/sub in every direction, each message exactly once", async () => {
    const [h, ca, cb] = await Promise.all([client(hub), client(a), client(b)]);
    const atH = collect(h, "all.>");
    const atA = collect(ca, "all.>");
    const atB = collect(cb, "all.>");
    await waitInterest(h, [ca, cb]);
    await waitInterest(ca, [h, cb]);
    await waitInterest(cb, [h, ca]);
    for (let i = 0; i < 20; i++) {
      h.publish("all.hub", `h${i}`);
      ca.publish("all.a", `a${i}`);
      cb.publish("all.b", `b${i}`);
    }
    await Promise.all([h.flush(), ca.flush(), cb.flush()]);
    await waitFor("60 messages at each server", () => atH.length >= 60 && atA.length >= 60 && atB.length >= 60);
    await sleep(300);
    for (const got of [atH, atA, atB]) {
      expect(got.length).toBe(60);
      for (const from of ["hub", "a", "b"]) {
        // in order, once each, from every server
        const seq = got.filter((m) => m.subject === `all.${from}`).map((m) => m.string());
        expect(seq).toEqual(Array.from({ length: 20 }, (_, i) => `${from === "hub" ? "h" : from}${i}`));
      }
    }
  });

  test("a wildcard and a literal subscription on one spoke: the spoke gets one copy, its clients one each", async () => {
    const [h, ca] = await Promise.all([client(hub), client(a)]);
    const wide = collect(ca, "dup.>");
    const narrow = collect(ca, "dup.x");
    await waitInterest(h, [ca]);
    for (let i = 0; i < 10; i++) h.publish("dup.x", `${i}`);
    await h.flush();
    await waitFor("10 + 10 messages", () => wide.length >= 10 && narrow.length >= 10);
    await sleep(300);
    expect(wide.length).toBe(10);
    expect(narrow.length).toBe(10);
  });

  test("queue groups over hub and spokes: once per group, the publisher's own members preferred", async () => {
    const [h, ca, cb] = await Promise.all([client(hub), client(a), client(b)]);
    const qh = collect(h, "work.*", "workers");
    const qa = collect(ca, "work.*", "workers");
    const qb = collect(cb, "work.*", "workers");
    const plainB = collect(cb, "work.*");
    await waitInterest(h, [ca, cb]);
    await waitInterest(ca, [h, cb]);
    await waitInterest(cb, [h, ca]);
    for (let i = 0; i < 30; i++) h.publish("work.h", `${i}`);
    for (let i = 0; i < 30; i++) ca.publish("work.a", `${i}`);
    await Promise.all([h.flush(), ca.flush()]);
    await waitFor("60 plain copies at B", () => plainB.length >= 60);
    await sleep(300);
    expect(plainB.length).toBe(60);
    // each message went to exactly one member, on the publisher's own server
    expect(qh.length + qa.length + qb.length).toBe(60);
    expect(qh.map((m) => m.subject)).toEqual(Array(30).fill("work.h"));
    expect(qa.map((m) => m.subject)).toEqual(Array(30).fill("work.a"));
    expect(qb.length).toBe(0);
  });

  test("queue members only on the spokes: the hub's messages are spread over them, once each", async () => {
    const [h, ca, cb] = await Promise.all([client(hub), client(a), client(b)]);
    const qa = collect(ca, "job.run", "runners");
    const qb = collect(cb, "job.run", "runners");
    await waitInterest(h, [ca, cb]);
    for (let i = 0; i < 100; i++) h.publish("job.run", `${i}`);
    await h.flush();
    await waitFor("100 jobs", () => qa.length + qb.length >= 100);
    await sleep(300);
    expect(qa.length + qb.length).toBe(100);
    expect(qa.length).toBeGreaterThan(0);
    expect(qb.length).toBeGreaterThan(0);
    const all = [...qa, ...qb].map((m) => Number(m.string())).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test("request/reply with the official client: hub to spoke, spoke to hub, spoke to spoke", async () => {
    const [h, ca, cb] = await Promise.all([client(hub), client(a), client(b)]);
    h.subscribe("svc.hub", { callback: (_e, m) => { m.respond(`hub:${m.string()}`); } });
    ca.subscribe("svc.a", { callback: (_e, m) => { m.respond(`a:${m.string()}`); } });
    await waitInterest(cb, [h, ca]);
    await waitInterest(h, [ca]);
    expect((await h.request("svc.a", "1", { timeout: 3000 })).string()).toBe("a:1");
    expect((await ca.request("svc.hub", "2", { timeout: 3000 })).string()).toBe("hub:2");
    expect((await cb.request("svc.a", "3", { timeout: 3000 })).string()).toBe("a:3");
    expect((await cb.request("svc.hub", "4", { timeout: 3000 })).string()).toBe("hub:4");
  });

  test("no responders anywhere: the requester gets the 503 status at once", async () => {
    const ca = await client(a);
    await expect(ca.request("nobody.home", "x", { timeout: 3000 })).rejects.toThrow(/no responders/i);
  });

  test("the hub is killed and restarted: the spokes reconnect and their clients' subscriptions work again", async () => {
    const [ca, cb] = await Promise.all([client(a), client(b)]);
    const atB = collect(cb, "after.restart");
    ca.subscribe("svc.after", { callback: (_e, m) => { m.respond("still here"); } });
    await Promise.all([ca.flush(), cb.flush()]);
    const connectsA = leafConnects(a);
    const connectsB = leafConnects(b);
    hub.kill("SIGKILL");
    await hub.exited;
    hub = await startHub("natsts", "HUB", { port: hubLeafPort });
    await Promise.all([waitLeafConnects(a, connectsA + 1), waitLeafConnects(b, connectsB + 1)]);
    const h = await client(hub);
    // the spokes told the new hub about their clients' subscriptions
    await waitFor("interest from both spokes at the new hub", async () => {
      try {
        const r = await h.request("svc.after", "", { timeout: 500 });
        return r.string() === "still here";
      } catch (err) {
        // no route to the responder yet: try again
        if (!/no responders|timeout/i.test((err as Error).message)) throw err;
        return false;
      }
    });
    await waitInterest(ca, [cb]);
    for (let i = 0; i < 5; i++) ca.publish("after.restart", `${i}`);
    await ca.flush();
    await waitFor("5 messages at B", () => atB.length >= 5);
    await sleep(200);
    expect(atB.map((m) => m.string())).toEqual(["0", "1", "2", "3", "4"]);
  });
});
