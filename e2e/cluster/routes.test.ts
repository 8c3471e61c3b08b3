// A natsts cluster of real processes: three servers formed from one seed by gossip. Fan-out,
// queue groups and request/reply across servers, connect_urls, a member restarted, garbage on a
// route port, a server with another cluster name.

import { beforeAll, describe, expect, test } from "vitest";
import { rawConnect, untilClosed, untilLine, untilText } from "../lib/raw.js";
import type { ServerProcess } from "../lib/procs.js";
import { closedAfterAll, clusterURL, collect, connectURLs, startMember, waitFor, waitForMesh, waitInterest } from "./helpers.js";

let s1: ServerProcess;
let s2: ServerProcess;
let s3: ServerProcess;
const { client } = closedAfterAll();
const td = new TextDecoder();

beforeAll(async () => {
  s1 = await startMember("S1", null);
  [s2, s3] = await Promise.all([startMember("S2", s1, ["-m", "-1"]), startMember("S3", s1)]);
  await waitForMesh([s1, s2, s3]);
});

describe("natsts cluster", () => {
  test("client INFO lists the other members in connect_urls", async () => {
    for (const s of [s1, s2, s3]) {
      const urls = await connectURLs(s);
      expect(urls[0]).toBe(`127.0.0.1:${s.port}`);
      expect([...urls].sort()).toEqual([s1, s2, s3].map((x) => `127.0.0.1:${x.port}`).sort());
    }
  });

  test("a message published on one server reaches subscribers on the others exactly once", async () => {
    const [p, a, b] = await Promise.all([client(s1), client(s2), client(s3)]);
    const got2 = collect(a, "fan.>");
    const got3 = collect(b, "fan.>");
    const local = collect(p, "fan.x");
    await waitInterest(p, [a, b]);
    for (let i = 0; i < 20; i++) p.publish("fan.x", `m${i}`);
    await p.flush();
    await waitFor("20 messages on S2 and S3", () => got2.length >= 20 && got3.length >= 20 && local.length >= 20);
    await new Promise((r) => setTimeout(r, 300));
    const want = Array.from({ length: 20 }, (_, i) => `m${i}`);
    expect(got2.map((m) => m.string())).toEqual(want);
    expect(got3.map((m) => m.string())).toEqual(want);
    expect(local.map((m) => m.string())).toEqual(want);
    // and the other way round, with headers
    const back = collect(p, "back");
    await waitInterest(b, [p]);
    const { headers } = await import("@nats-io/transport-node");
    const h = headers();
    h.set("X-Hop", "one");
    b.publish("back", "hi", { headers: h });
    await waitFor("the message on S1", () => back.length === 1);
    expect(back[0].string()).toBe("hi");
    expect(back[0].headers?.get("X-Hop")).toBe("one");
  });

  test("a queue group with members on two servers gets each message exactly once", async () => {
    const [p, a, b] = await Promise.all([client(s1), client(s2), client(s3)]);
    const q2 = collect(a, "work", "workers");
    const q3 = collect(b, "work", "workers");
    const q3b = collect(b, "work", "workers");
    const plain = collect(a, "work");
    await waitInterest(p, [a, b]);
    const n = 200;
    for (let i = 0; i < n; i++) p.publish("work", String(i));
    await p.flush();
    await waitFor("all queue messages", () => q2.length + q3.length + q3b.length >= n && plain.length >= n);
    await new Promise((r) => setTimeout(r, 300));
    const all = [...q2, ...q3, ...q3b].map((m) => Number(m.string())).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(q2.length).toBeGreaterThan(0);
    expect(q3.length + q3b.length).toBeGreaterThan(0);
    expect(plain.length).toBe(n);
    // a local member is preferred: published on S2, the group member on S2 gets them all
    const before = q2.length;
    for (let i = 0; i < 50; i++) a.publish("work", "local");
    await a.flush();
    await waitFor("local queue messages", () => q2.length >= before + 50);
    await new Promise((r) => setTimeout(r, 200));
    expect(q2.length).toBe(before + 50);
    expect(q3.length + q3b.length).toBe(n - (before));
  });

  test("request/reply across servers, and no responders when nobody listens", async () => {
    const [req, rep] = await Promise.all([client(s1), client(s3)]);
    rep.subscribe("svc.echo", { callback: (err, m) => {
      if (err !== null) throw err;
      m.respond(`echo:${m.string()}`);
    } });
    await waitInterest(req, [rep]);
    const r = await req.request("svc.echo", "ping", { timeout: 3000 });
    expect(td.decode(r.data)).toBe("echo:ping");
    await expect(req.request("svc.nobody", "x", { timeout: 3000 })).rejects.toThrow(/no responders/i);
  });

  test("/routez lists the routes and /varz counts them", async () => {
    const base = `http://127.0.0.1:${String(s2.httpPort)}`;
    const routez = (await (await fetch(`${base}/routez?subs=1`)).json()) as {
      num_routes: number;
      routes: Array<{ remote_name: string; did_solicit: boolean; is_configured: boolean; subscriptions: number; subscriptions_list?: string[] }>;
    };
    expect(routez.num_routes).toBe(2);
    const byName = new Map(routez.routes.map((r) => [r.remote_name, r]));
    expect(byName.get("S1")).toMatchObject({ did_solicit: true, is_configured: true });
    expect(byName.get("S3")).toMatchObject({ is_configured: false });
    for (const r of routez.routes) {
      expect(Object.keys(r)).toEqual([
        "rid", "remote_id", "remote_name", "did_solicit", "is_configured", "ip", "port", "start", "last_activity", "rtt",
        "uptime", "idle", "pending_size", "in_msgs", "out_msgs", "in_bytes", "out_bytes", "subscriptions",
        // left out when empty, as nats-server does
        ...(r.subscriptions > 0 ? ["subscriptions_list"] : []),
        "compression",
      ]);
    }
    const varz = (await (await fetch(`${base}/varz`)).json()) as { routes: number; cluster: Record<string, unknown> };
    expect(varz.routes).toBe(2);
    expect(varz.cluster).toMatchObject({ name: "C1", addr: "127.0.0.1", cluster_port: Number(new URL(clusterURL(s2)).port) });
  });

  test("garbage on a route port closes that connection only; the cluster keeps serving", async () => {
    const c = await rawConnect(Number(new URL(clusterURL(s2)).port));
    const info = (await c.read(untilLine)).data.toString("utf8");
    expect(info).toMatch(/^INFO \{.*"cluster":"C1"/);
    await c.write("GARBAGE FROM NOWHERE\r\n");
    const end = await c.read(untilClosed, 5000);
    expect(end.closed).toBe(true);
    const [p, a] = await Promise.all([client(s1), client(s2)]);
    const got = collect(a, "after.garbage");
    await waitInterest(p, [a]);
    p.publish("after.garbage", "still here");
    await waitFor("delivery after garbage", () => got.length === 1);
    await waitForMesh([s1, s2, s3]);
  });

  test.each([
    ["an oversized RMSG", "RMSG $G big.x 99999999999\r\n"],
    ["an RMSG whose payload is not terminated", "RMSG $G a.b 2\r\nhiXX\r\n"],
    ["a bad size", "RMSG $G a.b 1x\r\n"],
  ])("a registered peer sending %s is closed alone; the cluster keeps serving", async (_label, bad) => {
    const c = await rawConnect(Number(new URL(clusterURL(s2)).port));
    try {
      await c.read(untilLine);
      await c.write(`CONNECT {"echo":true,"verbose":false,"pedantic":false,"headers":true,"name":"NBADPEER","cluster":"C1"}\r\n`);
      await c.write(`INFO {"server_id":"NBADPEER","server_name":"BAD","host":"127.0.0.1","port":1,"cluster":"C1"}\r\nPING\r\n`);
      await c.read(untilText("PONG\r\n"), 5000);
      await c.write(bad);
      const end = await c.read(untilClosed, 5000);
      expect(end.closed).toBe(true);
      expect(end.data.toString("latin1")).toContain("-ERR");
    } finally {
      c.close();
    }
    const [p, a] = await Promise.all([client(s1), client(s2)]);
    const got = collect(a, "after.bad");
    await waitInterest(p, [a]);
    p.publish("after.bad", "still here");
    await waitFor("delivery after the bad peer", () => got.length === 1);
  });

  test("a server with another cluster name is refused", async () => {
    const rogue = await startMember("ROGUE", null, ["--cluster_name", "OTHER", "--routes", clusterURL(s1)]);
    await waitFor("the refusal in a log", () => /cluster name|Cluster Name Conflict/i.test(rogue.stderr() + rogue.stdout() + s1.stderr() + s1.stdout()));
    expect(await connectURLs(rogue)).toEqual([]);
    expect([...(await connectURLs(s1))].sort()).toEqual([s1, s2, s3].map((x) => `127.0.0.1:${x.port}`).sort());
    const [p, r] = await Promise.all([client(s1), client(rogue)]);
    const got = collect(r, "rogue.x");
    await r.flush();
    await new Promise((res) => setTimeout(res, 500));
    p.publish("rogue.x", "no");
    await p.flush();
    await new Promise((res) => setTimeout(res, 300));
    expect(got.length).toBe(0);
    await rogue.stop();
  });

  test("a member killed and restarted rejoins the mesh and messages flow", async () => {
    // a protocol-1 client on S2 is told about members leaving and joining (async INFO)
    const watcher = await rawConnect(s2.port);
    await watcher.read(untilLine);
    await watcher.write('CONNECT {"protocol":1,"verbose":false}\r\nPING\r\n');
    await watcher.read(untilText("PONG\r\n"));
    await watcher.read(untilLine);
    const urlsOf = (line: string): string[] => ((JSON.parse(line.slice(5)) as { connect_urls?: string[] }).connect_urls ?? []).sort();
    const oldS3 = `127.0.0.1:${s3.port}`;
    await s3.stop(0);
    await waitForMesh([s1, s2]);
    const left = urlsOf((await watcher.read(untilLine, 5000)).data.toString("utf8"));
    expect(left).not.toContain(oldS3);
    expect(left).toEqual([s1, s2].map((x) => `127.0.0.1:${x.port}`).sort());
    s3 = await startMember("S3", s1);
    await waitForMesh([s1, s2, s3]);
    await waitFor("an async INFO with the new member", async () => {
      const r = await watcher.read(untilLine, 1000);
      return r.matched && urlsOf(r.data.toString("utf8")).includes(`127.0.0.1:${s3.port}`);
    });
    watcher.close();
    const [p2, p3] = await Promise.all([client(s2), client(s3)]);
    const at3 = collect(p3, "again");
    const at2 = collect(p2, "again.back");
    await waitInterest(p2, [p3]);
    await waitInterest(p3, [p2]);
    p2.publish("again", "to new s3");
    p3.publish("again.back", "to s2");
    await waitFor("deliveries after the restart", () => at3.length === 1 && at2.length === 1);
    expect(at3[0].string()).toBe("to new s3");
    expect(at2[0].string()).toBe("to s2");
  });

  test("a member in lame-duck mode is no longer advertised to clients of the others", async () => {
    const extra = await startMember("S4", s1);
    await waitForMesh([s1, s2, s3, extra]);
    extra.kill("SIGUSR2");
    const want = [s1, s2, s3].map((x) => `127.0.0.1:${x.port}`).sort();
    await waitFor("S4 dropped from connect_urls", async () => JSON.stringify([...(await connectURLs(s2))].sort()) === JSON.stringify(want));
    expect(extra.isRunning()).toBe(true);
    await extra.stop(0);
  });

  test("the seed restarted on its cluster port is reconnected by the configured routes", async () => {
    const seedCluster = clusterURL(s1);
    const seedClient = s1.port;
    await s1.stop(0);
    await waitForMesh([s2, s3]);
    s1 = await startMember("S1", null, ["--cluster", seedCluster, "-p", String(seedClient)]);
    await waitForMesh([s1, s2, s3], 30_000);
    const [p, a] = await Promise.all([client(s1), client(s3)]);
    const got = collect(a, "seed.back");
    await waitInterest(p, [a]);
    p.publish("seed.back", "ok");
    await waitFor("delivery from the restarted seed", () => got.length === 1);
  }, 60_000);
});
