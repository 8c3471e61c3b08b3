// natsts and the reference nats-server on either side of a leaf connection: a natsts spoke on a
// nats-server hub and a nats-server spoke on a natsts hub, both with user/password authorization.
// Pub/sub, queue groups and request/reply both ways, with the official client.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, credsAuthenticator, headers } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import { type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, waitFor, waitInterest } from "../cluster/helpers.js";
import { leafPort, startHub, startSpoke, waitLeafConnects } from "./helpers.js";
import { operatorSetup } from "./jwt.js";

const { client, track } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each([
  { hubKind: "reference", spokeKind: "natsts" },
  { hubKind: "natsts", spokeKind: "reference" },
] as Array<{ hubKind: ServerKind; spokeKind: ServerKind }>)("a $spokeKind spoke on a $hubKind hub (user/password)", ({ hubKind, spokeKind }) => {
  let hub: ServerProcess;
  let spoke: ServerProcess;

  beforeAll(async () => {
    hub = await startHub(hubKind, "HUB", { leafExtra: "authorization { users: [ { user: leaf, password: s3cret } ] }" });
    const port = await leafPort(hub);
    spoke = await startSpoke(spokeKind, "SPOKE", [[`nats-leaf://leaf:s3cret@127.0.0.1:${port}`]]);
    await waitLeafConnects(spoke, 1);
  });

  test("pub/sub both ways, exactly once", async () => {
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const atH = collect(h, "mx.>");
    const atS = collect(s, "mx.>");
    await waitInterest(h, [s]);
    await waitInterest(s, [h]);
    for (let i = 0; i < 20; i++) {
      h.publish("mx.hub", `h${i}`);
      s.publish("mx.spoke", `s${i}`, { headers: undefined });
    }
    await Promise.all([h.flush(), s.flush()]);
    await waitFor("40 messages on each side", () => atH.length >= 40 && atS.length >= 40);
    await sleep(300);
    for (const got of [atH, atS]) {
      expect(got.length).toBe(40);
      expect(got.filter((m) => m.subject === "mx.hub").map((m) => m.string())).toEqual(Array.from({ length: 20 }, (_, i) => `h${i}`));
      expect(got.filter((m) => m.subject === "mx.spoke").map((m) => m.string())).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    }
  });

  test("headers cross the leaf connection", async () => {
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const atS = collect(s, "hdr.test");
    await waitInterest(h, [s]);
    const hd = headers();
    hd.set("X-Leaf", "yes");
    h.publish("hdr.test", "body", { headers: hd });
    await h.flush();
    await waitFor("the message with headers", () => atS.length >= 1);
    expect(atS[0].headers?.get("X-Leaf")).toBe("yes");
    expect(atS[0].string()).toBe("body");
  });

  test("queue group with members on both sides: once per message, local members preferred", async () => {
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const qh = collect(h, "mq.*", "g");
    const qs = collect(s, "mq.*", "g");
    await waitInterest(h, [s]);
    await waitInterest(s, [h]);
    for (let i = 0; i < 30; i++) h.publish("mq.hub", `${i}`);
    for (let i = 0; i < 30; i++) s.publish("mq.spoke", `${i}`);
    await Promise.all([h.flush(), s.flush()]);
    await waitFor("60 queue messages", () => qh.length + qs.length >= 60);
    await sleep(300);
    expect(qh.map((m) => m.subject)).toEqual(Array(30).fill("mq.hub"));
    expect(qs.map((m) => m.subject)).toEqual(Array(30).fill("mq.spoke"));
  });

  test("queue group only across the leaf: every message reaches the remote members once", async () => {
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const q1 = collect(s, "rq.x", "g2");
    const q2 = collect(s, "rq.x", "g2");
    const r1 = collect(h, "rq.y", "g3");
    await waitInterest(h, [s]);
    await waitInterest(s, [h]);
    for (let i = 0; i < 20; i++) h.publish("rq.x", `${i}`);
    for (let i = 0; i < 20; i++) s.publish("rq.y", `${i}`);
    await Promise.all([h.flush(), s.flush()]);
    await waitFor("20 + 20 queue messages", () => q1.length + q2.length >= 20 && r1.length >= 20);
    await sleep(300);
    expect(q1.length + q2.length).toBe(20);
    expect(r1.length).toBe(20);
  });

  test("request/reply both ways with the official client", async () => {
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    h.subscribe("rr.hub", { callback: (_e, m) => { m.respond(`hub:${m.string()}`); } });
    s.subscribe("rr.spoke", { callback: (_e, m) => { m.respond(`spoke:${m.string()}`); } });
    await waitInterest(h, [s]);
    await waitInterest(s, [h]);
    for (let i = 0; i < 5; i++) {
      expect((await h.request("rr.spoke", `${i}`, { timeout: 3000 })).string()).toBe(`spoke:${i}`);
      expect((await s.request("rr.hub", `${i}`, { timeout: 3000 })).string()).toBe(`hub:${i}`);
    }
  });
});

describe.each(["natsts", "reference"] as ServerKind[])("a %s hub refusing bad credentials", (hubKind) => {
  test("a spoke with the wrong password is refused and keeps trying; the right one connects", async () => {
    const hub = await startHub(hubKind, "HUBAUTH", { leafExtra: "authorization { user: leaf, password: right }" });
    const port = await leafPort(hub);
    const bad = await startSpoke("natsts", "BAD", [[`nats-leaf://leaf:wrong@127.0.0.1:${port}`]]);
    // refused, and tried again
    await waitFor("two refusals in the spoke's log", () => (bad.stderr().match(/Authorization Violation/g) ?? []).length >= 2);
    const good = await startSpoke("natsts", "GOOD", [[`nats-leaf://leaf:right@127.0.0.1:${port}`]]);
    await waitLeafConnects(good, 1);
    const [h, g, b] = await Promise.all([client(hub), client(good), client(bad)]);
    const atGood = collect(g, "auth.check");
    const atBad = collect(b, "auth.check");
    await waitInterest(h, [g]);
    h.publish("auth.check", "x");
    await h.flush();
    await waitFor("the message at the good spoke", () => atGood.length === 1);
    await sleep(300);
    expect(atBad.length).toBe(0);
    await bad.stop();
    await good.stop();
    await hub.stop();
  });
});

describe.each(["natsts", "reference"] as ServerKind[])("a %s hub without leafnode authorization but with server users", (hubKind) => {
  test("spokes are authorized as clients are: without credentials refused, with a user's accepted", async () => {
    const hub = await startHub(hubKind, "HUBUSERS", { extra: "authorization { users: [ { user: a, password: b } ] }" });
    const port = await leafPort(hub);
    const anon = await startSpoke("natsts", "ANON", [[`nats-leaf://127.0.0.1:${port}`]]);
    const user = await startSpoke("natsts", "USER", [[`nats-leaf://a:b@127.0.0.1:${port}`]]);
    await waitFor("the anonymous spoke refused twice", () => (anon.stderr().match(/Authorization Violation/g) ?? []).length >= 2);
    await waitLeafConnects(user, 1);
    const h = await connect({ servers: hub.url, reconnect: false, user: "a", pass: "b" });
    track(h);
    const u = await client(user);
    const got = collect(u, "users.check");
    await waitInterest(h, [u]);
    h.publish("users.check", "x");
    await h.flush();
    await waitFor("the message at the authorized spoke", () => got.length === 1);
    expect(user.stderr()).not.toMatch(/Authorization Violation/);
    await Promise.all([hub.stop(), anon.stop(), user.stop()]);
  });
});

describe("a natsts spoke with a .creds file on an operator-mode nats-server hub", () => {
  test("the hub verifies the JWT and the signed nonce; messages and requests flow both ways", async () => {
    const setup = operatorSetup();
    const dir = mkdtempSync(join(tmpdir(), "natsts-leaf-creds-"));
    try {
      const credsPath = join(dir, "user.creds");
      writeFileSync(credsPath, setup.userCreds);
      const hub = await startHub("reference", "OPHUB", { extra: setup.serverConfig });
      const port = await leafPort(hub);
      const spoke = await startSpoke("natsts", "CREDSPOKE", [[`nats-leaf://127.0.0.1:${port}`]], { remoteExtra: `credentials: "${credsPath}"` });
      await waitLeafConnects(spoke, 1);
      const h = await connect({ servers: hub.url, reconnect: false, authenticator: credsAuthenticator(new TextEncoder().encode(setup.userCreds)) });
      track(h);
      const s = await client(spoke);
      const atS = collect(s, "creds.>");
      const atH = collect(h, "creds.>");
      s.subscribe("creds.svc", { callback: (_e, m) => { m.respond(`spoke:${m.string()}`); } });
      await waitInterest(h, [s]);
      await waitInterest(s, [h]);
      h.publish("creds.down", "1");
      s.publish("creds.up", "2");
      await Promise.all([h.flush(), s.flush()]);
      await waitFor("a message each way", () => atS.some((m) => m.subject === "creds.down") && atH.some((m) => m.subject === "creds.up"));
      expect((await h.request("creds.svc", "q", { timeout: 3000 })).string()).toBe("spoke:q");
      expect(hub.stderr()).not.toMatch(/authentication error/);
      // a user of an account the hub does not know is refused
      const strangerPath = join(dir, "stranger.creds");
      writeFileSync(strangerPath, operatorSetup().userCreds);
      const stranger = await startSpoke("natsts", "STRANGER", [[`nats-leaf://127.0.0.1:${port}`]], { remoteExtra: `credentials: "${strangerPath}"` });
      await waitFor("the stranger refused", () => /Authorization Violation/.test(stranger.stderr()));
      await Promise.all([hub.stop(), spoke.stop(), stranger.stop()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
