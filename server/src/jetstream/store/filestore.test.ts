// File-store specifics: persistence across reopen (with and without the index), erase on disk,
// block rolling, group commit, sync policies, I/O failure.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { nodeIo, type StoreIo } from "./block.js";
import { FileStreamStore, openFileStreamStore, type FileStreamStoreOptions } from "./filestore.js";
import { openMemoryStreamStore } from "./memstore.js";
import { fileMsgSize, msgSize, type StreamStore } from "./types.js";

const root = mkdtempSync(join(tmpdir(), "natsts-filestore-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirN = 0;
const newDir = (): string => join(root, `d${++dirN}`);

interface Logged {
  level: string;
  msg: string;
}
function opts(extra: Partial<FileStreamStoreOptions> = {}, logs: Logged[] = []): FileStreamStoreOptions {
  return { syncPolicy: "always", blockSize: 4096, logger: (level, msg) => logs.push({ level, msg }), ...extra };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Everything observable about a store's contents. Byte totals differ by design between the
 * stores (each counts its own per-message overhead, as nats-server's do), so they are checked
 * against the store's own size function instead of compared.
 */
function snapshot(s: StreamStore): unknown {
  const msgs: unknown[] = [];
  const size = s instanceof FileStreamStore ? fileMsgSize : msgSize;
  let bytes = 0;
  for (let m = s.nextMatching(0, ""); m; m = s.nextMatching(m.seq + 1, "")) {
    msgs.push([m.seq, m.subject, m.hdr?.toString("hex") ?? null, m.data.toString("hex"), m.ts]);
    bytes += size(m.subject, m.hdr, m.data);
  }
  const { bytes: stateBytes, ...state } = s.state();
  return { state, bytesAccounted: stateBytes === bytes, msgs, subjects: [...s.subjects()].sort() };
}

const blkFiles = (dir: string): string[] => readdirSync(join(dir, "msgs")).filter((f) => f.endsWith(".blk"));

describe("file store persistence", () => {
  test("random operations: the file store matches the memory store, before and after every kind of reopen", async () => {
    const rnd = mulberry32(20240611);
    const dir = newDir();
    const mem = openMemoryStreamStore();
    let file = await openFileStreamStore(dir, opts({ blockSize: 1500 }));
    let ts = 1_000_000n;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 150; i++) {
        const r = rnd();
        const st = mem.state();
        if (r < 0.6) {
          const subj = `s.${Math.floor(rnd() * 7)}`;
          const hdr = rnd() < 0.3 ? Buffer.from(`NATS/1.0\r\nI: ${i}\r\n\r\n`) : null;
          const data = Buffer.alloc(Math.floor(rnd() * 300), i & 0xff);
          ts += 1000n;
          const a = mem.append(subj, hdr, data, { ts });
          const b = file.append(subj, hdr, data, { ts });
          expect(b.seq).toBe(a.seq);
        } else if (r < 0.75) {
          const seq = st.firstSeq + Math.floor(rnd() * (st.lastSeq - st.firstSeq + 1));
          const erase = rnd() < 0.3;
          expect(file.remove(seq, erase)).toBe(mem.remove(seq, erase));
        } else if (r < 0.85) {
          expect(file.removeFirst()).toBe(mem.removeFirst());
        } else if (r < 0.9) {
          const seq = st.firstSeq + Math.floor(rnd() * 5);
          expect(file.compact(seq)).toBe(mem.compact(seq));
        } else if (r < 0.95) {
          const req = [{ filter: `s.${Math.floor(rnd() * 7)}` }, { filter: "s.*", keep: 3 }, { keep: 20 }, { seq: st.firstSeq + 3 }][Math.floor(rnd() * 4)];
          expect(file.purge(req)).toBe(mem.purge(req));
        } else if (r < 0.96) {
          expect(file.purge()).toBe(mem.purge());
        } else if (r < 0.97) {
          expect(file.compact(st.lastSeq + 3)).toBe(mem.compact(st.lastSeq + 3));
        } else {
          await file.sync();
        }
      }
      expect(snapshot(file)).toEqual(snapshot(mem));
      await file.sync();
      // 1. A crash: a copy of the directory as it is now (no index), opened by a second instance.
      const copy = newDir();
      cpSync(dir, copy, { recursive: true });
      const crashed = await openFileStreamStore(copy, opts());
      expect(snapshot(crashed)).toEqual(snapshot(mem));
      await crashed.destroy();
      // 2. A clean close (index written) and reopen; on odd rounds, without the index.
      await file.close();
      expect(existsSync(join(dir, "msgs", "index.idx"))).toBe(true);
      if (round % 2 === 1) unlinkSync(join(dir, "msgs", "index.idx"));
      file = await openFileStreamStore(dir, opts({ blockSize: 1500 }));
      expect(existsSync(join(dir, "msgs", "index.idx"))).toBe(false);
      expect(snapshot(file)).toEqual(snapshot(mem));
    }
    await file.destroy();
    expect(existsSync(dir)).toBe(false);
  });

  const crashScenarios: Array<[string, Partial<FileStreamStoreOptions>, (s: FileStreamStore) => void]> = [
    ["purge everything", {}, (s) => void s.purge()],
    ["compact past the end", {}, (s) => void s.compact(40)],
    ["remove the newest, then the oldest ones", {}, (s) => {
      s.remove(30);
      for (let i = 0; i < 25; i++) s.removeFirst();
    }],
    ["remove all one by one (blocks deleted)", {}, (s) => {
      for (let i = 30; i >= 1; i--) s.remove(i);
    }],
    ["purge with a filter", {}, (s) => void s.purge({ filter: "s.1" })],
    ["erase in the middle", {}, (s) => void s.remove(15, true)],
    ["nothing: a new stream with firstSeq", { firstSeq: 500 }, () => undefined],
  ];
  test.each(crashScenarios)("state survives a crash (reopen by scan) after: %s", async (_n, extra, act) => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts({ blockSize: 400, ...extra }));
    if (extra.firstSeq === undefined) for (let i = 1; i <= 30; i++) s.append(`s.${i % 3}`, null, Buffer.alloc(40, i), { ts: BigInt(i) * 1000n });
    act(s);
    const before = snapshot(s);
    await s.sync();
    const copy = newDir();
    cpSync(dir, copy, { recursive: true });
    const r = await openFileStreamStore(copy, opts());
    expect(snapshot(r)).toEqual(before);
    const next = s.state().lastSeq + 1;
    expect(r.append("x", null, Buffer.from("x")).seq).toBe(next);
    await r.destroy();
    await s.destroy();
  });

  test("erase overwrites the message bytes on disk; a plain remove does not", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts({ blockSize: 1 << 20 }));
    const secret = (i: number): Buffer => Buffer.from(`TOP-SECRET-PAYLOAD-${i}-${"x".repeat(40)}`);
    for (let i = 1; i <= 5; i++) s.append("k", Buffer.from(`NATS/1.0\r\nH: hidden-${i}\r\n\r\n`), secret(i));
    await s.sync();
    expect(s.remove(2, true)).toBe(true);
    expect(s.remove(4, false)).toBe(true);
    await s.sync();
    const raw = Buffer.concat(blkFiles(dir).map((f) => readFileSync(join(dir, "msgs", f))));
    expect(raw.includes(secret(2))).toBe(false);
    expect(raw.includes(Buffer.from("hidden-2"))).toBe(false);
    expect(raw.includes(secret(1))).toBe(true);
    expect(raw.includes(secret(3))).toBe(true);
    expect(raw.includes(secret(4))).toBe(true);
    await s.close();
    const r = await openFileStreamStore(dir, opts());
    expect(r.get(2)).toBeNull();
    expect(r.get(4)).toBeNull();
    expect(r.get(3)?.data.equals(secret(3))).toBe(true);
    expect(r.state()).toMatchObject({ messages: 3, numDeleted: 2, lost: null });
    await r.destroy();
  });

  test("erasing the first message (floor, no tombstone) also overwrites it", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts());
    s.append("k", null, Buffer.from("FIRST-SECRET"));
    s.append("k", null, Buffer.from("second"));
    expect(s.remove(1, true)).toBe(true);
    await s.sync();
    const raw = Buffer.concat(blkFiles(dir).map((f) => readFileSync(join(dir, "msgs", f))));
    expect(raw.includes(Buffer.from("FIRST-SECRET"))).toBe(false);
    await s.destroy();
  });

  test("blocks roll at blockSize and emptied blocks are deleted", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts({ blockSize: 1024 }));
    for (let i = 0; i < 100; i++) s.append("a", null, Buffer.alloc(100, i));
    await s.sync();
    const n = blkFiles(dir).length;
    expect(n).toBeGreaterThanOrEqual(10);
    for (const f of blkFiles(dir)) expect(statSync(join(dir, "msgs", f)).size).toBeLessThanOrEqual(1024 + 148);
    for (let i = 0; i < 90; i++) s.removeFirst();
    await s.sync();
    expect(blkFiles(dir).length).toBeLessThanOrEqual(3);
    expect(s.state()).toMatchObject({ messages: 10, firstSeq: 91, lastSeq: 100 });
    s.purge();
    await s.sync();
    expect(blkFiles(dir).length).toBe(1);
    await s.close();
    const r = await openFileStreamStore(dir, opts({ blockSize: 1024 }));
    expect(r.state()).toMatchObject({ messages: 0, firstSeq: 101, lastSeq: 100 });
    expect(r.append("a", null, Buffer.from("x")).seq).toBe(101);
    await r.destroy();
  });

  test("a message larger than the block size gets a block of its own", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts({ blockSize: 256 }));
    s.append("a", null, Buffer.alloc(10));
    s.append("a", null, Buffer.alloc(5000, 7));
    s.append("a", null, Buffer.alloc(10));
    await s.close();
    const r = await openFileStreamStore(dir, opts({ blockSize: 256 }));
    expect(r.get(2)?.data.equals(Buffer.alloc(5000, 7))).toBe(true);
    expect(r.state().messages).toBe(3);
    await r.destroy();
  });

  test("a torn tail is cut off and logged; the store continues after it", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts());
    for (let i = 0; i < 5; i++) s.append("a", null, Buffer.from(`m${i}`));
    await s.close();
    unlinkSync(join(dir, "msgs", "index.idx"));
    const blk = join(dir, "msgs", blkFiles(dir)[0]);
    const size = statSync(blk).size;
    appendFileSync(blk, Buffer.from([60, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const logs: Logged[] = [];
    const r = await openFileStreamStore(dir, opts({}, logs));
    expect(logs.some((l) => l.level === "WRN" && /incomplete record/.test(l.msg))).toBe(true);
    expect(statSync(blk).size).toBe(size);
    expect(r.state()).toMatchObject({ messages: 5, lastSeq: 5, lost: null });
    expect(r.append("a", null, Buffer.from("m5")).seq).toBe(6);
    await r.close();
    const again = await openFileStreamStore(dir, opts());
    expect(again.get(6)?.data.toString()).toBe("m5");
    await again.destroy();
  });

  test("appended messages are readable before they are written", async () => {
    const s = await openFileStreamStore(newDir(), opts());
    const r = s.append("a", null, Buffer.from("early"));
    expect(s.get(r.seq)?.data.toString()).toBe("early");
    expect(s.nextMatching(0, "a")?.data.toString()).toBe("early");
    expect(s.lastBySubject("a")?.data.toString()).toBe("early");
    await r.durable;
    expect(s.get(r.seq)?.data.toString()).toBe("early");
    await s.destroy();
  });

  test("reads verify the record: served from disk with an empty cache", async () => {
    const dir = newDir();
    const s = await openFileStreamStore(dir, opts({ cacheMsgs: 0 }));
    for (let i = 0; i < 20; i++) s.append(`s.${i}`, null, Buffer.from(`v${i}`));
    await s.sync();
    for (let i = 0; i < 20; i++) expect(s.get(i + 1)?.data.toString()).toBe(`v${i}`);
    await s.destroy();
  });
});

/** An fs layer that counts fdatasyncs and can delay, gate or fail them. */
class TestIo implements StoreIo {
  fdatasyncs = 0;
  delayMs = 0;
  failSync: Error | null = null;
  gate: Promise<void> | null = null;
  writev = nodeIo.writev;
  write = nodeIo.write;
  fsyncDir = nodeIo.fsyncDir;
  fdatasync = async (fd: number): Promise<void> => {
    this.fdatasyncs++;
    if (this.gate) await this.gate;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failSync) throw this.failSync;
    return nodeIo.fdatasync(fd);
  };
}

describe("group commit", () => {
  test("N appends in one tick share one fsync", async () => {
    const io = new TestIo();
    const s = await openFileStreamStore(newDir(), opts({ io, blockSize: 1 << 20 }));
    const before = io.fdatasyncs;
    const rs = Array.from({ length: 500 }, (_, i) => s.append("a", null, Buffer.from(`m${i}`)));
    await Promise.all(rs.map((r) => r.durable));
    expect(io.fdatasyncs - before).toBe(1);
    await s.destroy();
  });

  test("appends arriving while an fsync runs share the next one; durability is in sequence order", async () => {
    const io = new TestIo();
    io.delayMs = 15;
    const s = await openFileStreamStore(newDir(), opts({ io, blockSize: 1 << 20 }));
    const before = io.fdatasyncs;
    const order: number[] = [];
    const all: Array<Promise<void>> = [];
    const N = 120;
    for (let i = 0; i < N; i++) {
      const r = s.append("a", null, Buffer.from(`m${i}`));
      all.push(r.durable.then(() => void order.push(r.seq)));
      await new Promise((res) => setTimeout(res, 1));
    }
    await Promise.all(all);
    const fsyncs = io.fdatasyncs - before;
    expect(fsyncs).toBeGreaterThan(1);
    expect(fsyncs).toBeLessThan(N / 4);
    expect(order).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(s.stats().commits).toBeLessThan(N / 4);
    await s.destroy();
  });

  test("durable resolves only after the fsync", async () => {
    const io = new TestIo();
    let open!: () => void;
    const s = await openFileStreamStore(newDir(), opts({ io }));
    io.gate = new Promise((r) => (open = r));
    let done = false;
    const r = s.append("a", null, Buffer.from("x"));
    void r.durable.then(() => (done = true));
    await new Promise((res) => setTimeout(res, 30));
    expect(done).toBe(false);
    expect(io.fdatasyncs).toBeGreaterThan(0);
    open();
    await r.durable;
    expect(done).toBe(true);
    io.gate = null;
    await s.destroy();
  });

  test("interval policy: durable once written, a timer fsyncs", async () => {
    const io = new TestIo();
    const s = await openFileStreamStore(newDir(), opts({ io, syncPolicy: { intervalMs: 20 } }));
    const before = io.fdatasyncs;
    await s.append("a", null, Buffer.from("x")).durable;
    expect(io.fdatasyncs).toBe(before);
    await new Promise((res) => setTimeout(res, 80));
    expect(io.fdatasyncs).toBeGreaterThan(before);
    const n = io.fdatasyncs;
    await new Promise((res) => setTimeout(res, 60));
    expect(io.fdatasyncs).toBe(n); // nothing new to sync
    s.append("a", null, Buffer.from("y"));
    await s.sync();
    expect(io.fdatasyncs).toBeGreaterThan(n);
    await s.destroy();
  });

  test("an fsync failure rejects durable, is logged, and makes the store refuse writes", async () => {
    const io = new TestIo();
    const logs: Logged[] = [];
    const s = await openFileStreamStore(newDir(), opts({ io }, logs));
    io.failSync = new Error("EIO: injected");
    const r = s.append("a", null, Buffer.from("x"));
    await expect(r.durable).rejects.toThrow("EIO: injected");
    expect(logs.some((l) => l.level === "ERR" && /EIO: injected/.test(l.msg))).toBe(true);
    expect(() => s.append("a", null, Buffer.from("y"))).toThrow(/failed/);
    await expect(s.sync()).rejects.toThrow("EIO");
    await s.close();
  });

  test("a no-ack append whose commit fails does not raise an unhandled rejection", async () => {
    const io = new TestIo();
    const s = await openFileStreamStore(newDir(), opts({ io }));
    io.failSync = new Error("EIO: ignored publish");
    s.append("a", null, Buffer.from("x"));
    await new Promise((res) => setTimeout(res, 30));
    await s.close();
  });
});
