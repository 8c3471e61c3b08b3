// Damage to the files of a closed store: each kind is detected (lost count or error), logged, the
// intact records are still served and the damaged one never is.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CONSUMER_STATE_FILE, openFileConsumerStore } from "../../server/src/jetstream/store/consumerfile.js";
import { openFileStreamStore, type FileStreamStore } from "../../server/src/jetstream/store/filestore.js";
import { REC_HDR, REC_MSG, readHead } from "../../server/src/jetstream/store/record.js";
import { StoreCorruptError, type StoredMsg } from "../../server/src/jetstream/store/types.js";

const root = mkdtempSync(join(tmpdir(), "natsts-corrupt-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirN = 0;

interface Opened {
  s: FileStreamStore;
  logs: string[];
}

const payload = (seq: number): Buffer => Buffer.from(`payload-of-message-${seq}-${"#".repeat(seq * 3)}`);
const N = 9;

/** A closed store with N messages on subjects s.odd / s.even, in blocks of `blockSize`. */
async function makeStore(blockSize = 1 << 20): Promise<string> {
  const dir = join(root, `d${++dirN}`);
  const s = await openFileStreamStore(dir, { syncPolicy: "always", blockSize, logger: () => undefined });
  for (let i = 1; i <= N; i++) s.append(i % 2 ? "s.odd" : "s.even", null, payload(i));
  await s.close();
  return dir;
}

async function reopen(dir: string, blockSize = 1 << 20): Promise<Opened> {
  const logs: string[] = [];
  const s = await openFileStreamStore(dir, { syncPolicy: "always", blockSize, logger: (l, m) => logs.push(`${l} ${m}`) });
  return { s, logs };
}

const blocks = (dir: string): string[] =>
  readdirSync(join(dir, "msgs"))
    .filter((f) => f.endsWith(".blk"))
    .sort((a, b) => parseInt(a) - parseInt(b))
    .map((f) => join(dir, "msgs", f));

/** Offsets of the MSG records in a block file, by sequence. */
function msgRecords(file: string): Map<number, { off: number; len: number }> {
  const buf = readFileSync(file);
  const out = new Map<number, { off: number; len: number }>();
  for (let off = 0; off < buf.length; ) {
    const h = readHead(buf, off);
    if (!h) throw new Error(`unparsable block ${file} at ${off}`);
    if (h.type === REC_MSG) out.set(h.seq, { off, len: h.len });
    off += h.len;
  }
  return out;
}

function damage(file: string, f: (b: Buffer) => void): void {
  const b = readFileSync(file);
  f(b);
  writeFileSync(file, b);
}

function removeIndex(dir: string): void {
  unlinkSync(join(dir, "msgs", "index.idx"));
}

/** Every message the store serves (walk), for comparison with the payloads. */
function served(s: FileStreamStore): StoredMsg[] {
  const out: StoredMsg[] = [];
  for (let m = s.nextMatching(0, ">"); m; m = s.nextMatching(m.seq + 1, ">")) out.push(m);
  return out;
}

/** The intact messages are served with their exact bytes; the lost ones never. */
function expectServed(s: FileStreamStore, lost: number[]): void {
  const want = Array.from({ length: N }, (_, i) => i + 1).filter((q) => !lost.includes(q));
  const got = served(s);
  expect(got.map((m) => m.seq)).toEqual(want);
  for (const m of got) expect(m.data.equals(payload(m.seq)), `message ${m.seq}`).toBe(true);
  for (const q of lost) expect(() => s.get(q)).toThrow(StoreCorruptError);
  for (const q of want) expect(s.get(q)?.data.equals(payload(q))).toBe(true);
  expect(s.state().messages).toBe(want.length);
  if (lost.length === 0) expect(s.state().lost).toBeNull();
  else expect(s.state().lost?.msgs).toEqual(lost);
}

describe("corruption is detected, logged, and never served", () => {
  test("a flipped payload byte, index present: caught on read", async () => {
    const dir = await makeStore();
    const [blk] = blocks(dir);
    const r5 = msgRecords(blk).get(5);
    if (!r5) throw new Error("no record 5");
    damage(blk, (b) => void (b[r5.off + r5.len - 4] ^= 0x01));
    const { s, logs } = await reopen(dir);
    expect(s.state().lost).toBeNull(); // the index was trusted: nothing read yet
    expect(() => s.get(5)).toThrow(StoreCorruptError);
    expect(logs.some((l) => l.startsWith("ERR") && l.includes("message 5"))).toBe(true);
    expectServed(s, [5]);
    expect(s.lastBySubject("s.odd")?.seq).toBe(9);
    await s.close();
    // The loss is remembered across a clean restart.
    const again = await reopen(dir);
    expectServed(again.s, [5]);
    await again.s.destroy();
  });

  test("a flipped payload byte, no index: caught by the scan on open", async () => {
    const dir = await makeStore();
    const [blk] = blocks(dir);
    const r5 = msgRecords(blk).get(5);
    if (!r5) throw new Error("no record 5");
    damage(blk, (b) => void (b[r5.off + REC_HDR + 2] ^= 0x80));
    removeIndex(dir);
    const { s, logs } = await reopen(dir);
    expect(logs.some((l) => l.startsWith("ERR") && l.includes("message 5"))).toBe(true);
    expectServed(s, [5]);
    expect(s.state().lost?.bytes).toBe(r5.len);
    expect(s.append("x", null, Buffer.from("x")).seq).toBe(N + 1);
    await s.destroy();
  });

  test("a flipped header byte, no index: the scan skips to the next record and names the lost sequence", async () => {
    const dir = await makeStore();
    const [blk] = blocks(dir);
    const r5 = msgRecords(blk).get(5);
    if (!r5) throw new Error("no record 5");
    damage(blk, (b) => void (b[r5.off + 26] ^= 0x04));
    removeIndex(dir);
    const { s, logs } = await reopen(dir);
    expect(logs.some((l) => l.startsWith("ERR") && l.includes("damaged bytes"))).toBe(true);
    expectServed(s, [5]);
    await s.destroy();
  });

  test("a zeroed range spanning records, no index", async () => {
    const dir = await makeStore();
    const [blk] = blocks(dir);
    const recs = msgRecords(blk);
    const r4 = recs.get(4);
    const r5 = recs.get(5);
    if (!r4 || !r5) throw new Error("records missing");
    damage(blk, (b) => b.fill(0, r4.off + 10, r5.off + 20));
    removeIndex(dir);
    const { s, logs } = await reopen(dir);
    expect(logs.filter((l) => l.startsWith("ERR")).length).toBeGreaterThan(0);
    expectServed(s, [4, 5]);
    await s.destroy();
  });

  test("a block truncated mid-record, index present: the cut messages are lost", async () => {
    const dir = await makeStore(400);
    const files = blocks(dir);
    expect(files.length).toBeGreaterThan(2);
    const recs = msgRecords(files[0]);
    const seqs = [...recs.keys()];
    const last = seqs[seqs.length - 1];
    const r = recs.get(last);
    if (!r) throw new Error("no record");
    truncateSync(files[0], r.off + 30);
    const { s, logs } = await reopen(dir, 400);
    expect(logs.some((l) => l.startsWith("WRN") && l.includes("does not match"))).toBe(true);
    expect(logs.some((l) => l.startsWith("ERR") && l.includes(`message ${last}`))).toBe(true);
    expectServed(s, [last]);
    await s.destroy();
  });

  test("a block truncated mid-record, no index: taken for a torn write, cut off and logged", async () => {
    const dir = await makeStore();
    const [blk] = blocks(dir);
    const r9 = msgRecords(blk).get(9);
    if (!r9) throw new Error("no record 9");
    truncateSync(blk, r9.off + r9.len - 5);
    removeIndex(dir);
    const { s, logs } = await reopen(dir);
    expect(logs.some((l) => l.startsWith("WRN") && l.includes("incomplete record"))).toBe(true);
    expect(served(s).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.get(9)).toBeNull();
    await s.destroy();
  });

  test("a deleted index file: logged, rebuilt from the blocks, same state", async () => {
    const dir = await makeStore(400);
    const before = await reopen(dir, 400);
    const state = before.s.state();
    await before.s.close();
    removeIndex(dir);
    const { s, logs } = await reopen(dir, 400);
    expect(logs.some((l) => l.startsWith("WRN") && l.includes("no index file"))).toBe(true);
    expect(s.state()).toEqual(state);
    expectServed(s, []);
    expect(s.state().lost).toBeNull();
    await s.destroy();
  });

  test.each([
    ["a flipped byte", (b: Buffer) => void (b[b.length >> 1] ^= 0x20)],
    ["a truncation", (b: Buffer) => b.subarray(0, b.length - 9)],
    ["garbage", (b: Buffer) => Buffer.alloc(b.length, 0x5a)],
  ])("a corrupt index file (%s): logged, rebuilt from the blocks, same state", async (_n, f) => {
    const dir = await makeStore(400);
    const before = await reopen(dir, 400);
    const state = before.s.state();
    await before.s.close();
    const idx = join(dir, "msgs", "index.idx");
    const b = readFileSync(idx);
    writeFileSync(idx, f(b) ?? b);
    const { s, logs } = await reopen(dir, 400);
    expect(logs.some((l) => l.startsWith("WRN") && l.includes("unusable"))).toBe(true);
    expect(s.state()).toEqual(state);
    expectServed(s, []);
    expect(existsSync(idx)).toBe(false);
    await s.destroy();
  });

  test("a corrupt consumer state file: load() throws StoreCorruptError and it is logged", async () => {
    const dir = join(root, `c${++dirN}`);
    const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: () => undefined });
    await c.save({
      delivered: { consumerSeq: 10, streamSeq: 20 },
      ackFloor: { consumerSeq: 8, streamSeq: 18 },
      pending: new Map([[19, { consumerSeq: 9, ts: 5n }]]),
      redelivered: new Map([[19, 2]]),
    });
    await c.close();
    damage(join(dir, CONSUMER_STATE_FILE), (b) => void (b[30] ^= 0xff));
    const logs: string[] = [];
    const r = await openFileConsumerStore(dir, { syncPolicy: "always", logger: (l, m) => logs.push(`${l} ${m}`) });
    expect(() => r.load()).toThrow(StoreCorruptError);
    expect(() => r.load()).toThrow(/checksum/);
    expect(logs.some((l) => l.startsWith("ERR") && l.includes("checksum"))).toBe(true);
    await r.destroy();
  });
});
