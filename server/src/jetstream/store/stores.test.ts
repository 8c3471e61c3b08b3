// The StreamStore contract, run against both stores.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openFileStreamStore } from "./filestore.js";
import { openMemoryStreamStore } from "./memstore.js";
import type { PurgeRequest, StreamStore } from "./types.js";
import { fileMsgSize, msgSize } from "./types.js";

const root = mkdtempSync(join(tmpdir(), "natsts-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirN = 0;

type Make = (opts?: { firstSeq?: number }) => Promise<StreamStore>;
const kinds: Array<[string, Make]> = [
  ["memory", async (o) => openMemoryStreamStore(o)],
  [
    "file",
    async (o) =>
      openFileStreamStore(join(root, `s${++dirN}`), {
        syncPolicy: "always",
        blockSize: 2048,
        logger: () => undefined,
        ...o,
      }),
  ],
];

const B = (s: string): Buffer => Buffer.from(s);

/** Live sequences in order, walked with nextMatching. */
function seqs(s: StreamStore, filter = ""): number[] {
  const out: number[] = [];
  for (let m = s.nextMatching(0, filter); m; m = s.nextMatching(m.seq + 1, filter)) out.push(m.seq);
  return out;
}

describe.each(kinds)("%s stream store", (_name, make) => {
  test("a new store is empty", async () => {
    const s = await make();
    expect(s.state()).toEqual({ messages: 0, bytes: 0, firstSeq: 0, firstTs: 0n, lastSeq: 0, lastTs: 0n, numSubjects: 0, numDeleted: 0, lost: null });
    expect(s.get(1)).toBeNull();
    expect(s.removeFirst()).toBe(0);
    expect(s.nextMatching(0, ">")).toBeNull();
    expect(s.lastBySubject("a")).toBeNull();
    await s.destroy();
  });

  test("append assigns sequences, get returns the bytes, state accounts", async () => {
    const s = await make();
    const hdr = B("NATS/1.0\r\nX: 1\r\n\r\n");
    const r1 = s.append("a.1", null, B("one"));
    const r2 = s.append("a.2", hdr, B("two"), { ts: 5000n });
    const r3 = s.append("b", Buffer.alloc(0), Buffer.alloc(0));
    expect([r1.seq, r2.seq, r3.seq]).toEqual([1, 2, 3]);
    expect(r2.ts).toBe(5000n);
    await Promise.all([r1.durable, r2.durable, r3.durable]);
    const m2 = s.get(2);
    expect(m2?.subject).toBe("a.2");
    expect(m2?.hdr?.toString()).toBe(hdr.toString());
    expect(m2?.data.toString()).toBe("two");
    expect(m2?.ts).toBe(5000n);
    expect(s.get(1)?.hdr).toBeNull();
    expect(s.get(3)?.hdr?.length).toBe(0);
    expect(s.get(3)?.data.length).toBe(0);
    const st = s.state();
    expect(st).toMatchObject({ messages: 3, firstSeq: 1, lastSeq: 3, firstTs: r1.ts, lastTs: r3.ts, numSubjects: 3, numDeleted: 0, lost: null });
    const size = _name === "file" ? fileMsgSize : msgSize;
    expect(st.bytes).toBe(size("a.1", null, B("one")) + size("a.2", hdr, B("two")) + size("b", Buffer.alloc(0), Buffer.alloc(0)));
    await s.destroy();
  });

  test("the store keeps its own copy of the caller's buffers", async () => {
    const s = await make();
    const data = B("original");
    s.append("a", null, data);
    data.fill(0x78);
    expect(s.get(1)?.data.toString()).toBe("original");
    await s.sync();
    expect(s.get(1)?.data.toString()).toBe("original");
    await s.destroy();
  });

  test("explicit sequences: gaps count as deleted, going backwards throws", async () => {
    const s = await make();
    s.append("a", null, B("1"));
    expect(s.append("a", null, B("5"), { seq: 5 }).seq).toBe(5);
    expect(s.state()).toMatchObject({ messages: 2, firstSeq: 1, lastSeq: 5, numDeleted: 3 });
    expect(() => s.append("a", null, B("x"), { seq: 5 })).toThrow(RangeError);
    expect(s.append("a", null, B("6")).seq).toBe(6);
    await s.destroy();
  });

  test("firstSeq starts a new stream at that sequence", async () => {
    const s = await make({ firstSeq: 100 });
    expect(s.state()).toMatchObject({ messages: 0, firstSeq: 100, lastSeq: 99 });
    expect(s.append("a", null, B("x")).seq).toBe(100);
    expect(s.state()).toMatchObject({ messages: 1, firstSeq: 100, lastSeq: 100 });
    await s.destroy();
  });

  test("remove and removeFirst", async () => {
    const s = await make();
    for (let i = 1; i <= 5; i++) s.append(`s.${i % 2}`, null, B(`m${i}`));
    expect(s.remove(3)).toBe(true);
    expect(s.remove(3)).toBe(false);
    expect(s.remove(99)).toBe(false);
    expect(s.get(3)).toBeNull();
    expect(s.state()).toMatchObject({ messages: 4, firstSeq: 1, lastSeq: 5, numDeleted: 1 });
    expect(s.remove(5, true)).toBe(true);
    expect(s.state()).toMatchObject({ messages: 3, lastSeq: 5, numDeleted: 2 });
    expect(s.removeFirst()).toBe(1);
    expect(s.removeFirst()).toBe(2);
    expect(s.state()).toMatchObject({ messages: 1, firstSeq: 4, lastSeq: 5, numDeleted: 1 });
    expect(s.removeFirst()).toBe(4);
    expect(s.removeFirst()).toBe(0);
    expect(s.state()).toMatchObject({ messages: 0, firstSeq: 6, lastSeq: 5, numDeleted: 0, bytes: 0, numSubjects: 0 });
    expect(s.append("x", null, B("y")).seq).toBe(6);
    await s.destroy();
  });

  test("subjects: counts, lastBySubject, nextMatching with literal and wildcard filters", async () => {
    const s = await make();
    const subs = ["a.1", "b.1", "a.2", "a.1", "b.2", "a.1", "c"];
    subs.forEach((x, i) => s.append(x, null, B(`m${i + 1}`)));
    expect(s.subjectCount("a.1")).toBe(3);
    expect(s.subjectCount("zz")).toBe(0);
    expect(s.subjects()).toEqual(new Map([["a.1", 3], ["b.1", 1], ["a.2", 1], ["b.2", 1], ["c", 1]]));
    expect(s.subjects("b.*")).toEqual(new Map([["b.1", 1], ["b.2", 1]]));
    expect(s.state().numSubjects).toBe(5);
    expect(s.lastBySubject("a.1")?.seq).toBe(6);
    expect(s.lastBySubject("b.*")?.seq).toBe(5);
    expect(s.lastBySubject(">")?.seq).toBe(7);
    expect(s.lastBySubject("d")).toBeNull();
    expect(seqs(s, "a.1")).toEqual([1, 4, 6]);
    expect(seqs(s, "a.*")).toEqual([1, 3, 4, 6]);
    expect(seqs(s, "*.2")).toEqual([3, 5]);
    expect(seqs(s, ">")).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.nextMatching(5, "a.>")?.seq).toBe(6);
    expect(s.nextMatching(8, "")).toBeNull();
    s.remove(6);
    expect(s.lastBySubject("a.1")?.seq).toBe(4);
    s.remove(7);
    expect(s.subjectCount("c")).toBe(0);
    expect(s.state().numSubjects).toBe(4);
    await s.destroy();
  });

  test("wildcard walks stay right with many subjects", async () => {
    const s = await make();
    for (let i = 0; i < 300; i++) s.append(`k.${i}.${i % 3 === 0 ? "x" : "y"}`, null, B(String(i)));
    const want = Array.from({ length: 300 }, (_, i) => i + 1).filter((q) => (q - 1) % 3 === 0);
    expect(seqs(s, "k.*.x")).toEqual(want);
    expect(s.lastBySubject("k.*.x")?.seq).toBe(want[want.length - 1]);
    await s.destroy();
  });

  const purgeCases: Array<[string, PurgeRequest | undefined, number[]]> = [
    ["everything", undefined, []],
    ["everything (empty request)", {}, []],
    ["below a sequence", { seq: 4 }, [4, 5, 6]],
    ["keep 2", { keep: 2 }, [5, 6]],
    ["keep more than there are", { keep: 10 }, [1, 2, 3, 4, 5, 6]],
    ["below a sequence, keep 2", { seq: 3, keep: 2 }, [3, 4, 5, 6]],
    ["literal filter", { filter: "a.1" }, [2, 3, 5]],
    ["wildcard filter", { filter: "a.*" }, [2, 5]],
    ["wildcard filter keep 1", { filter: "a.*", keep: 1 }, [2, 5, 6]],
    ["filter below a sequence", { filter: "a.>", seq: 4 }, [2, 4, 5, 6]],
    ["> filter keep 3", { filter: ">", keep: 3 }, [4, 5, 6]],
    ["filter keep more than it matches", { filter: "a.1", keep: 5 }, [1, 2, 3, 4, 5, 6]],
    ["filter matching nothing", { filter: "c" }, [1, 2, 3, 4, 5, 6]],
  ];
  test.each(purgeCases)("purge: %s", async (_n, req, left) => {
    const s = await make();
    for (const x of ["a.1", "b.1", "a.2", "a.1", "b.2", "a.1"]) s.append(x, null, B(x));
    expect(s.purge(req)).toBe(6 - left.length);
    expect(seqs(s)).toEqual(left);
    const st = s.state();
    expect(st.messages).toBe(left.length);
    expect(st.lastSeq).toBe(6);
    expect(st.firstSeq).toBe(left.length > 0 ? left[0] : 7);
    expect(st.numDeleted).toBe(left.length > 0 ? 6 - left[0] + 1 - left.length : 0);
    let subjCount = 0;
    for (const x of ["a.1", "b.1", "a.2", "b.2"]) subjCount += s.subjectCount(x);
    expect(subjCount).toBe(left.length);
    expect(s.append("z", null, B("z")).seq).toBe(7);
    await s.destroy();
  });

  test("compact removes below a sequence; past the end it moves the last sequence", async () => {
    const s = await make();
    for (let i = 0; i < 5; i++) s.append("a", null, B(String(i)));
    expect(s.compact(3)).toBe(2);
    expect(s.state()).toMatchObject({ messages: 3, firstSeq: 3, lastSeq: 5 });
    expect(s.compact(3)).toBe(0);
    expect(s.compact(10)).toBe(3);
    expect(s.state()).toMatchObject({ messages: 0, firstSeq: 10, lastSeq: 9 });
    expect(s.append("a", null, B("x")).seq).toBe(10);
    await s.destroy();
  });

  test("expired: by age and by per-message TTL, oldest first", async () => {
    const s = await make();
    s.append("a", null, B("1"), { ts: 1000n });
    s.append("a", null, B("2"), { ts: 2000n });
    s.append("a", null, B("3"), { ts: 3000n, ttlNs: 100n });
    s.append("a", null, B("4"), { ts: 4000n });
    s.append("a", null, B("5"), { ts: 4000n, ttlNs: 50n });
    expect(s.expired(3500n, 1000n)).toEqual([1, 2, 3]);
    expect(s.expired(3050n, 0n)).toEqual([]);
    expect(s.expired(3100n, 0n)).toEqual([3]);
    expect(s.expired(4100n, 0n)).toEqual([3, 5]);
    expect(s.expired(4100n, 3000n)).toEqual([1, 3, 5]);
    s.remove(3);
    expect(s.expired(4100n, 0n)).toEqual([5]);
    await s.destroy();
  });

  test("appends after close throw", async () => {
    const s = await make();
    await s.close();
    expect(() => s.append("a", null, B("x"))).toThrow();
    await s.destroy();
  });
});
