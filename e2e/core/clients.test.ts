// The official clients against a real natsts process: @nats-io/transport-node (v3) and the older
// `nats` 2.x package. Pub/sub, wildcards, queue groups, request/reply (muxed and old-style inboxes),
// no responders, headers, auto-unsubscribe, drain, echo, large payloads.

import { connect, headers, type NatsConnection, type Msg } from "@nats-io/transport-node";
import { connect as connectV2, StringCodec, headers as headersV2 } from "nats";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";

let srv: ServerProcess;
const te = new TextEncoder();
const td = new TextDecoder();

beforeAll(async () => {
  srv = await startServer("natsts", { config: "max_payload: 2MB\n" });
});
afterAll(async () => {
  await stopAll();
});

async function conn(opts: Record<string, unknown> = {}): Promise<NatsConnection> {
  return connect({ servers: srv.url, ...opts });
}

function collect(nc: NatsConnection, subject: string, opts: { queue?: string; max?: number } = {}): Msg[] {
  const out: Msg[] = [];
  nc.subscribe(subject, { ...opts, callback: (err, m) => {
    if (err !== null) throw err;
    out.push(m);
  } });
  return out;
}

describe("@nats-io/transport-node", () => {
  test("connects and reports server info", async () => {
    const nc = await conn();
    expect(nc.info?.version).toBe("2.12.15");
    expect(nc.info?.headers).toBe(true);
    expect(nc.info?.max_payload).toBe(2 * 1024 * 1024);
    const rtt = await nc.rtt();
    expect(rtt).toBeGreaterThanOrEqual(0);
    await nc.close();
  });

  test("pub/sub with literal and wildcard subjects", async () => {
    const sub = await conn();
    const lit = collect(sub, "orders.new");
    const star = collect(sub, "orders.*");
    const full = collect(sub, "orders.>");
    await sub.flush();
    const pub = await conn();
    pub.publish("orders.new", te.encode("a"));
    pub.publish("orders.old", te.encode("b"));
    pub.publish("orders.eu.new", te.encode("c"));
    pub.publish("other", te.encode("d"));
    await pub.flush();
    await sub.flush();
    expect(lit.map((m) => td.decode(m.data))).toEqual(["a"]);
    expect(star.map((m) => td.decode(m.data))).toEqual(["a", "b"]);
    expect(full.map((m) => td.decode(m.data))).toEqual(["a", "b", "c"]);
    await Promise.all([sub.close(), pub.close()]);
  });

  test("queue group: every message to exactly one member, spread over members", async () => {
    const members = await Promise.all([conn(), conn(), conn(), conn()]);
    const got = members.map((nc) => collect(nc, "work", { queue: "workers" }));
    const plain = await conn();
    const all = collect(plain, "work");
    await Promise.all([...members, plain].map((nc) => nc.flush()));
    const pub = await conn();
    const N = 400;
    for (let i = 0; i < N; i++) pub.publish("work", te.encode(String(i)));
    await pub.flush();
    await Promise.all([...members, plain].map((nc) => nc.flush()));
    const seen = got.flat().map((m) => Number(td.decode(m.data))).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    for (const g of got) expect(g.length).toBeGreaterThan(N / 10);
    expect(all.length).toBe(N);
    await Promise.all([...members, plain, pub].map((nc) => nc.close()));
  });

  test("request/reply with the muxed inbox and with old-style inboxes", async () => {
    const svc = await conn();
    svc.subscribe("echo", { callback: (_e, m) => { m.respond(te.encode(`re:${td.decode(m.data)}`)); } });
    await svc.flush();
    const cli = await conn();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => cli.request("echo", te.encode(String(i)), { timeout: 2000 })));
    expect(replies.map((m) => td.decode(m.data))).toEqual(Array.from({ length: 20 }, (_, i) => `re:${i}`));
    const old = await cli.request("echo", te.encode("x"), { timeout: 2000, noMux: true });
    expect(td.decode(old.data)).toBe("re:x");
    await Promise.all([svc.close(), cli.close()]);
  });

  test("no responders: a request nobody listens to fails fast with 503", async () => {
    const cli = await conn();
    const err = await cli.request("nobody.home", te.encode("?"), { timeout: 5000 }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).not.toBeNull();
    expect(String(err?.message) + String((err as { cause?: unknown })?.cause)).toMatch(/no responders|503/i);
    await cli.close();
  });

  test("headers round-trip; status and repeated keys preserved", async () => {
    const sub = await conn();
    const got = collect(sub, "h.test");
    await sub.flush();
    const pub = await conn();
    const h = headers();
    h.append("X-One", "1");
    h.append("X-Multi", "a");
    h.append("X-Multi", "b");
    pub.publish("h.test", te.encode("body"), { headers: h });
    await pub.flush();
    await sub.flush();
    expect(got).toHaveLength(1);
    expect(got[0].headers?.get("X-One")).toBe("1");
    expect(got[0].headers?.values("X-Multi")).toEqual(["a", "b"]);
    expect(td.decode(got[0].data)).toBe("body");
    await Promise.all([sub.close(), pub.close()]);
  });

  test("auto-unsubscribe after max messages", async () => {
    const sub = await conn();
    const got = collect(sub, "limited", { max: 3 });
    await sub.flush();
    const pub = await conn();
    for (let i = 0; i < 10; i++) pub.publish("limited");
    await pub.flush();
    await sub.flush();
    expect(got).toHaveLength(3);
    await Promise.all([sub.close(), pub.close()]);
  });

  test("echo off: a connection does not receive its own messages", async () => {
    const nc = await conn({ noEcho: true });
    const got = collect(nc, "self");
    await nc.flush();
    nc.publish("self");
    await nc.flush();
    const other = await conn();
    other.publish("self");
    await other.flush();
    await nc.flush();
    expect(got).toHaveLength(1);
    await Promise.all([nc.close(), other.close()]);
  });

  test("drain delivers what was in flight, then closes", async () => {
    const sub = await conn();
    let n = 0;
    sub.subscribe("drain.me", { callback: () => { n++; } });
    await sub.flush();
    const pub = await conn();
    for (let i = 0; i < 1000; i++) pub.publish("drain.me", te.encode("x"));
    await pub.flush();
    await sub.drain();
    expect(n).toBe(1000);
    expect(sub.isClosed()).toBe(true);
    await pub.close();
  });

  test("large payloads (1.5 MB) pass intact; over max_payload is refused", async () => {
    const sub = await conn();
    const got = collect(sub, "big");
    await sub.flush();
    const pub = await conn();
    const big = new Uint8Array(1_500_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    pub.publish("big", big);
    await pub.flush();
    await sub.flush();
    expect(got).toHaveLength(1);
    expect(Buffer.from(got[0].data).equals(Buffer.from(big))).toBe(true);
    expect(() => pub.publish("big", new Uint8Array(3 * 1024 * 1024))).toThrow(/max_payload|payload/i);
    await Promise.all([sub.close(), pub.close()]);
  });
});

describe("nats 2.x client", () => {
  test("pub/sub, headers and request/reply", async () => {
    const sc = StringCodec();
    const nc = await connectV2({ servers: srv.url });
    const got: string[] = [];
    nc.subscribe("v2.*", { callback: (_e, m) => got.push(`${m.subject}:${sc.decode(m.data)}:${m.headers?.get("k") ?? ""}`) });
    nc.subscribe("v2svc", { callback: (_e, m) => m.respond(sc.encode("pong")) });
    await nc.flush();
    const h = headersV2();
    h.set("k", "v");
    nc.publish("v2.a", sc.encode("1"), { headers: h });
    nc.publish("v2.b", sc.encode("2"));
    const r = await nc.request("v2svc", sc.encode("ping"), { timeout: 2000 });
    expect(sc.decode(r.data)).toBe("pong");
    await nc.flush();
    expect(got).toEqual(["v2.a:1:v", "v2.b:2:"]);
    await nc.close();
  });
});
