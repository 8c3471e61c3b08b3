// JetStream consumer kinds and policies through the official client (@nats-io/jetstream v3) against a
// real natsts process: durable, named and ephemeral consumers, deliver policies, filters, headers_only,
// push consumers (deliver groups, flow control, heartbeats), ordered consumers; and a restart on the
// same store directory.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  StorageType,
  jetstream,
  jetstreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { connect, createInbox, headers, nanos, type Msg } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { failure, iterate, sleep, startJs, statusOf, storeDir, targetKind, waitUntil } from "./helpers.js";
import { fetchAll, js, jsm, names, nc, nextOf, publishN, seqsOf, te, useJsServer } from "./clients-fixture.js";

useJsServer();

describe("consumer kinds and policies", () => {
  test("durable, named and ephemeral consumers; inactive_threshold removes an idle ephemeral", async () => {
    const { stream, p } = names("kinds");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    const dur = await jsm.consumers.add(stream, { durable_name: "dur", ack_policy: AckPolicy.Explicit });
    expect(dur.name).toBe("dur");
    expect(dur.config.durable_name).toBe("dur");
    expect(dur.config.inactive_threshold ?? 0).toBe(0);
    const named = await jsm.consumers.add(stream, { name: "named", ack_policy: AckPolicy.Explicit });
    expect(named.name).toBe("named");
    expect(named.config.durable_name).toBeUndefined();
    expect(named.config.inactive_threshold).toBe(nanos(5000));
    const eph = await jsm.consumers.add(stream, { ack_policy: AckPolicy.Explicit, inactive_threshold: nanos(500) });
    expect(eph.name).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(eph.config.durable_name).toBeUndefined();
    const listed = (await jsm.consumers.list(stream).next()).map((c) => c.name).sort();
    expect(listed).toEqual([eph.name, "dur", "named"].sort());
    expect((await jsm.streams.info(stream)).state.consumer_count).toBe(3);
    const t0 = Date.now();
    const removed = await waitUntil(async () => {
      try {
        await jsm.consumers.info(stream, eph.name);
        return false;
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === 10014) return true;
        throw err;
      }
    }, 5000, 100);
    expect(removed, "the ephemeral consumer still exists 5 s after its 500 ms inactive threshold").toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect((await jsm.consumers.info(stream, "dur")).name).toBe("dur");
    expect(await jsm.consumers.delete(stream, "named")).toBe(true);
    const gone = await failure(jsm.consumers.info(stream, "named"), "info of a deleted consumer");
    expect(gone.errCode).toBe(10014);
    expect((await jsm.streams.info(stream)).state.consumer_count).toBe(1);
  });

  test("deliver policies: all, last, new, by_start_sequence, by_start_time, last_per_subject", async () => {
    const { stream, p } = names("policies");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await publishN((i) => `${p}.${i % 3}`, 6); // 0:1,4 1:2,5 2:3,6
    await sleep(50);
    const mid = new Date();
    await sleep(50);
    await publishN((i) => `${p}.${i % 3}`, 3, (i) => `late${i}`); // 7,8,9
    const first = async (cfg: Record<string, unknown>, name: string): Promise<{ seqs: number[]; pending: number }> => {
      await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.None, ...cfg });
      const pending = (await jsm.consumers.info(stream, name)).num_pending;
      return { seqs: seqsOf(await fetchAll(stream, name, 10, 1000)), pending };
    };
    expect(await first({ deliver_policy: DeliverPolicy.All }, "all")).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9], pending: 9 });
    expect(await first({ deliver_policy: DeliverPolicy.Last }, "last")).toEqual({ seqs: [9], pending: 1 });
    expect(await first({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 5 }, "byseq")).toEqual({ seqs: [5, 6, 7, 8, 9], pending: 5 });
    expect(await first({ deliver_policy: DeliverPolicy.StartTime, opt_start_time: mid.toISOString() }, "bytime")).toEqual({ seqs: [7, 8, 9], pending: 3 });
    expect(await first({ deliver_policy: DeliverPolicy.LastPerSubject, filter_subject: `${p}.>` }, "lps")).toEqual({ seqs: [7, 8, 9], pending: 3 });
    await jsm.consumers.add(stream, { durable_name: "new", ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.New });
    expect((await jsm.consumers.info(stream, "new")).num_pending).toBe(0);
    await js.publish(`${p}.0`, "fresh"); // 10
    expect(seqsOf(await fetchAll(stream, "new", 10, 1000))).toEqual([10]);
  });

  test("filter_subject and filter_subjects; headers_only", async () => {
    const { stream, p } = names("filters");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await publishN((i) => `${p}.${["a", "b", "c"][i % 3] ?? "z"}`, 9, (i) => "z".repeat(i + 1)); // a:1,4,7 b:2,5,8 c:3,6,9
    await jsm.consumers.add(stream, { durable_name: "fa", ack_policy: AckPolicy.None, filter_subject: `${p}.a` });
    expect(seqsOf(await fetchAll(stream, "fa", 10, 1000))).toEqual([1, 4, 7]);
    await jsm.consumers.add(stream, { durable_name: "fac", ack_policy: AckPolicy.None, filter_subjects: [`${p}.a`, `${p}.c`] });
    expect((await jsm.consumers.info(stream, "fac")).num_pending).toBe(6);
    expect(seqsOf(await fetchAll(stream, "fac", 10, 1000))).toEqual([1, 3, 4, 6, 7, 9]);
    await jsm.consumers.add(stream, { durable_name: "ho", ack_policy: AckPolicy.None, filter_subject: `${p}.b`, headers_only: true });
    const ho = await fetchAll(stream, "ho", 10, 1000);
    expect(seqsOf(ho)).toEqual([2, 5, 8]);
    expect(ho.map((m) => m.data.length)).toEqual([0, 0, 0]);
    expect(ho.map((m) => m.headers?.get("Nats-Msg-Size"))).toEqual(["2", "5", "8"]);
  });

  test("push consumer with deliver_subject; queue deliver_group spreads messages", async () => {
    const { stream, p } = names("push");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    const inbox = createInbox();
    await jsm.consumers.add(stream, { durable_name: "push", ack_policy: AckPolicy.Explicit, deliver_subject: inbox });
    const got: Msg[] = [];
    const sub = nc.subscribe(inbox, { callback: (err, m) => { if (err === null) { got.push(m); m.respond(); } } });
    await publishN(`${p}.x`, 5);
    expect(await waitUntil(() => got.length === 5, 3000)).toBe(true);
    expect(got.map((m) => m.subject)).toEqual(Array(5).fill(`${p}.x`));
    expect(got.every((m) => (m.reply ?? "").startsWith(`$JS.ACK.${stream}.push.1.`))).toBe(true);
    sub.unsubscribe();
    expect(await waitUntil(async () => (await jsm.consumers.info(stream, "push")).num_ack_pending === 0, 2000)).toBe(true);

    const qInbox = createInbox();
    await jsm.consumers.add(stream, {
      durable_name: "queue", ack_policy: AckPolicy.Explicit, deliver_subject: qInbox, deliver_group: "workers",
      deliver_policy: DeliverPolicy.New,
    });
    const perMember: number[][] = [[], [], []];
    const subs = perMember.map((arr) => nc.subscribe(qInbox, {
      queue: "workers",
      callback: (err, m) => {
        if (err !== null) return;
        const seq = Number((m.reply ?? "").split(".")[5]); // $JS.ACK.<s>.<c>.<dc>.<sseq>...
        arr.push(seq);
        m.respond();
      },
    }));
    await nc.flush();
    const seqs = await publishN(`${p}.q`, 30);
    expect(await waitUntil(() => perMember.flat().length >= 30, 3000)).toBe(true);
    await sleep(100);
    for (const s of subs) s.unsubscribe();
    expect(perMember.flat().sort((a, b) => a - b)).toEqual(seqs);
    expect(perMember.filter((a) => a.length > 0).length).toBeGreaterThanOrEqual(2);
    const qi = await jsm.consumers.info(stream, "queue");
    expect(qi.config.deliver_group).toBe("workers");
  });

  test("push consumer flow control and idle heartbeats", async () => {
    const { stream, p } = names("flow");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    const inbox = createInbox();
    await jsm.consumers.add(stream, {
      durable_name: "fc", ack_policy: AckPolicy.None, deliver_subject: inbox, flow_control: true, idle_heartbeat: nanos(300),
    });
    const data: number[] = [];
    const fc: string[] = [];
    const hb: Msg[] = [];
    const sub = nc.subscribe(inbox, {
      callback: (err, m) => {
        if (err !== null) return;
        const st = statusOf(m);
        if (st === undefined) data.push(m.data.length);
        else if (st.description === "FlowControl Request") {
          fc.push(m.reply ?? "");
          m.respond();
        } else if (st.description === "Idle Heartbeat") hb.push(m);
      },
    });
    await nc.flush();
    const payload = new Uint8Array(64 * 1024);
    for (let i = 0; i < 100; i++) await js.publish(`${p}.x`, payload);
    expect(await waitUntil(() => data.length === 100, 5000)).toBe(true);
    expect(fc.length, "no flow control request for 6.4 MB of push deliveries").toBeGreaterThanOrEqual(1);
    expect(fc.every((r) => r.startsWith(`$JS.FC.${stream}.fc.`))).toBe(true);
    expect(await waitUntil(() => hb.length >= 2, 3000)).toBe(true);
    const last = hb[hb.length - 1];
    expect(last?.headers?.get("Nats-Last-Consumer")).toBe("100");
    expect(last?.headers?.get("Nats-Last-Stream")).toBe("100");
    sub.unsubscribe();
  });

  test("push consumer through the client (getPushConsumer)", async () => {
    const { stream, p } = names("pushcl");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await jsm.consumers.add(stream, {
      durable_name: "pc", ack_policy: AckPolicy.Explicit, deliver_subject: createInbox(), idle_heartbeat: nanos(500), flow_control: true,
    });
    await publishN(`${p}.x`, 10);
    const pc = await js.consumers.getPushConsumer(stream, "pc");
    const seen: number[] = [];
    const it = await pc.consume();
    await iterate(it, (m) => {
      seen.push(m.seq);
      m.ack();
      return m.seq === 10;
    }, 5000, "push consume of 10");
    it.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test("ordered consumers (pull and push) deliver everything in order", async () => {
    const { stream, p } = names("ordered");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await publishN((i) => `${p}.${i % 2}`, 20);
    const oc = await js.consumers.get(stream, { filter_subjects: [`${p}.1`] });
    const seen: number[] = [];
    const it = await oc.consume();
    await iterate(it, (m) => {
      seen.push(m.seq);
      return m.info.pending === 0;
    }, 5000, "ordered pull consume");
    it.stop();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => 2 * i + 2));
    const all = await js.consumers.get(stream);
    const msgs: number[] = [];
    const it2 = await all.fetch({ max_messages: 20, expires: 1000 });
    await iterate(it2, (m) => {
      msgs.push(m.seq);
      return false;
    }, 5000, "ordered fetch");
    expect(msgs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const op = await js.consumers.getPushConsumer(stream);
    const pushed: number[] = [];
    const it3 = await op.consume();
    await iterate(it3, (m) => {
      pushed.push(m.seq);
      return m.info.pending === 0;
    }, 5000, "ordered push consume");
    it3.stop();
    expect(pushed).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe("restart", () => {
  test("SIGTERM and a new process on the same store keep streams, messages and durable consumer positions", async () => {
    const store = storeDir("js-restart");
    try {
      let s = await startJs({ jetstream: false, args: ["-js", "-sd", store.dir], name: `${targetKind()}-restart-1` });
      let c = await connect({ servers: s.url });
      let m = await jetstreamManager(c, { timeout: 3000 });
      let j = jetstream(c, { timeout: 3000 });
      await m.streams.add({ name: "KEEP", subjects: ["keep.>"], max_msgs_per_subject: 5 });
      await m.streams.add({ name: "KEEPMEM", subjects: ["keepmem.>"], storage: StorageType.Memory });
      const h = headers();
      h.set("X-Seq", "h");
      for (let i = 1; i <= 20; i++) await j.publish(`keep.${i % 4}`, te.encode(`payload-${i}`), i === 3 ? { headers: h } : {});
      await j.publish("keepmem.x", "volatile");
      await m.streams.deleteMessage("KEEP", 18);
      await m.consumers.add("KEEP", { durable_name: "pos", ack_policy: AckPolicy.Explicit, filter_subject: "keep.>" });
      const cons = await j.consumers.get("KEEP", "pos");
      const iter = await cons.fetch({ max_messages: 7, expires: 1000 });
      const fetched: JsMsg[] = [];
      await iterate(iter, (x) => {
        fetched.push(x);
        return false;
      }, 5000, "fetch before the restart");
      expect(seqsOf(fetched)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const x of fetched.slice(0, 5)) await x.ackAck();
      const before = await m.streams.info("KEEP");
      const cBefore = await m.consumers.info("KEEP", "pos");
      await c.close();
      const exit = await s.stop(10_000);
      expect(exit.signal === "SIGTERM" || exit.code === 0, `graceful exit, got ${JSON.stringify(exit)}`).toBe(true);

      s = await startJs({ jetstream: false, args: ["-js", "-sd", store.dir], name: `${targetKind()}-restart-2` });
      c = await connect({ servers: s.url });
      m = await jetstreamManager(c, { timeout: 3000 });
      j = jetstream(c, { timeout: 3000 });
      const after = await m.streams.info("KEEP");
      expect.soft(after.config).toEqual(before.config);
      expect.soft(after.state).toMatchObject({ messages: 19, first_seq: 1, last_seq: 20, num_deleted: 1 });
      expect.soft(after.state.bytes).toBe(before.state.bytes);
      expect.soft((await m.streams.getMessage("KEEP", { seq: 3 }))?.header.get("X-Seq")).toBe("h");
      for (let i = 1; i <= 20; i++) {
        const got = await m.streams.getMessage("KEEP", { seq: i });
        if (i === 18) expect.soft(got).toBeNull();
        else expect.soft(got?.string()).toBe(`payload-${i}`);
      }
      // A memory stream does not survive a restart (as with nats-server).
      const mem = await failure(m.streams.info("KEEPMEM"), "info of a memory stream after a restart");
      expect.soft(mem.errCode).toBe(10059);
      const cAfter = await m.consumers.info("KEEP", "pos");
      expect.soft(cAfter.config).toEqual(cBefore.config);
      expect.soft(cAfter.ack_floor).toMatchObject({ consumer_seq: 5, stream_seq: 5 });
      expect.soft(cAfter.delivered).toMatchObject({ consumer_seq: 7, stream_seq: 7 });
      expect.soft(cAfter.num_pending).toBe(12); // 8..20 without 18
      // The consumer goes on where it stopped: 6 and 7 are still pending (their 30 s ack_wait has not
      // passed), so the next delivery is 8.
      const cons2 = await j.consumers.get("KEEP", "pos");
      const nextMsg = await nextOf(cons2, 2000);
      expect.soft(nextMsg?.seq).toBe(8);
      expect.soft((await j.publish("keep.x", "after restart")).seq).toBe(21);
      await c.close();
      await s.stop();
    } finally {
      store.remove();
    }
  });
});
