// JetStream stream messages through the official client (@nats-io/jetstream v3) against a real natsts
// process: msg get/delete, direct get, memory storage and first_seq, per-message TTLs, no_ack, interest
// and workqueue retention, republish.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import { AckPolicy, RetentionPolicy, StorageType, type StoredMsg } from "@nats-io/jetstream";
import { headers, type Msg } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { failure, iterate, waitUntil } from "./helpers.js";
import { fetchAll, js, jsm, names, nc, publishN, seqsOf, td, useJsServer } from "./clients-fixture.js";

useJsServer();

describe("streams", () => {
  test("msg get and delete (erase and no_erase) through the API", async () => {
    const { stream, p } = names("msgget");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    const h = headers();
    h.set("X-Thing", "yes");
    await js.publish(`${p}.a`, "one", { headers: h });
    await publishN((i) => `${p}.${i % 2 === 0 ? "b" : "a"}`, 4); // b:2 a:3 b:4 a:5
    const m1 = await jsm.streams.getMessage(stream, { seq: 1 });
    expect(m1?.subject).toBe(`${p}.a`);
    expect(m1?.string()).toBe("one");
    expect(m1?.header.get("X-Thing")).toBe("yes");
    expect((await jsm.streams.getMessage(stream, { last_by_subj: `${p}.b` }))?.seq).toBe(4);
    expect((await jsm.streams.getMessage(stream, { last_by_subj: `${p}.*` }))?.seq).toBe(5);
    expect(await jsm.streams.deleteMessage(stream, 2)).toBe(true);
    expect(await jsm.streams.deleteMessage(stream, 3, false)).toBe(true);
    expect(await jsm.streams.getMessage(stream, { seq: 2 })).toBeNull();
    const st = (await jsm.streams.info(stream, { deleted_details: true })).state;
    expect(st).toMatchObject({ messages: 3, first_seq: 1, last_seq: 5, num_deleted: 2 });
    expect(st.deleted).toEqual([2, 3]);
    const again = await failure(jsm.streams.deleteMessage(stream, 2), "delete of a deleted message");
    expect(again.errCode).toBe(10043);
    expect(again.description).toBe("sequence 2 not found");
  });

  test("allow_direct: direct get by sequence, last by subject, batch and multi-last", async () => {
    const { stream, p } = names("direct");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], allow_direct: true });
    const h = headers();
    h.set("X-Orig", "kept");
    await js.publish(`${p}.a`, "a1", { headers: h }); // 1
    await js.publish(`${p}.b`, "b1"); // 2
    await js.publish(`${p}.a`, "a2"); // 3
    await js.publish(`${p}.c`, "c1"); // 4
    const bySeq = await jsm.direct.getMessage(stream, { seq: 1 });
    expect(bySeq?.seq).toBe(1);
    expect(bySeq?.subject).toBe(`${p}.a`);
    expect(bySeq?.string()).toBe("a1");
    expect(bySeq?.header.get("X-Orig")).toBe("kept");
    expect(bySeq?.header.get("Nats-Stream")).toBe(stream);
    const last = await jsm.direct.getMessage(stream, { last_by_subj: `${p}.a` });
    expect(last?.seq).toBe(3);
    expect(last?.string()).toBe("a2");
    const next = await jsm.direct.getMessage(stream, { next_by_subj: `${p}.a`, seq: 2 });
    expect(next?.seq).toBe(3);
    expect(await jsm.direct.getMessage(stream, { seq: 99 })).toBeNull();

    const batch: StoredMsg[] = [];
    await iterate(await jsm.direct.getBatch(stream, { seq: 2, batch: 2 }), (m) => {
      batch.push(m);
      return false;
    }, 3000, "direct batch get");
    expect(batch.map((m) => m.seq)).toEqual([2, 3]);
    const multi: StoredMsg[] = [];
    await iterate(await jsm.direct.getLastMessagesFor(stream, { multi_last: [`${p}.a`, `${p}.c`] }), (m) => {
      multi.push(m);
      return false;
    }, 3000, "direct multi-last get");
    expect(multi.map((m) => [m.subject, m.seq])).toEqual([[`${p}.a`, 3], [`${p}.c`, 4]]);

    // The subject-appended form: DIRECT.GET.<stream>.<subject> with an empty body.
    const r = await nc.request(`$JS.API.DIRECT.GET.${stream}.${p}.b`, "", { timeout: 2000 });
    expect(td.decode(r.data)).toBe("b1");
    expect(r.headers?.get("Nats-Sequence")).toBe("2");
    expect(r.headers?.get("Nats-Subject")).toBe(`${p}.b`);
  });

  test("memory storage and first_seq", async () => {
    const { stream, p } = names("mem");
    const si = await jsm.streams.add({ name: stream, subjects: [`${p}.>`], storage: StorageType.Memory, first_seq: 100 });
    expect(si.config.storage).toBe("memory");
    expect(si.config.first_seq).toBe(100);
    expect(si.state).toMatchObject({ messages: 0, first_seq: 100, last_seq: 99 });
    expect(await publishN(`${p}.x`, 3)).toEqual([100, 101, 102]);
    expect((await jsm.streams.getMessage(stream, { seq: 101 }))?.string()).toBe("m1");
    const info = await jsm.streams.info(stream);
    expect(info.state).toMatchObject({ messages: 3, first_seq: 100, last_seq: 102 });
    const acct = await jsm.getAccountInfo();
    expect(acct.memory).toBeGreaterThanOrEqual(info.state.bytes);
  });

  test("per-message TTL (allow_msg_ttl + Nats-TTL); errors 10166 and 10165", async () => {
    const { stream, p } = names("ttl");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], allow_msg_ttl: true });
    await js.publish(`${p}.short`, "bye", { ttl: "1s" });
    await js.publish(`${p}.long`, "stay");
    const m = await jsm.streams.getMessage(stream, { seq: 1 });
    expect(m?.header.get("Nats-TTL")).toBe("1s");
    const t0 = Date.now();
    const gone = await waitUntil(async () => (await jsm.streams.info(stream)).state.messages === 1, 5000, 100);
    expect(gone, "the 1s-TTL message is still there after 5 s").toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(await jsm.streams.getMessage(stream, { seq: 1 })).toBeNull();
    expect((await jsm.streams.getMessage(stream, { seq: 2 }))?.string()).toBe("stay");
    const bad = await failure(js.publish(`${p}.x`, "x", { ttl: "soon" }), "invalid TTL");
    expect(bad.errCode).toBe(10165);

    const n = names("nottl");
    await jsm.streams.add({ name: n.stream, subjects: [`${n.p}.>`] });
    const off = await failure(js.publish(`${n.p}.x`, "x", { ttl: "5s" }), "TTL on a stream without allow_msg_ttl");
    expect(off.errCode).toBe(10166);
    expect(off.description).toBe("per-message TTL is disabled");
  });

  test("no_ack: messages are stored but no PubAck is sent", async () => {
    const { stream, p } = names("noack");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], no_ack: true });
    const f = await failure(nc.request(`${p}.x`, "1", { timeout: 500 }), "request to a no_ack stream");
    expect(f.description).toMatch(/timeout/i);
    nc.publish(`${p}.x`, "2");
    await nc.flush();
    expect(await waitUntil(async () => (await jsm.streams.info(stream)).state.messages === 2, 2000)).toBe(true);
  });

  test("interest retention: kept until every consumer acked; dropped without consumers", async () => {
    const { stream, p } = names("interest");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], retention: RetentionPolicy.Interest });
    await js.publish(`${p}.x`, "nobody listens");
    expect((await jsm.streams.info(stream)).state).toMatchObject({ messages: 0, last_seq: 1 });
    await jsm.consumers.add(stream, { durable_name: "c1", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add(stream, { durable_name: "c2", ack_policy: AckPolicy.Explicit });
    await publishN(`${p}.x`, 3); // 2,3,4
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
    for (const m of await fetchAll(stream, "c1", 3)) await m.ackAck();
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
    const c2 = await fetchAll(stream, "c2", 3);
    expect(seqsOf(c2)).toEqual([2, 3, 4]);
    await c2[0]?.ackAck();
    await c2[1]?.ackAck();
    expect(await waitUntil(async () => (await jsm.streams.info(stream)).state.messages === 1, 2000)).toBe(true);
    expect((await jsm.streams.info(stream)).state.first_seq).toBe(4);
  });

  test("workqueue retention: removed after the ack; a second unfiltered consumer is refused (10099)", async () => {
    const { stream, p } = names("wq");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(stream, { durable_name: "w", ack_policy: AckPolicy.Explicit });
    const second = await failure(jsm.consumers.add(stream, { durable_name: "w2", ack_policy: AckPolicy.Explicit }), "second wq consumer");
    expect(second.errCode).toBe(10099);
    await publishN(`${p}.x`, 4);
    const got = await fetchAll(stream, "w", 2);
    expect(seqsOf(got)).toEqual([1, 2]);
    expect((await jsm.streams.info(stream)).state.messages).toBe(4);
    for (const m of got) await m.ackAck();
    expect(await waitUntil(async () => (await jsm.streams.info(stream)).state.messages === 2, 2000)).toBe(true);
    expect((await jsm.streams.info(stream)).state.first_seq).toBe(3);
  });

  test("republish copies stored messages to the destination with stream headers", async () => {
    const { stream, p } = names("repub");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], republish: { src: `${p}.>`, dest: `out${p}.>` } });
    const got: Msg[] = [];
    const sub = nc.subscribe(`out${p}.>`, { callback: (err, m) => { if (err === null) got.push(m); } });
    await nc.flush();
    await js.publish(`${p}.a`, "r1");
    await js.publish(`${p}.b`, "r2");
    await js.publish(`${p}.a`, "r3");
    expect(await waitUntil(() => got.length === 3, 2000)).toBe(true);
    sub.unsubscribe();
    expect(got.map((m) => [m.subject, td.decode(m.data)])).toEqual([[`out${p}.a`, "r1"], [`out${p}.b`, "r2"], [`out${p}.a`, "r3"]]);
    const h = got[1]?.headers;
    expect(h?.get("Nats-Stream")).toBe(stream);
    expect(h?.get("Nats-Subject")).toBe(`${p}.b`);
    expect(h?.get("Nats-Sequence")).toBe("2");
    // The previous sequence on the same subject (0: none).
    expect(h?.get("Nats-Last-Sequence")).toBe("0");
    expect(got[2]?.headers?.get("Nats-Last-Sequence")).toBe("1");
  });
});
