// Client failover in a natsts cluster: an official client given only one member's URL learns the
// others from connect_urls; that member is killed; the client reconnects to another member, its
// subscriptions keep receiving messages published on a third member, and request/reply (it
// serves a subject and also makes requests) keeps working.

import { connect, type Msg, type Status } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import type { ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, conn, startMember, waitFor, waitForMesh, waitInterest } from "./helpers.js";

let s1: ServerProcess;
let s2: ServerProcess;
let s3: ServerProcess;
const { track } = closedAfterAll();

beforeAll(async () => {
  s1 = await startMember("S1", null);
  [s2, s3] = await Promise.all([startMember("S2", s1), startMember("S3", s1)]);
  await waitForMesh([s1, s2, s3]);
});

describe("client failover", () => {
  test("a client of a killed member reconnects to a member it learned from connect_urls and keeps its subscriptions", async () => {
    const nc = await connect({ servers: [s1.url], reconnect: true, reconnectTimeWait: 200, maxReconnectAttempts: -1, timeout: 3000 });
    track(nc);
    expect(nc.info?.server_name).toBe("S1");
    const statuses: Status[] = [];
    void (async () => {
      for await (const s of nc.status()) statuses.push(s);
    })();
    const got = collect(nc, "fo.>");
    nc.subscribe("svc.time", { callback: (_e, m: Msg) => { m.respond(`served:${m.string()}`); } });
    const third = await conn(s3);
    track(third);
    await waitInterest(third, [nc]);
    third.publish("fo.a", "before");
    await third.flush();
    await waitFor("the message before the kill", () => got.length === 1);

    s1.kill("SIGKILL");
    await s1.exited;
    await waitFor("a reconnect", () => statuses.some((s) => s.type === "reconnect"), 20_000);
    // given only S1's URL, the client found the others in connect_urls
    expect(["S2", "S3"]).toContain(nc.info?.server_name);
    expect([`127.0.0.1:${s2.port}`, `127.0.0.1:${s3.port}`]).toContain(nc.getServer());
    expect(nc.isClosed()).toBe(false);

    // the resubscribed interest reaches S3 (from S2 over a route, or locally)
    await waitInterest(third, [nc]);
    for (let i = 0; i < 10; i++) third.publish("fo.b", `after${i}`);
    await third.flush();
    await waitFor("10 messages after the failover", () => got.length >= 11);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.map((m) => m.string())).toEqual(["before", ...Array.from({ length: 10 }, (_, i) => `after${i}`)]);

    // request/reply both ways across the cluster
    const r1 = await third.request("svc.time", "x", { timeout: 3000 });
    expect(r1.string()).toBe("served:x");
    const other = await conn(s2);
    track(other);
    other.subscribe("svc.other", { callback: (_e, m: Msg) => { m.respond("from S2"); } });
    await waitInterest(nc, [other]);
    const r2 = await nc.request("svc.other", "", { timeout: 3000 });
    expect(r2.string()).toBe("from S2");
  }, 60_000);
});
