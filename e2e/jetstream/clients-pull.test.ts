// JetStream pull consumers, acks and redelivery through the official client (@nats-io/jetstream v3)
// against a real natsts process: fetch/next/consume, expires, no_wait and heartbeats, pause; ack
// policies, ack_wait, nak/term/working, max_deliver, backoff, max_ack_pending, exact info numbers.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import { AckPolicy, type ConsumerInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { collectReplies, iterate, sleep, statusOf } from "./helpers.js";
import { fetchAll, js, jsm, names, nc, nextOf, publishN, seqsOf, td, useJsServer } from "./clients-fixture.js";

useJsServer();

describe("pull consumers", () => {
  test("fetch, next and consume deliver in order; batch and max_bytes bound a fetch", async () => {
    const { stream, p } = names("pull");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await publishN(`${p}.x`, 12, () => "y".repeat(50));
    await jsm.consumers.add(stream, { durable_name: "d", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(stream, "d");
    const first = await fetchAll(stream, "d", 4);
    expect(seqsOf(first)).toEqual([1, 2, 3, 4]);
    for (const m of first) m.ack();
    const one = await nextOf(c, 1000);
    expect(one?.seq).toBe(5);
    expect(one?.info.pending).toBe(7);
    one?.ack();
    // max_bytes: every delivery counts more than its 50-byte payload (subject, reply), so 200 bytes
    // hold one or two; the request then ends with 409 Message Size Exceeds MaxBytes.
    const mb = await collectReplies(nc, `$JS.API.CONSUMER.MSG.NEXT.${stream}.d`, JSON.stringify({ batch: 10, max_bytes: 200, expires: nanos(1000) }));
    await mb.untilMatch((x) => statusOf(x) !== undefined, 2000);
    mb.stop();
    const bm = mb.msgs.filter((x) => statusOf(x) === undefined);
    expect(bm.length).toBeGreaterThanOrEqual(1);
    expect(bm.length).toBeLessThan(3);
    expect(bm.map((x) => x.subject)).toEqual(bm.map(() => `${p}.x`));
    expect(mb.msgs.slice(bm.length).map(statusOf)).toEqual([{ code: 409, description: "Message Size Exceeds MaxBytes" }]);
    for (const x of bm) x.respond();
    const rest: number[] = [];
    const it = await c.consume({ max_messages: 3 });
    await iterate(it, (m) => {
      rest.push(m.seq);
      m.ack();
      return m.seq === 12;
    }, 5000, "consume up to 12");
    it.stop();
    expect(rest).toEqual(Array.from({ length: 12 - 5 - bm.length }, (_, i) => 6 + bm.length + i));
    await nc.flush();
    const info = await c.info();
    expect(info.delivered).toMatchObject({ consumer_seq: 12, stream_seq: 12 });
    expect(info.num_pending).toBe(0);
  });

  test("expires: a fetch on an empty consumer ends after its expiry with nothing", async () => {
    const { stream, p } = names("expires");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await jsm.consumers.add(stream, { durable_name: "d", ack_policy: AckPolicy.Explicit });
    const t0 = Date.now();
    const got = await fetchAll(stream, "d", 5, 1000);
    const took = Date.now() - t0;
    expect(got).toEqual([]);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3000);
  });

  test("no_wait on an empty consumer answers 404; expires answers 408; pull idle heartbeats", async () => {
    const { stream, p } = names("nowait");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await jsm.consumers.add(stream, { durable_name: "d", ack_policy: AckPolicy.Explicit });
    const next = `$JS.API.CONSUMER.MSG.NEXT.${stream}.d`;
    const nw = await collectReplies(nc, next, JSON.stringify({ batch: 1, no_wait: true }));
    const [m] = await nw.until(1, 2000);
    nw.stop();
    expect(m === undefined ? undefined : statusOf(m)).toEqual({ code: 404, description: "No Messages" });

    const ex = await collectReplies(nc, next, JSON.stringify({ batch: 1, expires: nanos(1500), idle_heartbeat: nanos(300) }));
    const timeout = await ex.untilMatch((x) => statusOf(x)?.code === 408, 4000);
    ex.stop();
    expect(timeout === undefined ? undefined : statusOf(timeout)).toEqual({ code: 408, description: "Request Timeout" });
    expect(timeout?.headers?.get("Nats-Pending-Messages")).toBe("1");
    expect(timeout?.headers?.get("Nats-Pending-Bytes")).toBe("0");
    const hbs = ex.msgs.filter((x) => statusOf(x)?.code === 100);
    expect(hbs.length).toBeGreaterThanOrEqual(2);
    expect(hbs[0] === undefined ? undefined : statusOf(hbs[0])).toEqual({ code: 100, description: "Idle Heartbeat" });

    // Pending data with no_wait: delivered, then the request ends with 404 once the stream is drained.
    await publishN(`${p}.x`, 2);
    const drained = await collectReplies(nc, next, JSON.stringify({ batch: 5, no_wait: true }));
    await drained.untilMatch((x) => statusOf(x) !== undefined, 2000);
    drained.stop();
    expect(drained.msgs.map((x) => statusOf(x)?.code ?? td.decode(x.data))).toEqual(["m0", "m1", 404]);
  });

  test("pause and resume", async () => {
    const { stream, p } = names("pause");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await jsm.consumers.add(stream, { durable_name: "d", ack_policy: AckPolicy.Explicit });
    await publishN(`${p}.x`, 2);
    const until = new Date(Date.now() + 60_000);
    const r = await jsm.consumers.pause(stream, "d", until);
    expect(r.paused).toBe(true);
    const info = await jsm.consumers.info(stream, "d");
    expect(info.paused).toBe(true);
    expect(info.pause_remaining).toBeGreaterThan(nanos(50_000));
    const c = await js.consumers.get(stream, "d");
    expect(await nextOf(c, 1000)).toBeNull();
    const res = await jsm.consumers.resume(stream, "d");
    expect(res.paused).toBe(false);
    expect((await jsm.consumers.info(stream, "d")).paused ?? false).toBe(false);
    expect((await nextOf(c, 1000))?.seq).toBe(1);
  });
});

describe("acks and redelivery", () => {
  async function setup(label: string, cfg: Record<string, unknown>, n = 3): Promise<{ stream: string; p: string }> {
    const r = names(label);
    await jsm.streams.add({ name: r.stream, subjects: [`${r.p}.>`] });
    await publishN(`${r.p}.x`, n);
    await jsm.consumers.add(r.stream, { durable_name: "d", ack_policy: AckPolicy.Explicit, ...cfg });
    return r;
  }

  test("ack policy all: acking one acks everything before it", async () => {
    const { stream } = await setup("ackall", { ack_policy: AckPolicy.All }, 5);
    const ms = await fetchAll(stream, "d", 5);
    expect(seqsOf(ms)).toEqual([1, 2, 3, 4, 5]);
    await ms[2]?.ackAck();
    const info = await jsm.consumers.info(stream, "d");
    expect(info.ack_floor).toMatchObject({ consumer_seq: 3, stream_seq: 3 });
    expect(info.num_ack_pending).toBe(2);
  });

  test("ack policy none: nothing pending after delivery", async () => {
    const { stream } = await setup("acknone", { ack_policy: AckPolicy.None }, 3);
    expect(seqsOf(await fetchAll(stream, "d", 3))).toEqual([1, 2, 3]);
    const info = await jsm.consumers.info(stream, "d");
    expect(info.ack_floor).toMatchObject({ consumer_seq: 3, stream_seq: 3 });
    expect(info.num_ack_pending).toBe(0);
    expect(info.delivered).toMatchObject({ consumer_seq: 3, stream_seq: 3 });
  });

  test("ack_wait: an unacked message is redelivered, counted in num_redelivered", async () => {
    const { stream } = await setup("ackwait", { ack_wait: nanos(500) }, 1);
    const c = await js.consumers.get(stream, "d");
    const a = await nextOf(c, 1000);
    expect(a?.info.deliveryCount).toBe(1);
    const t0 = Date.now();
    const b = await nextOf(c, 3000);
    expect(b?.seq).toBe(1);
    expect(b?.redelivered).toBe(true);
    expect(b?.info.deliveryCount).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    const info = await c.info();
    expect(info.num_redelivered).toBe(1);
    expect(info.num_ack_pending).toBe(1);
    expect(info.delivered).toMatchObject({ consumer_seq: 2, stream_seq: 1 });
    await b?.ackAck();
    expect((await c.info()).num_ack_pending).toBe(0);
  });

  test("nak with a delay redelivers after the delay; term stops redelivery", async () => {
    const { stream } = await setup("nak", { ack_wait: nanos(10_000) }, 2);
    const c = await js.consumers.get(stream, "d");
    const m1 = await nextOf(c, 1000);
    expect(m1?.seq).toBe(1);
    const t0 = Date.now();
    m1?.nak(800);
    const m2 = await nextOf(c, 1000);
    expect(m2?.seq).toBe(2);
    m2?.term();
    const again = await nextOf(c, 3000);
    expect(again?.seq).toBe(1);
    expect(again?.info.deliveryCount).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    await again?.ackAck();
    expect(await nextOf(c, 1200)).toBeNull(); // 2 was terminated
    const info = await c.info();
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(2);
  });

  test("working (+WPI) extends the ack deadline", async () => {
    const { stream } = await setup("wpi", { ack_wait: nanos(2000) }, 1);
    const c = await js.consumers.get(stream, "d");
    const m = await nextOf(c, 1000);
    expect(m?.seq).toBe(1);
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      m?.working();
    }
    // 3 s after delivery with a 2 s ack_wait: not redelivered thanks to the progress acks; the last
    // one moved the deadline to 5 s, a second past the end of this look.
    const none = await nextOf(c, 1000);
    expect(none).toBeNull();
    await m?.ackAck();
    const info = await c.info();
    expect(info.num_redelivered).toBe(0);
    expect(info.delivered.consumer_seq).toBe(1);
  });

  test("max_deliver stops redelivery", async () => {
    const { stream } = await setup("maxdel", { ack_wait: nanos(300), max_deliver: 2 }, 1);
    const c = await js.consumers.get(stream, "d");
    const counts: number[] = [];
    for (;;) {
      const m = await nextOf(c, 1500);
      if (m === null) break;
      counts.push(m.info.deliveryCount);
      if (counts.length > 4) break;
    }
    expect(counts).toEqual([1, 2]);
    const info = await c.info();
    expect(info.delivered).toMatchObject({ consumer_seq: 2, stream_seq: 1 });
  });

  test("backoff sets the redelivery delays", async () => {
    const { stream } = await setup("backoff", { backoff: [nanos(300), nanos(1200)], max_deliver: 3 }, 1);
    const info0 = await jsm.consumers.info(stream, "d");
    expect(info0.config.ack_wait).toBe(nanos(300));
    const c = await js.consumers.get(stream, "d");
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await nextOf(c, 3000);
      expect(m?.info.deliveryCount).toBe(i + 1);
      times.push(Date.now());
    }
    const d1 = (times[1] ?? 0) - (times[0] ?? 0);
    const d2 = (times[2] ?? 0) - (times[1] ?? 0);
    expect(d1).toBeGreaterThanOrEqual(200);
    expect(d1).toBeLessThan(1000);
    expect(d2).toBeGreaterThanOrEqual(1000);
  });

  test("max_ack_pending bounds the unacked deliveries", async () => {
    const { stream } = await setup("maxack", { max_ack_pending: 2 }, 5);
    const ms = await fetchAll(stream, "d", 5, 1000);
    expect(seqsOf(ms)).toEqual([1, 2]);
    await ms[0]?.ackAck();
    const more = await fetchAll(stream, "d", 5, 1000);
    expect(seqsOf(more)).toEqual([3]);
  });

  test("consumer info numbers are exact", async () => {
    const { stream } = await setup("nums", {}, 10);
    const ms = await fetchAll(stream, "d", 6);
    expect(seqsOf(ms)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const i of [0, 1, 3]) await ms[i]?.ackAck();
    let info = await jsm.consumers.info(stream, "d");
    expect(pick(info)).toEqual({ delivered: [6, 6], ack_floor: [2, 2], num_ack_pending: 3, num_redelivered: 0, num_pending: 4, num_waiting: 0 });
    ms[2]?.nak();
    const re = await fetchAll(stream, "d", 1);
    expect(seqsOf(re)).toEqual([3]);
    info = await jsm.consumers.info(stream, "d");
    expect(pick(info)).toEqual({ delivered: [7, 6], ack_floor: [2, 2], num_ack_pending: 3, num_redelivered: 1, num_pending: 4, num_waiting: 0 });
    await re[0]?.ackAck();
    info = await jsm.consumers.info(stream, "d");
    expect(pick(info)).toEqual({ delivered: [7, 6], ack_floor: [4, 4], num_ack_pending: 2, num_redelivered: 0, num_pending: 4, num_waiting: 0 });
    await ms[4]?.ackAck();
    await ms[5]?.ackAck();
    info = await jsm.consumers.info(stream, "d");
    expect(pick(info)).toEqual({ delivered: [7, 6], ack_floor: [7, 6], num_ack_pending: 0, num_redelivered: 0, num_pending: 4, num_waiting: 0 });
  });
});

function pick(i: ConsumerInfo): Record<string, unknown> {
  return {
    delivered: [i.delivered.consumer_seq, i.delivered.stream_seq],
    ack_floor: [i.ack_floor.consumer_seq, i.ack_floor.stream_seq],
    num_ack_pending: i.num_ack_pending,
    num_redelivered: i.num_redelivered,
    num_pending: i.num_pending,
    num_waiting: i.num_waiting,
  };
}
