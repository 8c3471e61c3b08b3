// Monitoring of a configured server, natsts and the reference side by side: base path, users,
// JetStream limits in varz, and slow consumers provoked through a small max_pending.
import { connect as netConnect, type Socket } from "node:net";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerKind, type ServerProcess, startServer, stopAll } from "../lib/procs.js";
import { conns, eventually, http, type Json, json, missing } from "./helpers.js";

// A base path, users, JetStream limits and a small max_pending, so slow consumers can be provoked.
const CONFIGURED = `
http_base_path: /mon
max_payload: 16KB
max_pending: 64KB
write_deadline: "2s"
authorization {
  users = [ {user: alice, password: pw}, {user: bob, password: pw2} ]
}
jetstream {
  max_memory_store: 1GB
  max_file_store: 10GB
}
`;

/** A subscriber that never reads: its socket is paused right after subscribing. */
async function stalledSubscriber(port: number, subject: string): Promise<Socket> {
  const sock = netConnect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", () => resolve());
    sock.once("error", reject);
  });
  sock.on("error", () => undefined); // the server will drop it: a reset is the expected end
  sock.write(`CONNECT {"verbose":false,"pedantic":false,"protocol":1,"user":"bob","pass":"pw2","name":"stalled"}\r\nSUB ${subject} 1\r\nPING\r\n`);
  await new Promise<void>((resolve) => {
    let seen = "";
    const onData = (d: Buffer): void => {
      seen += d.toString("latin1");
      if (seen.includes("PONG")) {
        sock.off("data", onData);
        sock.pause();
        resolve();
      }
    };
    sock.on("data", onData);
  });
  return sock;
}

describe("configured monitoring: base path, auth, JetStream, slow consumers (natsts and reference)", () => {
  const servers = new Map<ServerKind, ServerProcess>();
  const clients: NatsConnection[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    for (const kind of ["reference", "natsts"] as const) {
      const server = await startServer(kind, { http: true, jetstream: true, config: CONFIGURED, name: `${kind}-configured` });
      servers.set(kind, server);
      const nc = await connect({ servers: server.url, name: "alice-conn", user: "alice", pass: "pw" });
      nc.subscribe("a.b", { callback: () => undefined });
      await nc.flush();
      clients.push(nc);
    }
  });
  afterAll(async () => {
    for (const nc of clients) await nc.close();
    for (const s of sockets) s.destroy();
    await stopAll();
  });
  const get = (kind: ServerKind): ServerProcess => {
    const s = servers.get(kind);
    if (s === undefined) throw new Error(`${kind} not started`);
    return s;
  };

  it.each(["reference", "natsts"] as const)("%s serves under the base path only", async (kind) => {
    const s = get(kind);
    expect((await http(s, "/varz")).status).toBe(404);
    expect((await http(s, "/mon/")).status).toBe(404);
    expect((await http(s, "/mon")).headers.get("content-type")).toBe("text/html; charset=utf-8");
    for (const ep of ["varz", "connz", "subsz", "subscriptionsz", "routez"]) {
      const r = await http(s, `/mon/${ep}`);
      expect(r.status, `${kind} /mon/${ep}`).toBe(200);
    }
    expect((await http(s, "/mon/healthz")).text).toBe('{"status":"ok"}');
    expect((await json(s, "/mon/varz")).http_base_path).toBe("/mon");
  });

  it("varz shows auth and the JetStream configuration as nats-server does", async () => {
    const rv = await json(get("reference"), "/mon/varz");
    const ov = await json(get("natsts"), "/mon/varz");
    expect(missing(rv, ov)).toEqual([]);
    expect(ov.auth_required).toBe(true);
    expect(ov.max_payload).toBe(rv.max_payload);
    expect(ov.max_pending).toBe(rv.max_pending);
    expect(ov.write_deadline).toBe(rv.write_deadline);
    expect(ov.write_deadline).toBe(2_000_000_000);
    const rc = (rv.jetstream as { config: Json }).config;
    const oc = (ov.jetstream as { config: Json }).config;
    expect(oc.max_memory).toBe(rc.max_memory);
    expect(oc.max_storage).toBe(rc.max_storage);
    expect(oc.sync_interval).toBe(rc.sync_interval);
    // each server has its own directory: compare what follows it
    expect(String(oc.store_dir).slice(get("natsts").dir.length)).toBe(String(rc.store_dir).slice(get("reference").dir.length));
  });

  it("connz shows the authorized user", async () => {
    for (const kind of ["reference", "natsts"] as const) {
      const z = await json(get(kind), "/mon/connz?auth=1");
      const c = conns(z).find((x) => x.name === "alice-conn");
      expect(c, kind).toMatchObject({ authorized_user: "alice", name_tag: "$G" });
      expect(conns(await json(get(kind), "/mon/connz?user=alice")).length, kind).toBe(1);
      expect(conns(await json(get(kind), "/mon/connz?user=bob")).length, kind).toBe(0);
    }
  });

  it.each(["reference", "natsts"] as const)("%s counts a slow consumer and closes it with the reason", async (kind) => {
    const s = get(kind);
    const sock = await stalledSubscriber(s.port, "flood");
    sockets.push(sock);
    const pub = await connect({ servers: s.url, name: "flooder", user: "alice", pass: "pw" });
    clients.push(pub);
    const payload = new Uint8Array(16 * 1024 - 64);
    const closed = await eventually(async () => {
      for (let i = 0; i < 64; i++) pub.publish("flood", payload);
      await pub.flush();
      const z = await json(s, "/mon/connz?state=closed&auth=1");
      const c = conns(z).find((x) => x.name === "stalled");
      if (c === undefined) throw new Error(`${kind}: the stalled subscriber is still open`);
      return c;
    }, 20_000);
    expect(String(closed.reason)).toMatch(/^Slow Consumer \((Pending Bytes|Write Deadline)\)$/);
    expect(closed.authorized_user).toBe("bob");
    const v = await json(s, "/mon/varz");
    expect(v.slow_consumers).toBe(1);
    expect((v.slow_consumer_stats as Json).clients).toBe(1);
    if (kind === "natsts") {
      const m = (await http(s, "/mon/metrics")).text;
      expect(m).toMatch(/^natsts_slow_consumers_total 1$/m);
    }
  }, 40_000);
});
