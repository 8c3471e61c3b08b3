// JetStream streams through the official client (@nats-io/jetstream v3) against a real natsts process:
// create/info/update/list/delete, purges, limits and discard policies, dedupe, publish expectations,
// rollups, sealed and deny flags.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import { DiscardPolicy, StorageType } from "@nats-io/jetstream";
import { headers, nanos } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { failure, sleep, waitUntil } from "./helpers.js";
import { js, jsm, names, publishN, useJsServer, withConfig } from "./clients-fixture.js";

useJsServer();

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
});
