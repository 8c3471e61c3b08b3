import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { nodeIo, type StoreIo } from "./block.js";
import { CONSUMER_STATE_FILE, openFileConsumerStore } from "./consumerfile.js";
import { decodeConsumerState, emptyConsumerState, encodeConsumerState } from "./consumerstate.js";
import { openMemoryConsumerStore } from "./memstore.js";
import { StoreCorruptError, type ConsumerState, type ConsumerStore } from "./types.js";

const root = mkdtempSync(join(tmpdir(), "natsts-consumer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirN = 0;
const newDir = (): string => join(root, `c${++dirN}`);
const quiet = (): void => undefined;

function state(floor: number, pending: number[] = [], redelivered: Array<[number, number]> = []): ConsumerState {
  return {
    delivered: { consumerSeq: floor + pending.length + 10, streamSeq: floor + pending.length + 20 },
    ackFloor: { consumerSeq: floor, streamSeq: floor + 1 },
    pending: new Map(pending.map((s, i) => [s, { consumerSeq: 1000 + i, ts: BigInt(s % 1_000_000) * 1_000_000_007n }])),
    redelivered: new Map(redelivered),
  };
}

const kinds: Array<[string, () => Promise<ConsumerStore>]> = [
  ["memory", async () => openMemoryConsumerStore()],
  ["file", () => openFileConsumerStore(newDir(), { syncPolicy: "always", logger: quiet })],
];

describe.each(kinds)("%s consumer store", (_n, make) => {
  test("a new consumer loads the empty state", async () => {
    const c = await make();
    expect(c.load()).toEqual(emptyConsumerState());
    await c.destroy();
  });

  test("save then load round-trips every field; load returns a copy", async () => {
    const c = await make();
    const s = state(41, [50, 52, 2 ** 50], [[50, 3], [52, 2]]);
    await c.save(s);
    const got = c.load();
    expect(got).toEqual(s);
    got.pending.clear();
    got.ackFloor.streamSeq = 0;
    expect(c.load()).toEqual(s);
    s.redelivered.set(99, 9);
    expect(c.load().redelivered.has(99)).toBe(false);
    await c.destroy();
  });
});

/** Holds directory fsyncs (the last step of a save) until released. */
class GateIo implements StoreIo {
  gate: Promise<void> | null = null;
  dirSyncs = 0;
  writev = nodeIo.writev;
  write = nodeIo.write;
  fdatasync = nodeIo.fdatasync;
  fsyncDir = async (p: string): Promise<void> => {
    this.dirSyncs++;
    if (this.gate) await this.gate;
    return nodeIo.fsyncDir(p);
  };
}

describe("file consumer store", () => {
  test("a state that cannot be encoded rejects its save and later saves still work", async () => {
    const c = await openFileConsumerStore(newDir(), { syncPolicy: "always", logger: quiet });
    const bad = state(1);
    bad.pending.set(5, { consumerSeq: 1, ts: 2n ** 70n });
    await expect(c.save(bad)).rejects.toThrow(RangeError);
    await c.save(state(2));
    expect(c.load()).toEqual(state(2));
    await c.destroy();
  });

  test("state survives reopen", async () => {
    const dir = newDir();
    const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    await c.save(state(7, [9, 11], [[9, 2]]));
    await c.save(state(8, [9]));
    await c.close();
    await expect(c.save(state(9))).rejects.toThrow(/closed/);
    const r = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    expect(r.load()).toEqual(state(8, [9]));
    await r.destroy();
    expect(existsSync(dir)).toBe(false);
  });

  test("saves coalesce: while one is written, only the newest queued state is written next", async () => {
    const io = new GateIo();
    const dir = newDir();
    const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet, io });
    let release!: () => void;
    io.gate = new Promise((r) => (release = r));
    const done: number[] = [];
    const p1 = c.save(state(1)).then(() => void done.push(1));
    await new Promise((r) => setTimeout(r, 20));
    const p2 = c.save(state(2)).then(() => void done.push(2));
    const p3 = c.save(state(3)).then(() => void done.push(3));
    const p4 = c.save(state(4)).then(() => void done.push(4));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toEqual([]); // nothing is durable while the first save's fsync is held
    release();
    io.gate = null;
    await Promise.all([p1, p2, p3, p4]);
    expect(done).toEqual([1, 2, 3, 4]);
    expect(c.stats.writes).toBe(2);
    expect(c.load().ackFloor.consumerSeq).toBe(4);
    expect(decodeConsumerState(readFileSync(join(dir, CONSUMER_STATE_FILE)), "f").ackFloor.consumerSeq).toBe(4);
    expect(c.stats.fsyncs).toBe(4); // file + directory, twice
    await c.destroy();
  });

  test("a corrupt state file is reported, never silently reset; a new save replaces it", async () => {
    const dir = newDir();
    const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    await c.save(state(5, [6, 7]));
    await c.close();
    const file = join(dir, CONSUMER_STATE_FILE);
    for (const damage of [
      (b: Buffer) => void (b[20] ^= 0x10),
      (b: Buffer) => b.subarray(0, b.length - 3),
      () => Buffer.alloc(0),
    ]) {
      const good = encodeConsumerState(state(5, [6, 7]));
      writeFileSync(file, damage(good) ?? good);
      const logs: string[] = [];
      const r = await openFileConsumerStore(dir, { syncPolicy: "always", logger: (l, m) => logs.push(`${l} ${m}`) });
      expect(() => r.load()).toThrow(StoreCorruptError);
      expect(logs.some((l) => l.startsWith("ERR"))).toBe(true);
      await r.close();
    }
    const r = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    await r.save(state(9));
    expect(r.load()).toEqual(state(9));
    await r.destroy();
  });

  test("a temporary file left by a crashed save is ignored and removed", async () => {
    const dir = newDir();
    const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    await c.save(state(3));
    await c.close();
    writeFileSync(join(dir, `${CONSUMER_STATE_FILE}.tmp`), encodeConsumerState(state(99)).subarray(0, 10));
    const r = await openFileConsumerStore(dir, { syncPolicy: "always", logger: quiet });
    expect(r.load()).toEqual(state(3));
    expect(existsSync(join(dir, `${CONSUMER_STATE_FILE}.tmp`))).toBe(false);
    await r.destroy();
  });

  test("interval policy saves atomically without fsync", async () => {
    const c = await openFileConsumerStore(newDir(), { syncPolicy: { intervalMs: 1000 }, logger: quiet });
    await c.save(state(1));
    expect(c.stats).toEqual({ writes: 1, fsyncs: 0 });
    await c.destroy();
  });
});
