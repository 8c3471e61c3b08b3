// JetStream through the official client (@nats-io/jetstream v3) against a real natsts process: streams
// (limits, dedupe, expectations, rollups, sealed/deny flags, direct get, TTLs, retention policies,
// republish), consumers (pull and push, acks, redelivery, policies, filters, pause, exact info numbers),
// ordered consumers, and a restart on the same store directory.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StoredMsg,
  type StreamConfig,
  type StreamUpdateConfig,
} from "@nats-io/jetstream";
import { connect, createInbox, headers, nanos, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopAll, type ServerProcess } from "../lib/procs.js";
import { collectReplies, failure, iterate, sleep, startJs, statusOf, storeDir, targetKind, waitUntil, within } from "./helpers.js";

let srv: ServerProcess;
let nc: NatsConnection;
let jsm: JetStreamManager;
let js: JetStreamClient;
const te = new TextEncoder();
const td = new TextDecoder();

beforeAll(async () => {
  srv = await startJs({ config: "max_payload: 1MB\n" });
  nc = await connect({ servers: srv.url });
  jsm = await jetstreamManager(nc, { timeout: 3000 });
  js = jetstream(nc, { timeout: 3000 });
});
afterAll(async () => {
  await nc?.close();
  await stopAll();
});

let counter = 0;
/** A stream name unique within this file, and a subject prefix for it. */
function names(label: string): { stream: string; p: string } {
  counter++;
  return { stream: `${label.toUpperCase()}_${counter}`, p: `${label.toLowerCase()}${counter}` };
}

async function publishN(subject: string | ((i: number) => string), n: number, body: (i: number) => string = (i) => `m${i}`): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const pa = await js.publish(typeof subject === "string" ? subject : subject(i), te.encode(body(i)));
    seqs.push(pa.seq);
  }
  return seqs;
}

/** A fetch of up to `max` messages; fails (instead of hanging) when the fetch does not end in time. */
async function fetchAll(stream: string, consumer: string, max: number, expires = 1000): Promise<JsMsg[]> {
  const c = await js.consumers.get(stream, consumer);
  const iter = await c.fetch({ max_messages: max, expires });
  const out: JsMsg[] = [];
  const drain = async (): Promise<JsMsg[]> => {
    for await (const m of iter) out.push(m);
    return out;
  };
  try {
    return await within(drain(), expires + 3000, `fetch of ${max} from ${stream}/${consumer} (expires ${expires} ms; got ${out.length} so far)`);
  } catch (err) {
    iter.stop();
    throw err;
  }
}

/** consumer.next() bounded in time. */
function nextOf(c: Consumer, expires: number): Promise<JsMsg | null> {
  return within(c.next({ expires }), expires + 3000, `next (expires ${expires} ms)`);
}

const seqsOf = (ms: readonly JsMsg[]): number[] => ms.map((m) => m.seq);

/** A full stream config with changes, typed for streams.update (whose type omits the immutable fields). */
function withConfig(cfg: StreamConfig, changes: Partial<StreamConfig>): Partial<StreamUpdateConfig> {
  return { ...cfg, ...changes } as Partial<StreamUpdateConfig>;
}

describe("streams", () => {
  test("create, info, update, list, names, find, delete; wildcard subjects", async () => {
    const { stream, p } = names("basic");
    const si = await jsm.streams.add({ name: stream, subjects: [`${p}.a`, `${p}.b.*`, `${p}.c.>`] });
    expect(si.config.retention).toBe("limits");
    expect(si.config.storage).toBe("file");
    expect(si.config.discard).toBe("old");
    expect(si.config.max_msgs).toBe(-1);
    expect(si.config.duplicate_window).toBe(nanos(120_000));
    expect(si.state.messages).toBe(0);
    // Idempotent create with the same configuration.
    await jsm.streams.add({ name: stream, subjects: [`${p}.a`, `${p}.b.*`, `${p}.c.>`] });
    const other = await failure(jsm.streams.add({ name: stream, subjects: [`${p}.zzz`] }), "create with another config");
    expect(other.errCode).toBe(10058);

    expect((await js.publish(`${p}.a`, "1")).seq).toBe(1);
    expect((await js.publish(`${p}.b.x`, "2")).seq).toBe(2);
    expect((await js.publish(`${p}.c.x.y`, "3")).seq).toBe(3);
    // Not captured by `b.*`: nobody answers the publish.
    const miss = await failure(js.publish(`${p}.b.x.y`, "4", { timeout: 1000 }), "publish to an uncaptured subject");
    // The client reports the 503 no-responders status as "jetstream is not enabled".
    expect(miss.description).toMatch(/no responders|503|not enabled/i);
    const info = await jsm.streams.info(stream);
    expect(info.state).toMatchObject({ messages: 3, first_seq: 1, last_seq: 3, consumer_count: 0 });
    expect(info.state.bytes).toBeGreaterThan(0);

    const up = await jsm.streams.update(stream, { subjects: [`${p}.a`, `${p}.b.*`, `${p}.c.>`, `${p}.d`], max_msgs: 100, description: "updated" });
    expect(up.config.subjects).toEqual([`${p}.a`, `${p}.b.*`, `${p}.c.>`, `${p}.d`]);
    expect(up.config.max_msgs).toBe(100);
    expect(up.config.description).toBe("updated");
    expect((await js.publish(`${p}.d`, "5")).seq).toBe(4);
    // Storage type cannot change.
    const st = await failure(jsm.streams.update(stream, withConfig(up.config, { storage: StorageType.Memory })), "storage update");
    expect(st.errCode).toBe(10052);

    const listed = await jsm.streams.list().next();
    expect(listed.map((s) => s.config.name)).toContain(stream);
    expect(await jsm.streams.names(`${p}.c.>`).next()).toEqual([stream]);
    expect(await jsm.streams.names(`${p}.b.q`).next()).toEqual([stream]);
    expect(await jsm.streams.names(`${p}.nothing`).next()).toEqual([]);
    expect(await jsm.streams.find(`${p}.c.q.r`)).toBe(stream);

    expect(await jsm.streams.delete(stream)).toBe(true);
    const gone = await failure(jsm.streams.info(stream), "info of a deleted stream");
    expect(gone.errCode).toBe(10059);
    expect(gone.status).toBe(404);
  });

  test("purge: all, by subject filter, below a sequence, keep N, filter + keep", async () => {
    const { stream, p } = names("purge");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    const fill = (): Promise<number[]> => publishN((i) => `${p}.${i % 2 === 0 ? "even" : "odd"}`, 10);
    await fill();
    expect(await jsm.streams.purge(stream, { filter: `${p}.odd` })).toMatchObject({ success: true, purged: 5 });
    let st = (await jsm.streams.info(stream)).state;
    expect(st).toMatchObject({ messages: 5, first_seq: 1, last_seq: 10 });

    expect(await jsm.streams.purge(stream, { seq: 7 })).toMatchObject({ success: true, purged: 3 }); // 1,3,5
    st = (await jsm.streams.info(stream)).state;
    expect(st).toMatchObject({ messages: 2, first_seq: 7, last_seq: 10 });

    expect(await jsm.streams.purge(stream, { keep: 1 })).toMatchObject({ success: true, purged: 1 });
    st = (await jsm.streams.info(stream)).state;
    expect(st).toMatchObject({ messages: 1, first_seq: 9, last_seq: 10 });

    await fill(); // 11..20
    expect(await jsm.streams.purge(stream, { filter: `${p}.even`, keep: 2 })).toMatchObject({ success: true, purged: 4 }); // 9,11,13,15
    st = (await jsm.streams.info(stream)).state;
    expect(st.messages).toBe(7); // 12,14,16,18,20 odd; 17,19 even
    expect(st.first_seq).toBe(12);

    expect(await jsm.streams.purge(stream)).toMatchObject({ success: true, purged: 7 });
    st = (await jsm.streams.info(stream)).state;
    expect(st).toMatchObject({ messages: 0, first_seq: 21, last_seq: 20 });
    expect((await js.publish(`${p}.x`, "after")).seq).toBe(21);
  });

  test("max_msgs with discard old drops the oldest; with discard new rejects (10077)", async () => {
    const a = names("maxold");
    await jsm.streams.add({ name: a.stream, subjects: [`${a.p}.>`], max_msgs: 5 });
    await publishN(`${a.p}.x`, 8);
    expect((await jsm.streams.info(a.stream)).state).toMatchObject({ messages: 5, first_seq: 4, last_seq: 8 });

    const b = names("maxnew");
    await jsm.streams.add({ name: b.stream, subjects: [`${b.p}.>`], max_msgs: 5, discard: DiscardPolicy.New });
    await publishN(`${b.p}.x`, 5);
    const f = await failure(js.publish(`${b.p}.x`, "6"), "publish over max_msgs/discard new");
    expect(f.errCode).toBe(10077);
    expect(f.status).toBe(503);
    expect(f.description).toBe("maximum messages exceeded");
    expect((await jsm.streams.info(b.stream)).state).toMatchObject({ messages: 5, first_seq: 1, last_seq: 5 });
  });

  test("max_bytes with discard old and new", async () => {
    const a = names("bytesold");
    await jsm.streams.add({ name: a.stream, subjects: [`${a.p}.>`], max_bytes: 1000 });
    await publishN(`${a.p}.x`, 20, () => "x".repeat(100));
    const sa = (await jsm.streams.info(a.stream)).state;
    expect(sa.bytes).toBeLessThanOrEqual(1000);
    expect(sa.messages).toBeGreaterThan(0);
    expect(sa.messages).toBeLessThan(20);
    expect(sa.last_seq).toBe(20);
    expect(sa.first_seq).toBe(20 - sa.messages + 1);

    const b = names("bytesnew");
    await jsm.streams.add({ name: b.stream, subjects: [`${b.p}.>`], max_bytes: 1000, discard: DiscardPolicy.New });
    let rejected: Awaited<ReturnType<typeof failure>> | undefined;
    let stored = 0;
    for (let i = 0; i < 20 && rejected === undefined; i++) {
      try {
        await js.publish(`${b.p}.x`, "x".repeat(100));
        stored++;
      } catch (err) {
        rejected = await failure(Promise.reject(err));
      }
    }
    expect(rejected?.errCode).toBe(10077);
    expect(rejected?.description).toBe("maximum bytes exceeded");
    const sb = (await jsm.streams.info(b.stream)).state;
    expect({ stored, bytes: sb.bytes }, `discard old kept ${sa.messages} messages (${sa.bytes} bytes)`).toEqual({ stored: sa.messages, bytes: sa.bytes });
    expect((await jsm.streams.info(b.stream)).state).toMatchObject({ messages: stored, first_seq: 1, last_seq: stored });
  });

  test("max_msgs_per_subject: old keeps the newest per subject; discard_new_per_subject rejects", async () => {
    const a = names("persubj");
    await jsm.streams.add({ name: a.stream, subjects: [`${a.p}.>`], max_msgs_per_subject: 2 });
    await publishN((i) => `${a.p}.${i % 3}`, 9); // 0:1,4,7 1:2,5,8 2:3,6,9
    const sa = (await jsm.streams.info(a.stream)).state;
    expect(sa).toMatchObject({ messages: 6, first_seq: 4, last_seq: 9 });
    const m = await jsm.streams.getMessage(a.stream, { last_by_subj: `${a.p}.0` });
    expect(m?.seq).toBe(7);

    const b = names("persubjnew");
    await jsm.streams.add({
      name: b.stream, subjects: [`${b.p}.>`], max_msgs_per_subject: 2, discard: DiscardPolicy.New, discard_new_per_subject: true,
    });
    await publishN(`${b.p}.a`, 2);
    const f = await failure(js.publish(`${b.p}.a`, "3"), "third message on a subject");
    expect(f.errCode).toBe(10077);
    expect(f.description).toBe("maximum messages per subject exceeded");
    expect((await js.publish(`${b.p}.b`, "other subject")).seq).toBe(3);
  });

  test("max_msg_size rejects larger messages (10054)", async () => {
    const { stream, p } = names("msgsize");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], max_msg_size: 100 });
    expect((await js.publish(`${p}.x`, "x".repeat(100))).seq).toBe(1);
    const f = await failure(js.publish(`${p}.x`, "x".repeat(101)), "publish over max_msg_size");
    expect(f.errCode).toBe(10054);
    expect(f.description).toBe("message size exceeds maximum allowed");
  });

  test("max_age expires messages", async () => {
    const { stream, p } = names("maxage");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], max_age: nanos(300) });
    await publishN(`${p}.x`, 3);
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
    const t0 = Date.now();
    const emptied = await waitUntil(async () => (await jsm.streams.info(stream)).state.messages === 0, 4000);
    expect(emptied, "messages still there 4 s after max_age 300 ms").toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect((await jsm.streams.info(stream)).state).toMatchObject({ first_seq: 4, last_seq: 3 });
  });

  test("duplicate_window: the same Nats-Msg-Id is acked as a duplicate, until the window passes", async () => {
    const { stream, p } = names("dedupe");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], duplicate_window: nanos(500) });
    const t0 = Date.now();
    const first = await js.publish(`${p}.x`, "a", { msgID: "id-1" });
    expect(first).toEqual({ stream, seq: 1, duplicate: false });
    const dup = await js.publish(`${p}.x`, "a-again", { msgID: "id-1" });
    expect(dup).toEqual({ stream, seq: 1, duplicate: true });
    expect((await js.publish(`${p}.x`, "b", { msgID: "id-2" })).seq).toBe(2);
    expect((await jsm.streams.info(stream)).state.messages).toBe(2);
    let again = await js.publish(`${p}.x`, "a-later", { msgID: "id-1" });
    while (again.duplicate && Date.now() - t0 < 4000) {
      await sleep(100);
      again = await js.publish(`${p}.x`, "a-later", { msgID: "id-1" });
    }
    expect(again.duplicate, "still a duplicate 4 s after a 500 ms window").toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(again.seq).toBe(3);
    expect((await jsm.streams.getMessage(stream, { seq: 1 }))?.string()).toBe("a");
  });

  test("expected stream / last sequence / last subject sequence / last msg id", async () => {
    const { stream, p } = names("expect");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await js.publish(`${p}.a`, "1", { msgID: "m1" }); // 1
    await js.publish(`${p}.b`, "2", { msgID: "m2" }); // 2

    const es = await failure(js.publish(`${p}.a`, "x", { expect: { streamName: "NOPE" } }), "wrong expected stream");
    expect(es.errCode).toBe(10060);
    expect(es.description).toBe("expected stream does not match");
    expect((await js.publish(`${p}.a`, "3", { expect: { streamName: stream } })).seq).toBe(3);

    const ls = await failure(js.publish(`${p}.a`, "x", { expect: { lastSequence: 2 } }), "wrong expected last sequence");
    expect(ls.errCode).toBe(10071);
    expect(ls.description).toBe("wrong last sequence: 3");
    expect((await js.publish(`${p}.a`, "4", { expect: { lastSequence: 3 } })).seq).toBe(4);

    const lss = await failure(js.publish(`${p}.b`, "x", { expect: { lastSubjectSequence: 1 } }), "wrong expected last subject sequence");
    expect(lss.errCode).toBe(10071);
    expect(lss.description).toBe("wrong last sequence: 2");
    expect((await js.publish(`${p}.b`, "5", { expect: { lastSubjectSequence: 2 } })).seq).toBe(5);
    // 0 means: no message on the subject yet.
    const zero = await failure(js.publish(`${p}.a`, "x", { expect: { lastSubjectSequence: 0 } }), "expected empty subject");
    expect(zero.errCode).toBe(10071);
    expect((await js.publish(`${p}.new`, "6", { expect: { lastSubjectSequence: 0 } })).seq).toBe(6);

    await js.publish(`${p}.a`, "7", { msgID: "m7" }); // 7
    const lid = await failure(js.publish(`${p}.a`, "x", { expect: { lastMsgID: "m2" } }), "wrong expected last msg id");
    expect(lid.errCode).toBe(10070);
    expect(lid.description).toBe("wrong last msg ID: m7");
    expect((await js.publish(`${p}.a`, "8", { expect: { lastMsgID: "m7" } })).seq).toBe(8);
    expect((await jsm.streams.info(stream)).state.messages).toBe(8);
  });

  test("Nats-Rollup sub and all with allow_rollup_hdrs; rejected without it (10111)", async () => {
    const { stream, p } = names("rollup");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], allow_rollup_hdrs: true });
    await publishN((i) => `${p}.${i % 2 === 0 ? "a" : "b"}`, 6); // a:1,3,5 b:2,4,6
    const sub = headers();
    sub.set("Nats-Rollup", "sub");
    expect((await js.publish(`${p}.a`, "rolled", { headers: sub })).seq).toBe(7);
    let st = (await jsm.streams.info(stream, { subjects_filter: ">" })).state;
    expect(st.messages).toBe(4); // 2,4,6,7
    expect(st.subjects).toEqual({ [`${p}.a`]: 1, [`${p}.b`]: 3 });
    const all = headers();
    all.set("Nats-Rollup", "all");
    expect((await js.publish(`${p}.c`, "everything", { headers: all })).seq).toBe(8);
    st = (await jsm.streams.info(stream)).state;
    expect(st).toMatchObject({ messages: 1, first_seq: 8, last_seq: 8 });

    const n = names("norollup");
    await jsm.streams.add({ name: n.stream, subjects: [`${n.p}.>`] });
    const f = await failure(js.publish(`${n.p}.a`, "x", { headers: sub }), "rollup without allow_rollup_hdrs");
    expect(f.errCode).toBe(10111);
    expect(f.description).toBe("rollup not permitted");
  });

  test("sealed stream refuses writes, purges and deletes, and cannot be unsealed", async () => {
    const { stream, p } = names("sealed");
    const si = await jsm.streams.add({ name: stream, subjects: [`${p}.>`] });
    await publishN(`${p}.x`, 3);
    const sealed = await jsm.streams.update(stream, withConfig(si.config, { sealed: true }));
    expect(sealed.config.sealed).toBe(true);
    expect(sealed.config.deny_delete).toBe(true);
    expect(sealed.config.deny_purge).toBe(true);
    const pub = await failure(js.publish(`${p}.x`, "late"), "publish to a sealed stream");
    expect(pub.errCode).toBe(10109);
    expect(pub.description).toBe("invalid operation on sealed stream");
    const pur = await failure(jsm.streams.purge(stream), "purge of a sealed stream");
    expect(pur.errCode).toBe(10109);
    const del = await failure(jsm.streams.deleteMessage(stream, 1), "msg delete on a sealed stream");
    expect(del.errCode).toBe(10109);
    const uns = await failure(jsm.streams.update(stream, withConfig(sealed.config, { sealed: false })), "unseal");
    expect(uns.errCode).toBe(10052);
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
  });

  test("deny_delete and deny_purge", async () => {
    const { stream, p } = names("deny");
    await jsm.streams.add({ name: stream, subjects: [`${p}.>`], deny_delete: true, deny_purge: true });
    await publishN(`${p}.x`, 3);
    const del = await failure(jsm.streams.deleteMessage(stream, 2), "delete with deny_delete");
    expect(del.errCode).toBe(10057);
    expect(del.description).toBe("message delete not permitted");
    const pur = await failure(jsm.streams.purge(stream), "purge with deny_purge");
    expect(pur.errCode).toBe(10110);
    expect(pur.description).toBe("stream purge not permitted");
    expect((await jsm.streams.info(stream)).state.messages).toBe(3);
  });

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
