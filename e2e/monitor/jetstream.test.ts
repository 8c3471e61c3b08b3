// JetStream monitoring end to end: /jsz, /healthz, varz `jetstream` and the JetStream metrics of a
// real natsts process with streams and consumers made by the official client; the same scenario
// against the reference nats-server, comparing the field names /jsz emits for each option
// combination and the /healthz answers; and store corruption surfacing in /healthz and stream info.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckPolicy, jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerKind, type ServerProcess, startServer, stopAll } from "../lib/procs.js";
import { http, type Json, json } from "./helpers.js";

interface Scenario {
  readonly server: ServerProcess;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
}

/**
 * The same JetStream activity on either server: file stream S1 (3 messages on s1.a) with pull
 * consumers C1 (2 delivered, the first acked) and C2 (idle); memory stream M1 (1 message).
 */
async function runScenario(kind: ServerKind): Promise<Scenario> {
  // natsts syncs before every ack by default; nats-server does so when told
  const server = await startServer(kind, { http: true, jetstream: true, config: "jetstream { sync_interval: always }\n", name: `${kind}-jsmon` });
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc, { timeout: 5000 });
  const js = jetstream(nc, { timeout: 5000 });
  await jsm.streams.add({ name: "S1", subjects: ["s1.>"], storage: StorageType.File });
  await jsm.streams.add({ name: "M1", subjects: ["m1"], storage: StorageType.Memory });
  for (let i = 0; i < 3; i++) await js.publish("s1.a", "hello");
  await js.publish("m1", "x");
  await jsm.consumers.add("S1", { durable_name: "C1", ack_policy: AckPolicy.Explicit });
  await jsm.consumers.add("S1", { durable_name: "C2", ack_policy: AckPolicy.Explicit });
  const c1 = await js.consumers.get("S1", "C1");
  const iter = await c1.fetch({ max_messages: 2, expires: 2000 });
  let n = 0;
  for await (const m of iter) {
    if (n++ === 0) await m.ackAck();
  }
  if (n !== 2) throw new Error(`${kind}: fetched ${n} messages, expected 2`);
  return { server, nc, jsm, js };
}

type Detail = Json & { stream_detail?: Array<Json & { consumer_detail?: Json[] }> };
const accountDetails = (j: Json): Detail[] => (j.account_details ?? []) as Detail[];
const streamDetail = (j: Json, name: string): Json & { consumer_detail?: Json[] } => {
  const s = accountDetails(j)[0]?.stream_detail?.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stream_detail for ${name}: ${JSON.stringify(j)}`);
  return s;
};

/** Every key path of a JSON value ("a.b", arrays as "a[]"), sorted. */
function keyPaths(v: unknown, prefix = ""): string[] {
  const out = new Set<string>();
  const walk = (x: unknown, p: string): void => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e, `${p}[]`);
    } else if (x !== null && typeof x === "object") {
      for (const [k, e] of Object.entries(x)) {
        const kp = p === "" ? k : `${p}.${k}`;
        out.add(kp);
        walk(e, kp);
      }
    }
  };
  walk(v, prefix);
  return [...out].sort();
}

/** The key order of every object of a JSON value, by path (array elements merged, first seen first). */
function keyOrders(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (x: unknown, p: string): void => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e, `${p}[]`);
    } else if (x !== null && typeof x === "object") {
      const seen = (out[p] ??= []);
      for (const [k, e] of Object.entries(x)) {
        if (!seen.includes(k)) seen.push(k);
        walk(e, p === "" ? k : `${p}.${k}`);
      }
    }
  };
  walk(v, "");
  return out;
}

async function healthz(s: ServerProcess, q: string): Promise<{ status: number; body: string }> {
  const r = await http(s, `/healthz${q === "" ? "" : `?${q}`}`);
  return { status: r.status, body: r.text };
}

const HEALTHZ_CASES = [
  "",
  "details=true",
  "js-enabled-only=true",
  "js-server-only=true",
  "js-meta-only=true",
  "account=$G",
  "account=FOO",
  "account=$G&stream=S1",
  "account=$G&stream=S1&consumer=C1",
  "account=$G&stream=NOPE",
  "account=$G&stream=S1&consumer=NOPE",
  "account=FOO&stream=S1",
  "details=true&account=$G&stream=NOPE",
  "details=true&account=$G&stream=S1&consumer=NOPE",
  "details=true&account=FOO&stream=S1",
  "stream=S1",
  "account=$G&consumer=C1",
  "details=true&stream=S1",
  "account=$G&stream=NOPE&js-enabled-only=true",
  "js-enabled-only=x",
];

const JSZ_CASES = [
  "",
  "accounts=true",
  "streams=true",
  "consumers=true",
  "config=true",
  "config=true&accounts=true",
  "config=true&consumers=true",
  "acc=$G",
  "acc=FOO",
  "acc=FOO&accounts=true",
  "acc=$G&streams=true",
  "acc=FOO&streams=true",
  "accounts=true&offset=1",
  "accounts=true&limit=0",
  "raft=true",
  "raft=true&consumers=true",
  "leader-only=true&accounts=true",
  "stream-leader-only=true&direct-consumers=true",
];

describe("JetStream monitoring: natsts and nats-server", () => {
  const sc = new Map<ServerKind, Scenario>();
  beforeAll(async () => {
    const [r, o] = await Promise.all([runScenario("reference"), runScenario("natsts")]);
    sc.set("reference", r);
    sc.set("natsts", o);
  }, 60_000);
  afterAll(async () => {
    for (const s of sc.values()) await s.nc.close();
    await stopAll();
  });
  const get = (kind: ServerKind): Scenario => {
    const s = sc.get(kind);
    if (s === undefined) throw new Error(`${kind} scenario not started`);
    return s;
  };
  const ours = (): Scenario => get("natsts");
  const infos = async (): Promise<{ s1: StreamInfo; m1: StreamInfo }> => ({ s1: await ours().jsm.streams.info("S1"), m1: await ours().jsm.streams.info("M1") });

  it("/jsz reports usage, totals, configuration and API counts", async () => {
    const { s1, m1 } = await infos();
    const j = await json(ours().server, "/jsz");
    expect(j).toMatchObject({
      memory: m1.state.bytes,
      storage: s1.state.bytes,
      reserved_memory: 0,
      reserved_storage: 0,
      accounts: 1,
      ha_assets: 0,
      streams: 2,
      consumers: 2,
      messages: 4,
      bytes: s1.state.bytes + m1.state.bytes,
      limits: {},
      total: 1,
    });
    expect(j.disabled).toBeUndefined();
    const api = j.api as Json;
    expect(api.level).toBe(3);
    expect(api.total as number).toBeGreaterThan(5);
    const config = j.config as Json;
    expect(config.store_dir).toBe(join(ours().server.dir, "jetstream", "jetstream"));
    expect(config.strict).toBe(true);
    expect(config.max_memory as number).toBeGreaterThan(0);
    expect(accountDetails(j)).toEqual([]);
  });

  it("/jsz details: accounts, streams, consumers and config as asked", async () => {
    const { s1 } = await infos();
    const acc = accountDetails(await json(ours().server, "/jsz?accounts=true"));
    expect(acc.map((a) => a.name)).toEqual(["$G"]);
    expect(acc[0]?.reserved_memory).toBe(2 ** 64); // 18446744073709551615 as a double
    expect(acc[0]?.stream_detail).toBeUndefined();

    const j = await json(ours().server, "/jsz?consumers=true");
    const sd = streamDetail(j, "S1");
    expect(sd.state).toEqual(JSON.parse(JSON.stringify(s1.state)));
    expect(sd.config).toBeUndefined();
    expect(sd.cluster).toEqual({ leader: ((await json(ours().server, "/varz")).server_name as string) });
    const c1 = sd.consumer_detail?.find((c) => c.name === "C1");
    const info = await ours().jsm.consumers.info("S1", "C1");
    expect(c1).toMatchObject({ stream_name: "S1", num_pending: 1, num_ack_pending: 1, num_redelivered: 0, num_waiting: info.num_waiting });
    expect(c1?.delivered).toMatchObject({ consumer_seq: 2, stream_seq: 2 });
    expect(c1?.ack_floor).toMatchObject({ consumer_seq: 1, stream_seq: 1 });
    expect(c1?.config).toBeUndefined();
    expect(streamDetail(j, "M1").consumer_detail).toBeUndefined();

    const withConfig = await json(ours().server, "/jsz?consumers=true&config=true");
    expect(streamDetail(withConfig, "S1").config).toMatchObject({ name: "S1", storage: "file", subjects: ["s1.>"] });
    expect(streamDetail(withConfig, "S1").consumer_detail?.find((c) => c.name === "C2")?.config).toMatchObject({ durable_name: "C2", ack_policy: "explicit" });
  });

  it("/jsz acc, paging, raft; malformed options are 400 and every request is counted", async () => {
    const s = ours().server;
    expect(accountDetails(await json(s, "/jsz?acc=$G")).map((a) => a.name)).toEqual(["$G"]);
    expect(accountDetails(await json(s, "/jsz?acc=FOO"))).toEqual([]);
    expect(accountDetails(await json(s, "/jsz?accounts=true&offset=1"))).toEqual([]);
    expect(await json(s, "/jsz?raft=true")).toMatchObject({ streams_leader: 2, consumers_leader: 2 });
    const before = ((await json(s, "/varz")).http_req_stats as Json)["/jsz"] as number;
    const bad = await http(s, "/jsz?consumers=maybe");
    expect(bad.status).toBe(400);
    expect(bad.text).toBe(`Error decoding boolean for 'consumers': strconv.ParseBool: parsing "maybe": invalid syntax`);
    expect(((await json(s, "/varz")).http_req_stats as Json)["/jsz"]).toBe(before + 1);
  });

  it("varz jetstream carries the configuration and the statistics of /jsz", async () => {
    const v = (await json(ours().server, "/varz")).jetstream as Json;
    const j = await json(ours().server, "/jsz");
    expect(Object.keys(v)).toEqual(["config", "stats", "limits"]);
    expect(v.config).toEqual(j.config);
    const stats = v.stats as Json;
    for (const k of ["memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets"]) expect(stats[k], k).toBe(j[k]);
    expect((stats.api as Json).level).toBe(3);
  });

  it("metrics expose each stream and consumer", async () => {
    const { s1 } = await infos();
    const m = (await http(ours().server, "/metrics")).text;
    const line = (name: string, labels: string, value: number): RegExp => new RegExp(`^${name}\\{${labels}\\} ${value}$`, "m");
    expect(m).toMatch(/^natsts_jetstream_enabled 1$/m);
    expect(m).toMatch(line("natsts_jetstream_stream_messages", 'stream="S1"', 3));
    expect(m).toMatch(line("natsts_jetstream_stream_bytes", 'stream="S1"', s1.state.bytes));
    expect(m).toMatch(line("natsts_jetstream_stream_first_seq", 'stream="S1"', 1));
    expect(m).toMatch(line("natsts_jetstream_stream_last_seq", 'stream="S1"', 3));
    expect(m).toMatch(line("natsts_jetstream_stream_consumers", 'stream="S1"', 2));
    expect(m).toMatch(line("natsts_jetstream_stream_lost_messages", 'stream="S1"', 0));
    expect(m).toMatch(line("natsts_jetstream_stream_messages", 'stream="M1"', 1));
    const c1 = 'stream="S1",consumer="C1"';
    expect(m).toMatch(line("natsts_jetstream_consumer_num_pending", c1, 1));
    expect(m).toMatch(line("natsts_jetstream_consumer_num_ack_pending", c1, 1));
    expect(m).toMatch(line("natsts_jetstream_consumer_num_redelivered", c1, 0));
    expect(m).toMatch(line("natsts_jetstream_consumer_num_waiting", c1, 0));
    expect(m).toMatch(line("natsts_jetstream_consumer_delivered_stream_seq", c1, 2));
    expect(m).toMatch(line("natsts_jetstream_consumer_ack_floor_stream_seq", c1, 1));
    expect(m).toMatch(line("natsts_jetstream_consumer_num_pending", 'stream="S1",consumer="C2"', 3));
  });

  it.each(JSZ_CASES)("/jsz?%s: the field names of nats-server", async (q) => {
    const path = `/jsz${q === "" ? "" : `?${q}`}`;
    const r = await json(get("reference").server, path);
    const o = await json(ours().server, path);
    expect(Object.keys(o), path).toEqual(Object.keys(r));
    expect(keyPaths(o), path).toEqual(keyPaths(r));
    expect(keyOrders(o), `${path}: key order`).toEqual(keyOrders(r));
  });

  it("varz jetstream: the field names of nats-server", async () => {
    const r = (await json(get("reference").server, "/varz")).jetstream;
    const o = (await json(ours().server, "/varz")).jetstream;
    expect(keyPaths(o)).toEqual(keyPaths(r));
  });

  it.each(HEALTHZ_CASES)("/healthz?%s: nats-server's status and body", async (q) => {
    const r = await healthz(get("reference").server, q);
    const o = await healthz(ours().server, q);
    expect(o).toEqual(r);
  });
});

describe("JetStream monitoring without JetStream: natsts and nats-server", () => {
  const servers = new Map<ServerKind, ServerProcess>();
  beforeAll(async () => {
    for (const kind of ["reference", "natsts"] as const) servers.set(kind, await startServer(kind, { http: true, name: `${kind}-nojs` }));
  });
  afterAll(stopAll);
  const both = (): [ServerProcess, ServerProcess] => {
    const r = servers.get("reference");
    const o = servers.get("natsts");
    if (r === undefined || o === undefined) throw new Error("servers not started");
    return [r, o];
  };

  it.each(["", "accounts=true&streams=true", "leader-only=true", "config=x"])("/jsz?%s", async (q) => {
    const [r, o] = both();
    const rr = await http(r, `/jsz?${q}`);
    const or = await http(o, `/jsz?${q}`);
    expect(or.status).toBe(rr.status);
    if (rr.status !== 200) {
      expect(or.text).toBe(rr.text);
      return;
    }
    const rj = JSON.parse(rr.text) as Json;
    const oj = JSON.parse(or.text) as Json;
    expect(Object.keys(oj)).toEqual(Object.keys(rj));
    expect(keyPaths(oj)).toEqual(keyPaths(rj));
    expect(oj).toMatchObject({ disabled: true, total: 0, streams: 0, config: { max_memory: 0, max_storage: 0 } });
  });

  it("varz jetstream is empty", async () => {
    const [r, o] = both();
    expect((await json(o, "/varz")).jetstream).toEqual((await json(r, "/varz")).jetstream);
  });

  it.each(["", "js-enabled-only=true", "account=$G&stream=S1&consumer=C1", "details=true&account=$G&stream=S1", "stream=S1"])("/healthz?%s", async (q) => {
    const [r, o] = both();
    expect(await healthz(o, q)).toEqual(await healthz(r, q));
  });
});

/** A store directory that outlives one server process; removed by the returned function. */
function storeDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `natsts-e2e-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The block files of a stream under a natsts store directory (wherever the store nests them). */
function blockFiles(sd: string, stream: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".blk")) out.push(p);
    }
  };
  walk(join(sd, "jetstream", "$G", "streams", stream));
  return out;
}

/** Flips 8 bytes in the middle of the largest block file (inside some message: they are large). */
function flipMiddle(files: string[]): void {
  const file = [...files].sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (file === undefined) throw new Error("no block file");
  const b = readFileSync(file);
  const mid = b.length >> 1;
  for (let i = mid; i < mid + 8; i++) b[i] = (b[i] ?? 0) ^ 0xa5;
  writeFileSync(file, b);
}

describe("store corruption shows in /healthz, stream info and metrics (natsts)", () => {
  afterAll(stopAll);

  async function fill(sd: string): Promise<ServerProcess> {
    const server = await startServer("natsts", { http: true, args: ["-js", "-sd", sd], name: "natsts-corrupt" });
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: "CORR", subjects: ["corr.>"], storage: StorageType.File });
    await jsm.streams.add({ name: "FINE", subjects: ["fine"], storage: StorageType.File });
    await jsm.consumers.add("CORR", { durable_name: "R", ack_policy: AckPolicy.None });
    const body = "x".repeat(4000);
    for (let i = 0; i < 20; i++) await js.publish(`corr.${i}`, `${i}:${body}`);
    await js.publish("fine", "ok");
    await nc.close();
    expect((await healthz(server, "")).status).toBe(200);
    return server;
  }

  async function expectCorrupt(server: ServerProcess): Promise<void> {
    const h = await healthz(server, "");
    expect(h.status, h.body).toBe(503);
    const body = JSON.parse(h.body) as { status: string; error: string };
    expect(body.status).toBe("unavailable");
    expect(body.error).toMatch(/^JetStream stream "CORR" on account "\$G" has corrupt data: \d+ lost messages? \(\d+ bytes\)$/);
    expect((await healthz(server, "account=$G&stream=CORR")).status).toBe(503);
    expect((await healthz(server, "account=$G&stream=FINE")).status).toBe(200);
    const d = JSON.parse((await healthz(server, "details=true")).body) as { status: string; errors: Json[] };
    expect(d.status).toBe("error");
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toMatchObject({ type: "STREAM", account: "$G", stream: "CORR" });
    const nc = await connect({ servers: server.url });
    const si = await (await jetstreamManager(nc)).streams.info("CORR");
    await nc.close();
    const lost = si.state.lost;
    expect(lost, JSON.stringify(si.state)).toBeDefined();
    expect(lost?.bytes ?? 0).toBeGreaterThan(0);
    expect(si.state.messages).toBe(20 - (lost?.msgs?.length ?? 1));
    const detail = streamDetail(await json(server, "/jsz?streams=true"), "CORR");
    expect((detail.state as Json).lost).toEqual(JSON.parse(JSON.stringify(lost)));
    const m = (await http(server, "/metrics")).text;
    expect(m).toMatch(new RegExp(`^natsts_jetstream_stream_lost_messages\\{stream="CORR"\\} ${lost?.msgs?.length ?? 0}$`, "m"));
  }

  it("after a crash (no index: the recovery scan finds the damage at once)", async () => {
    const sd = storeDir("corrupt-crash");
    try {
      const first = await fill(sd.dir);
      first.kill("SIGKILL");
      await first.exited;
      await first.stop();
      flipMiddle(blockFiles(sd.dir, "CORR"));
      const again = await startServer("natsts", { http: true, args: ["-js", "-sd", sd.dir], name: "natsts-corrupt-2" });
      await expectCorrupt(again);
      await again.stop();
    } finally {
      sd.remove();
    }
  }, 60_000);

  it("after a clean stop (found when the damaged message is read)", async () => {
    const sd = storeDir("corrupt-clean");
    try {
      const first = await fill(sd.dir);
      await first.stop();
      flipMiddle(blockFiles(sd.dir, "CORR"));
      const again = await startServer("natsts", { http: true, args: ["-js", "-sd", sd.dir], name: "natsts-corrupt-3" });
      // a clean shutdown leaves an index the store trusts on open: the damage is met on reading
      const nc = await connect({ servers: again.url });
      const c = await jetstream(nc).consumers.get("CORR", "R");
      const iter = await c.fetch({ max_messages: 50, expires: 1500 });
      let got = 0;
      for await (const msg of iter) {
        expect(msg.data.length).toBeGreaterThan(4000);
        got++;
      }
      await nc.close();
      expect(got).toBeLessThan(20);
      await expectCorrupt(again);
      await again.stop();
    } finally {
      sd.remove();
    }
  }, 60_000);
});
