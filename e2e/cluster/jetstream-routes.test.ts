// JetStream over routes: one JetStream-enabled natsts member in a cluster of members without
// JetStream. Clients on the other members use the JetStream API (plain request/reply over the
// routes), publish into the stream, get push deliveries on a deliver subject subscribed on another
// member, fetch from a pull consumer, and ack across the route. On the wire a delivery crossing a
// route is `RMSG $G <deliver subject> <ack reply>@<stream subject> <size>`, as nats-server sends it;
// a nats-server member (no JetStream) reads natsts's deliveries that way too.

import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KvWatchEntry } from "@nats-io/kv";
import { headers, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawConnect, untilLine, untilText, type RawConnection } from "../lib/raw.js";
import { startServer, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, CLUSTER, clusterURL, startMember, startReferenceMember, waitFor, waitForMesh, waitInterest } from "./helpers.js";

let js: ServerProcess;
let b: ServerProcess;
let c: ServerProcess;
const { client } = closedAfterAll();
const te = new TextEncoder();

beforeAll(async () => {
  js = await startServer("natsts", {
    name: "JS",
    args: ["--cluster", "nats://127.0.0.1:-1", "--cluster_name", CLUSTER, "-n", "JS"],
    jetstream: true,
  });
  [b, c] = await Promise.all([startMember("B", js), startMember("C", js)]);
  await waitForMesh([js, b, c]);
});

/** A stream on the JetStream member, created by a client of member B. */
async function createStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  await jsm.streams.add({ name, subjects: [subject] });
}

/**
 * Waits until the stream's interest has reached the server of `nc`: the stream's RS+ travels on
 * another route than the API reply that told a client the stream exists. The probe is a publish
 * the stream refuses without storing it (`Nats-Expected-Stream` names another stream), so an
 * answer of any kind, rather than no responders, means the interest is there.
 */
async function waitStreamReachable(nc: NatsConnection, subject: string): Promise<void> {
  const h = headers();
  h.set("Nats-Expected-Stream", "NOT-THIS-STREAM");
  await waitFor(`the stream on ${subject} reachable`, async () => {
    try {
      await nc.request(subject, "probe", { timeout: 2000, headers: h });
      return true;
    } catch (err) {
      if (err instanceof Error && /no responders/i.test(err.message)) return false;
      throw err;
    }
  });
}

async function waitAcked(jsm: JetStreamManager, stream: string, consumer: string, n: number): Promise<void> {
  await waitFor(`${n} acks on ${stream}/${consumer}`, async () => {
    const ci = await jsm.consumers.info(stream, consumer);
    return ci.ack_floor.stream_seq === n && ci.num_ack_pending === 0;
  });
}

describe("JetStream on one member of a cluster", () => {
  test("the JetStream API answers clients of members without JetStream", async () => {
    const nb = await client(b);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    const info = await jsm.getAccountInfo();
    expect(info.streams).toBeGreaterThanOrEqual(0);
    await createStream(jsm, "API", "api.>");
    const si = await jsm.streams.info("API");
    expect(si.config.subjects).toEqual(["api.>"]);
  });

  test("publishes from another member are stored and acknowledged", async () => {
    const [nb, nc] = await Promise.all([client(b), client(c)]);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    await createStream(jsm, "PUBS", "pubs.>");
    await waitStreamReachable(nc, "pubs.probe");
    const jsc = jetstream(nc, { timeout: 5000 });
    for (let i = 1; i <= 5; i++) {
      const pa = await jsc.publish(`pubs.${i}`, te.encode(`m${i}`));
      expect(pa.stream).toBe("PUBS");
      expect(pa.seq).toBe(i);
    }
    const si = await jsm.streams.info("PUBS");
    expect(si.state.messages).toBe(5);
  });

  test("a push consumer delivers to a subscriber on another member, which acks across the route", async () => {
    const [nb, nc] = await Promise.all([client(b), client(c)]);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    await createStream(jsm, "PUSH", "push.>");
    const got: Msg[] = [];
    nc.subscribe("deliver.push", { callback: (err, m) => {
      if (err !== null) throw err;
      got.push(m);
      m.respond();
    } });
    await nc.flush();
    // C's interest travels on C's route, the CONSUMER.CREATE from B on B's: wait until it arrived
    await waitInterest(await client(js), [nc]);
    await jsm.consumers.add("PUSH", {
      durable_name: "pc",
      deliver_subject: "deliver.push",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const jsc = jetstream(nb, { timeout: 5000 });
    for (let i = 1; i <= 10; i++) await jsc.publish(`push.${i}`, te.encode(`p${i}`));
    await waitFor("10 push deliveries on member C", () => got.length >= 10);
    await waitAcked(jsm, "PUSH", "pc", 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(10);
    expect(got.map((m) => m.subject)).toEqual(Array.from({ length: 10 }, (_, i) => `push.${i + 1}`));
    expect(got.map((m) => m.string())).toEqual(Array.from({ length: 10 }, (_, i) => `p${i + 1}`));
    for (const m of got) expect(m.reply).toMatch(/^\$JS\.ACK\.PUSH\.pc\.1\.\d+\.\d+\.\d+\.\d+$/);
    const ci = await jsm.consumers.info("PUSH", "pc");
    expect(ci.delivered.stream_seq).toBe(10);
    expect(ci.num_redelivered).toBe(0);
  });

  test("a pull consumer fetched by a client on another member, acks crossing the route", async () => {
    const [nb, nc] = await Promise.all([client(b), client(c)]);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    await createStream(jsm, "PULL", "pull.>");
    await jsm.consumers.add("PULL", { durable_name: "pl", ack_policy: AckPolicy.Explicit });
    const jsb = jetstream(nb, { timeout: 5000 });
    for (let i = 1; i <= 7; i++) await jsb.publish(`pull.${i}`, te.encode(`q${i}`));
    const jsc = jetstream(nc, { timeout: 5000 });
    const consumer = await jsc.consumers.get("PULL", "pl");
    const iter = await consumer.fetch({ max_messages: 7, expires: 5000 });
    const seen: string[] = [];
    for await (const m of iter) {
      seen.push(`${m.subject}=${m.string()}`);
      expect(m.info.stream).toBe("PULL");
      expect(m.info.consumer).toBe("pl");
      await m.ackAck();
      if (seen.length === 7) break;
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `pull.${i + 1}=q${i + 1}`));
    await waitAcked(jsm, "PULL", "pl", 7);
    const ci = await jsm.consumers.info("PULL", "pl");
    expect(ci.num_pending).toBe(0);
  });
});

describe("JetStream clients on members without JetStream", () => {
  test("a push consumer with a deliver group, its members on two other servers: each message once", async () => {
    const [nb, nc, nb2] = await Promise.all([client(b), client(c), client(b)]);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    await createStream(jsm, "GRP", "grp.>");
    await waitStreamReachable(nc, "grp.probe");
    const got: Msg[][] = [[], [], []];
    [nb, nc, nb2].forEach((conn, i) => conn.subscribe("deliver.grp", { queue: "workers", callback: (_e, m) => {
      got[i].push(m);
      m.respond();
    } }));
    await Promise.all([nb.flush(), nc.flush(), nb2.flush()]);
    await jsm.consumers.add("GRP", { durable_name: "g", deliver_subject: "deliver.grp", deliver_group: "workers", ack_policy: AckPolicy.Explicit });
    const jsc = jetstream(nc, { timeout: 5000 });
    for (let i = 1; i <= 30; i++) await jsc.publish(`grp.${i}`, te.encode(`g${i}`));
    await waitAcked(jsm, "GRP", "g", 30);
    await new Promise((r) => setTimeout(r, 300));
    const all = got.flat().map((m) => m.subject).sort();
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `grp.${i + 1}`).sort());
    expect((await jsm.consumers.info("GRP", "g")).num_redelivered).toBe(0);
  });

  test("a KV bucket used from another member: put, get, watch", async () => {
    const [nb, nc] = await Promise.all([client(b), client(c)]);
    const kvb = await new Kvm(nb).create("cfg");
    const kvc = await new Kvm(nc).open("cfg");
    const seen: KvWatchEntry[] = [];
    const watch = await kvc.watch({ key: "app.>" });
    const done = (async () => {
      for await (const e of watch) {
        seen.push(e);
        if (seen.length === 3) break;
      }
    })();
    await kvb.put("app.a", "1");
    await kvb.put("app.b", "2");
    await kvb.put("app.a", "3");
    await done;
    expect(seen.map((e) => `${e.key}=${e.string()}`)).toEqual(["app.a=1", "app.b=2", "app.a=3"]);
    expect((await kvc.get("app.a"))?.string()).toBe("3");
    expect((await kvc.get("app.b"))?.revision).toBe(2);
  });
});

describe("a nats-server member without JetStream", () => {
  test("its clients use the natsts JetStream member: API, push deliveries under the stream subject, pull fetch, acks", async () => {
    const ref = await startReferenceMember("REF", js, true);
    await waitForMesh([js, b, c, ref]);
    const nr = await client(ref);
    const jsm = await jetstreamManager(nr, { timeout: 5000 });
    await createStream(jsm, "MIXED", "mixed.>");
    const got: Msg[] = [];
    nr.subscribe("deliver.mixed", { callback: (_e, m) => {
      got.push(m);
      m.respond();
    } });
    await nr.flush();
    await jsm.consumers.add("MIXED", { durable_name: "mp", deliver_subject: "deliver.mixed", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add("MIXED", { durable_name: "ml", ack_policy: AckPolicy.Explicit });
    const jsr = jetstream(nr, { timeout: 5000 });
    for (let i = 1; i <= 5; i++) await jsr.publish(`mixed.${i}`, te.encode(`x${i}`));
    await waitFor("5 push deliveries on nats-server", () => got.length >= 5);
    expect(got.map((m) => m.subject)).toEqual(["mixed.1", "mixed.2", "mixed.3", "mixed.4", "mixed.5"]);
    await waitAcked(jsm, "MIXED", "mp", 5);
    const iter = await (await jsr.consumers.get("MIXED", "ml")).fetch({ max_messages: 5, expires: 5000 });
    const pulled: string[] = [];
    for await (const m of iter) {
      pulled.push(m.subject);
      await m.ackAck();
      if (pulled.length === 5) break;
    }
    expect(pulled).toEqual(["mixed.1", "mixed.2", "mixed.3", "mixed.4", "mixed.5"]);
    await waitAcked(jsm, "MIXED", "ml", 5);
  }, 30_000);
});

describe("the wire format of JetStream deliveries over a route", () => {
  let fake: RawConnection;

  /** A raw route connection to `srv`, registered as a peer of the cluster. */
  async function fakeRoute(srv: ServerProcess, id: string): Promise<RawConnection> {
    const url = clusterURL(srv);
    const port = Number(/:(\d+)\/?$/.exec(url)?.[1]);
    const r = await rawConnect(port);
    await r.read(untilLine);
    await r.write(`CONNECT {"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"${id}","cluster":"${CLUSTER}"}\r\n`);
    await r.write(`INFO {"server_id":"${id}","server_name":"${id}","version":"2.12.0","proto":3,"host":"127.0.0.1","port":1,"headers":true,"cluster":"${CLUSTER}"}\r\n`);
    await r.write("PING\r\n");
    await r.read(untilText("PONG\r\n"), 5000);
    return r;
  }

  afterAll(() => fake?.close());

  test("a push delivery goes as RMSG on the deliver subject with <ack reply>@<stream subject>", async () => {
    const nb = await client(b);
    const jsm = await jetstreamManager(nb, { timeout: 5000 });
    await createStream(jsm, "WIRE", "wire.>");
    fake = await fakeRoute(js, "NFAKEROUTE1");
    await fake.write("RS+ $G wd.deliver\r\nPING\r\n");
    await fake.read(untilText("PONG\r\n"), 5000);
    await jsm.consumers.add("WIRE", { durable_name: "w", deliver_subject: "wd.deliver", ack_policy: AckPolicy.Explicit });
    await jetstream(nb, { timeout: 5000 }).publish("wire.new", te.encode("hello"));
    const got = await fake.read(untilText("hello\r\n"), 5000);
    const text = got.data.toString("latin1");
    expect(text).toMatch(/RMSG \$G wd\.deliver \$JS\.ACK\.WIRE\.w\.1\.1\.1\.\d+\.0@wire\.new 5\r\nhello\r\n/);
  });

  test("a delivery arriving that way reaches the subscriber under the stream subject, with the ack reply", async () => {
    const nc = await client(c);
    const got: Msg[] = [];
    nc.subscribe("in.deliver", { callback: (_e, m) => { got.push(m); } });
    await nc.flush();
    const r = await fakeRoute(c, "NFAKEROUTE2");
    try {
      await waitFor("C's interest on the fake route", async () => {
        const seen = r.received().toString("latin1");
        return seen.includes("RS+ $G in.deliver\r\n");
      });
      const ack = "$JS.ACK.S.c.1.4.4.1795317322014690447.0";
      await r.write(`RMSG $G in.deliver ${ack}@orders.new 5\r\nhello\r\nRMSG $G in.deliver _INBOX.a@b 2\r\nhi\r\n`);
      await waitFor("both messages on C", () => got.length >= 2);
      expect(got[0].subject).toBe("orders.new");
      expect(got[0].reply).toBe(ack);
      expect(got[0].string()).toBe("hello");
      expect(got[1].subject).toBe("in.deliver");
      expect(got[1].reply).toBe("_INBOX.a@b");
    } finally {
      r.close();
    }
  });
});
