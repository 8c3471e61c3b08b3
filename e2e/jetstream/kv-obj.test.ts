// Key-value buckets (@nats-io/kv) and object stores (@nats-io/obj) against a real natsts process. Both
// are client-side conventions over streams, so these exercise rollups, per-subject limits, direct get,
// expected-last-subject-sequence publishes, ordered consumers with last_per_subject, purges and TTLs.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import { createHash, randomBytes } from "node:crypto";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, KvWatchInclude, type KV, type KvEntry, type KvWatchEntry } from "@nats-io/kv";
import { Objm, type ObjectInfo } from "@nats-io/obj";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopAll, type ServerProcess } from "../lib/procs.js";
import { failure, iterate, sleep, startJs, waitUntil, within } from "./helpers.js";

let srv: ServerProcess;
let nc: NatsConnection;
let jsm: JetStreamManager;
let kvm: Kvm;
let objm: Objm;

beforeAll(async () => {
  srv = await startJs();
  nc = await connect({ servers: srv.url });
  jsm = await jetstreamManager(nc, { timeout: 5000 });
  kvm = new Kvm(nc);
  objm = new Objm(nc);
});
afterAll(async () => {
  await nc?.close();
  await stopAll();
});

const str = (e: KvEntry | null): string | null => (e === null ? null : e.string());

/** Collects watch/history entries until `done` says so (bounded); for iterators read once. */
async function watchUntil(iter: Awaited<ReturnType<KV["watch"]>>, done: (all: KvWatchEntry[]) => boolean, ms: number, what: string): Promise<KvWatchEntry[]> {
  const out: KvWatchEntry[] = [];
  if (done(out)) return out;
  await iterate(iter, (e) => {
    out.push(e);
    return done(out);
  }, ms, what);
  return out;
}

/** Reads a watcher in the background; `next(n)` waits for the next n entries (bounded). */
function watcher(iter: Awaited<ReturnType<KV["watch"]>>, what: string): { next(n: number, ms?: number): Promise<KvWatchEntry[]>; stop(): void } {
  const seen: KvWatchEntry[] = [];
  let taken = 0;
  let failed: unknown;
  const pump = (async () => {
    for await (const e of iter) seen.push(e);
  })();
  pump.catch((err: unknown) => { failed = err; });
  return {
    async next(n, ms = 3000) {
      const ok = await waitUntil(() => failed !== undefined || seen.length >= taken + n, ms, 10);
      if (failed !== undefined) throw failed instanceof Error ? failed : new Error(String(failed));
      const got = seen.slice(taken, taken + n);
      if (!ok) throw new Error(`${what}: ${got.length} of ${n} entries after ${ms} ms: ${JSON.stringify(show(got))}`);
      taken += n;
      return got;
    },
    stop: () => iter.stop(),
  };
}

const show = (es: readonly KvWatchEntry[]): string[] => es.map((e) => `${e.key}@${e.revision}:${e.operation}:${e.string()}`);

describe("key-value (@nats-io/kv)", () => {
  test("bucket create makes the KV_ stream; put/get/create/update/delete/purge", async () => {
    const kv = await kvm.create("basic", { history: 5 });
    const si = await jsm.streams.info("KV_basic");
    expect(si.config.subjects).toEqual(["$KV.basic.>"]);
    expect(si.config.max_msgs_per_subject).toBe(5);
    expect(si.config.allow_rollup_hdrs).toBe(true);
    expect(si.config.allow_direct).toBe(true);
    expect(si.config.discard).toBe("new");

    expect(await kv.put("a", "1")).toBe(1);
    expect(await kv.put("b.c", "2")).toBe(2);
    const a = await kv.get("a");
    expect(a).toMatchObject({ bucket: "basic", key: "a", revision: 1, operation: "PUT" });
    expect(str(a)).toBe("1");
    expect(str(await kv.get("b.c"))).toBe("2");
    expect(await kv.get("missing")).toBeNull();

    const exists = await failure(kv.create("a", "again"), "create of an existing key");
    expect(exists.description).toMatch(/wrong last sequence|key exists/i);
    expect(await kv.create("new", "fresh")).toBe(3);

    expect(await kv.update("a", "1b", 1)).toBe(4);
    const wrong = await failure(kv.update("a", "1c", 1), "update with a stale revision");
    expect(wrong.description).toMatch(/wrong last sequence: 4/);
    expect(str(await kv.get("a"))).toBe("1b");
    expect((await kv.get("a", { revision: 1 }))?.string()).toBe("1");

    await kv.delete("a");
    const del = await kv.get("a");
    // get() returns the delete marker.
    expect(del).toMatchObject({ key: "a", revision: 5, operation: "DEL", length: 0 });
    // Create over a deleted key is allowed.
    expect(await kv.create("a", "reborn")).toBe(6);

    await kv.put("p", "x1");
    await kv.put("p", "x2");
    await kv.purge("p");
    expect(await kv.get("p")).toMatchObject({ key: "p", revision: 9, operation: "PURGE" });
    const hist = await kv.history({ key: "p" });
    const ph = await watchUntil(hist, () => false, 3000, "history of p");
    expect(ph.map((e) => e.operation)).toEqual(["PURGE"]);
  });

  test("history keeps up to `history` revisions per key; keys lists live keys", async () => {
    const kv = await kvm.create("hist", { history: 3 });
    for (let i = 1; i <= 5; i++) await kv.put("k", `v${i}`);
    await kv.put("other", "o");
    await kv.put("gone", "g");
    await kv.delete("gone");
    const h = await watchUntil(await kv.history({ key: "k" }), () => false, 3000, "history of k");
    expect(show(h)).toEqual(["k@3:PUT:v3", "k@4:PUT:v4", "k@5:PUT:v5"]);
    const keys: string[] = [];
    await iterate(await kv.keys(), (k) => {
      keys.push(k);
      return false;
    }, 3000, "keys");
    expect(keys.sort()).toEqual(["k", "other"]);
    const filtered: string[] = [];
    await iterate(await kv.keys("other"), (k) => {
      filtered.push(k);
      return false;
    }, 3000, "keys other");
    expect(filtered).toEqual(["other"]);
    const st = await kv.status();
    expect(st.bucket).toBe("hist");
    expect(st.history).toBe(3);
    expect(st.values).toBe(6); // k:3 + other + gone(put, del)
    expect(st.streamInfo.config.name).toBe("KV_hist");
  });

  test("watch: last values then updates, all history, updates only, from a revision", async () => {
    const kv = await kvm.create("watch", { history: 10 });
    await kv.put("x", "1"); // 1
    await kv.put("y", "1"); // 2
    await kv.put("x", "2"); // 3

    const w = watcher(await kv.watch(), "watch");
    expect(show(await w.next(2))).toEqual(["y@2:PUT:1", "x@3:PUT:2"]);
    const hist = watcher(await kv.watch({ include: KvWatchInclude.AllHistory }), "watch with history");
    expect(show(await hist.next(3))).toEqual(["x@1:PUT:1", "y@2:PUT:1", "x@3:PUT:2"]);
    const upd = watcher(await kv.watch({ include: KvWatchInclude.UpdatesOnly, key: "x" }), "updates-only watch of x");
    const from = watcher(await kv.watch({ resumeFromRevision: 2 }), "watch from revision 2");
    expect(show(await from.next(2))).toEqual(["y@2:PUT:1", "x@3:PUT:2"]);
    await sleep(100);
    await kv.put("x", "3"); // 4
    await kv.put("y", "2"); // 5
    await kv.delete("x"); // 6
    const live = await w.next(3);
    expect(show(live)).toEqual(["x@4:PUT:3", "y@5:PUT:2", "x@6:DEL:"]);
    expect(live.every((e) => e.isUpdate)).toBe(true);
    expect(show(await hist.next(3))).toEqual(["x@4:PUT:3", "y@5:PUT:2", "x@6:DEL:"]);
    expect(show(await upd.next(2))).toEqual(["x@4:PUT:3", "x@6:DEL:"]);
    expect(show(await from.next(3))).toEqual(["x@4:PUT:3", "y@5:PUT:2", "x@6:DEL:"]);
    for (const it of [w, hist, upd, from]) it.stop();
  });

  test("bucket TTL expires values; status reports the TTL", async () => {
    const kv = await kvm.create("ttl", { ttl: 1000 });
    const st = await kv.status();
    expect(st.ttl).toBe(1000);
    expect((await jsm.streams.info("KV_ttl")).config.max_age).toBe(1_000_000_000);
    await kv.put("k", "soon gone");
    expect(str(await kv.get("k"))).toBe("soon gone");
    const t0 = Date.now();
    expect(await waitUntil(async () => (await kv.get("k")) === null, 5000, 100), "value still there 5 s after a 1 s TTL").toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  });

  test("per-key TTL with limit markers (markerTTL)", async () => {
    const kv = await kvm.create("markers", { markerTTL: 1000, history: 2 });
    const si = await jsm.streams.info("KV_markers");
    expect(si.config.allow_msg_ttl).toBe(true);
    expect(si.config.subject_delete_marker_ttl).toBe(1_000_000_000);
    expect(await kv.create("k", "short", "1s")).toBe(1);
    await kv.put("stay", "here");
    const w = watcher(await kv.watch({ key: "k", include: KvWatchInclude.UpdatesOnly }), "watch of k");
    expect(await waitUntil(async () => (await kv.get("k")) === null, 5000, 100), "key with a 1 s TTL still readable after 5 s").toBe(true);
    const marker = await w.next(1, 4000);
    w.stop();
    expect(marker[0]?.operation).toBe("PURGE");
    expect(str(await kv.get("stay"))).toBe("here");
  });

  test("bucket list and destroy", async () => {
    await kvm.create("listed1");
    await kvm.create("listed2");
    const names: string[] = [];
    for await (const s of kvm.list()) names.push(s.bucket);
    expect(names).toEqual(expect.arrayContaining(["listed1", "listed2"]));
    const kv = await kvm.open("listed2");
    expect(await kv.destroy()).toBe(true);
    const gone = await failure(jsm.streams.info("KV_listed2"), "info of a destroyed bucket");
    expect(gone.errCode).toBe(10059);
  });
});

/** Reads an object through the client, which verifies the digest; returns the bytes. */
async function readObject(os: Awaited<ReturnType<Objm["create"]>>, name: string): Promise<Buffer> {
  const r = await os.get(name);
  expect(r, `object ${name} missing`).not.toBeNull();
  if (r === null) return Buffer.alloc(0);
  const reader = r.data.getReader();
  const parts: Uint8Array[] = [];
  const read = async (): Promise<void> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parts.push(value);
    }
  };
  await within(read(), 30_000, `reading object ${name}`);
  const err = await r.error;
  expect(err ?? null, `the client rejected object ${name}: ${String(err)}`).toBeNull();
  return Buffer.concat(parts);
}

const digestOf = (b: Uint8Array): string => `SHA-256=${createHash("sha256").update(b).digest("base64url")}=`;

describe("object store (@nats-io/obj)", () => {
  test("a 50 MB object round-trips with its digest checked", { timeout: 60_000 }, async () => {
    const os = await objm.create("big");
    const si = await jsm.streams.info("OBJ_big");
    expect(si.config.subjects).toEqual(["$O.big.C.>", "$O.big.M.>"]);
    expect(si.config.allow_rollup_hdrs).toBe(true);
    expect(si.config.allow_direct).toBe(true);
    expect(si.config.discard).toBe("new");
    const data = randomBytes(50 * 1024 * 1024);
    const info = await within(os.putBlob({ name: "blob.bin", description: "fifty megabytes" }, data), 40_000, "put of 50 MB");
    expect(info.size).toBe(data.length);
    expect(info.chunks).toBe(400); // 128 KiB chunks
    expect(info.digest).toBe(digestOf(data));
    const back = await readObject(os, "blob.bin");
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    const st = await os.status();
    expect(st.size).toBeGreaterThan(data.length);
  });

  test("many small chunks, info, metadata and headers, list, links, delete", async () => {
    const os = await objm.create("small");
    const data = randomBytes(200 * 1024 + 17);
    const meta = { name: "chunky", description: "d", metadata: { color: "blue" }, options: { max_chunk_size: 1024 } };
    const info = await os.putBlob(meta, data);
    expect(info.chunks).toBe(201);
    expect(info.size).toBe(data.length);
    expect(info.digest).toBe(digestOf(data));
    expect((await readObject(os, "chunky")).equals(data)).toBe(true);
    const si = await os.info("chunky");
    expect(si).toMatchObject({ name: "chunky", bucket: "small", size: data.length, chunks: 201, deleted: false, description: "d" });
    expect(si?.metadata).toEqual({ color: "blue" });

    const empty = await os.putBlob({ name: "empty" }, new Uint8Array(0));
    expect(empty).toMatchObject({ size: 0, chunks: 0 });
    expect((await readObject(os, "empty")).length).toBe(0);

    // A new version replaces the old one; its chunks are purged.
    const small = Buffer.from("second version");
    await os.putBlob({ name: "chunky" }, small);
    expect((await readObject(os, "chunky")).toString()).toBe("second version");
    const sst = (await jsm.streams.info("OBJ_small", { subjects_filter: "$O.small.C.>" })).state;
    expect(Object.keys(sst.subjects ?? {}).length).toBe(1); // chunks of "chunky" v2 only ("empty" has none)

    const link = await os.link("alias", (await os.info("chunky")) as ObjectInfo);
    expect(link.options?.link).toMatchObject({ bucket: "small", name: "chunky" });
    expect((await readObject(os, "alias")).toString()).toBe("second version");

    const other = await objm.create("other");
    await other.putBlob({ name: "o" }, Buffer.from("other bucket"));
    const bucketLink = await os.linkStore("otherstore", other);
    expect(bucketLink.options?.link).toMatchObject({ bucket: "other" });

    const listed = (await os.list()).map((i) => i.name).sort();
    expect(listed).toEqual(["alias", "chunky", "empty", "otherstore"]);
    await os.update("empty", { name: "empty", description: "now described" });
    expect((await os.info("empty"))?.description).toBe("now described");

    const purge = await os.delete("chunky");
    expect(purge.success).toBe(true);
    const gone = await os.info("chunky");
    expect(gone?.deleted).toBe(true);
    expect(await os.get("chunky")).toBeNull();
    expect((await os.list()).map((i) => i.name).sort()).toEqual(["alias", "empty", "otherstore"]);
    const after = (await jsm.streams.info("OBJ_small", { subjects_filter: "$O.small.C.>" })).state;
    expect(after.subjects ?? {}).toEqual({});

    const sealed = await os.seal();
    expect(sealed.sealed).toBe(true);
    const refused = await failure(os.putBlob({ name: "late" }, Buffer.from("x")), "put into a sealed store");
    expect(refused.description).toMatch(/sealed/i);
  });
});
