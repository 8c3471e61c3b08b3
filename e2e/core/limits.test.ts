// Limits and misbehaving clients against a real natsts process: slow consumers, stale
// connections, auth timeout, max connections, max subscriptions. In every case only the
// offending connection is closed; a healthy client keeps working throughout.

import { connect, type NatsConnection } from "@nats-io/transport-node";
import { connect as netConnect, type Socket } from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import { RawConnection, untilClosed, untilText } from "../lib/raw.js";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";

afterAll(async () => {
  await stopAll();
});

const te = new TextEncoder();

/** A responder plus a requester: proves the server still serves well-behaved clients. */
async function healthy(srv: ServerProcess): Promise<{ check: () => Promise<void>; close: () => Promise<void> }> {
  const svc = await connect({ servers: srv.url });
  svc.subscribe("health", { callback: (_e, m) => { m.respond(m.data); } });
  await svc.flush();
  const cli = await connect({ servers: srv.url });
  return {
    check: async () => {
      const r = await cli.request("health", te.encode("ok"), { timeout: 3000 });
      expect(new TextDecoder().decode(r.data)).toBe("ok");
    },
    close: async () => {
      await Promise.all([svc.close(), cli.close()]);
    },
  };
}

function openPaused(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ port, host: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
}

describe("slow consumer", () => {
  test("a subscriber that never reads is closed; publisher and others keep going", async () => {
    const srv = await startServer("natsts", { config: "max_payload: 64KB\nmax_pending: 256KB\nwrite_deadline: \"2s\"\n", http: true });
    const h = await healthy(srv);
    // the slow one: subscribes, then stops reading from its socket
    const slow = await openPaused(srv.port);
    let closed = false;
    slow.on("close", () => (closed = true));
    slow.on("error", () => (closed = true));
    slow.write('CONNECT {"verbose":false,"pedantic":false}\r\nSUB flood 1\r\nPING\r\n');
    await new Promise((r) => setTimeout(r, 200));
    slow.pause();
    const fast = await connect({ servers: srv.url });
    let fastGot = 0;
    fast.subscribe("flood", { callback: () => { fastGot++; } });
    await fast.flush();
    const pub = await connect({ servers: srv.url });
    const payload = new Uint8Array(1024);
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      pub.publish("flood", payload);
      if (i % 1000 === 0) await pub.flush();
    }
    await pub.flush();
    await fast.flush();
    expect(fastGot).toBe(N);
    // the server has cut it: reading again finds the end of the stream
    slow.resume();
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
    const varz = (await (await fetch(`http://127.0.0.1:${srv.httpPort}/varz`)).json()) as { slow_consumers: number };
    expect(varz.slow_consumers).toBe(1);
    const connz = (await (await fetch(`http://127.0.0.1:${srv.httpPort}/connz?state=closed`)).json()) as {
      connections: Array<{ reason: string }>;
    };
    expect(connz.connections.map((c) => c.reason)).toEqual(["Slow Consumer (Pending Bytes)"]);
    await h.check();
    slow.destroy();
    await Promise.all([fast.close(), pub.close(), h.close()]);
  });
});

describe("liveness and auth timers", () => {
  test("a client that never answers PING is closed as stale", async () => {
    const srv = await startServer("natsts", { config: 'ping_interval: "150ms"\nping_max: 1\n' });
    const raw = await RawConnection.connect(srv.port);
    await raw.write('CONNECT {"verbose":false}\r\n');
    const r = await raw.read(untilClosed, 5000);
    const text = r.data.toString("latin1");
    expect(text).toMatch(/PING\r\n/);
    expect(text.endsWith("-ERR 'Stale Connection'\r\n")).toBe(true);
    expect(raw.closed).toBe(true);
    // a client that answers stays
    const nc: NatsConnection = await connect({ servers: srv.url });
    await new Promise((res) => setTimeout(res, 600));
    expect(nc.isClosed()).toBe(false);
    await nc.flush();
    await nc.close();
  });

  test("no CONNECT within the auth timeout closes with Authentication Timeout", async () => {
    const srv = await startServer("natsts", { config: "authorization { user: u, password: p, timeout: 0.5 }\n" });
    const raw = await RawConnection.connect(srv.port);
    const info = await raw.read(untilText("\r\n"), 2000);
    expect(info.data.toString()).toContain('"auth_required":true');
    const r = await raw.read(untilClosed, 3000);
    expect(r.data.toString()).toBe("-ERR 'Authentication Timeout'\r\n");
    const nc = await connect({ servers: srv.url, user: "u", pass: "p" });
    await nc.flush();
    await nc.close();
    await expect(connect({ servers: srv.url, user: "u", pass: "wrong", reconnect: false })).rejects.toThrow(/authorization/i);
  });
});

describe("connection and subscription limits", () => {
  test("max_connections refuses the extra connection only", async () => {
    const srv = await startServer("natsts", { config: "max_connections: 2\n" });
    const a = await connect({ servers: srv.url });
    const b = await connect({ servers: srv.url });
    await expect(connect({ servers: srv.url, reconnect: false })).rejects.toThrow(/maximum connections exceeded/i);
    await a.flush();
    await b.flush();
    await Promise.all([a.close(), b.close()]);
  });

  test("max_subscriptions: the SUB past the limit gets -ERR, the connection stays", async () => {
    const srv = await startServer("natsts", { config: "max_subscriptions: 3\n" });
    const raw = await RawConnection.connect(srv.port);
    await raw.read(untilText("\r\n"));
    await raw.write('CONNECT {"verbose":false}\r\nSUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\nPING\r\n');
    const r = await raw.read(untilText("PONG\r\n"));
    expect(r.data.toString()).toBe("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
    await raw.write("PUB c 2\r\nhi\r\nPING\r\n");
    const m = await raw.read(untilText("PONG\r\n"));
    expect(m.data.toString()).toBe("MSG c 3 2\r\nhi\r\nPONG\r\n");
    raw.close();
  });
});
