// The index file (`msgs/index.idx`): a snapshot of the in-memory index written at a clean close,
// so a restart need not read every block. It is trusted only when its checksum holds and every
// block it names exists with exactly the recorded size and no other block exists; the store
// deletes it as it opens, so after a crash there is none and the blocks are scanned.
//
//   0  u32 magic "NTSI"   4 u32 version (1)
//   8  f64 lastSeq       16 i64 lastTs
//  24  u32 blocks  28 u32 subjects  32 u32 entries  36 u32 lost seqs  40 f64 lost bytes  48 u8 lost?  (56)
//  blocks:   u32 n, f64 size                                                    (12 bytes each)
//  subjects: u16 length, latin1 bytes
//  entries:  f64 seq, i64 ts, i64 expires, f64 offset, u32 subject, u32 block index, u32 len, u32 size (48)
//  lost:     f64 seq each
//  u32 CRC-32C of everything before it

/// <reference path="../../node-buffer.d.ts" />

import { open, rename } from "node:fs/promises";
import { crc32c } from "./crc32c.js";
import type { Block, FileEntry } from "./block.js";
import type { StoreIo } from "./block.js";

export const INDEX_FILE = "index.idx";
const MAGIC = 0x4953544e; // "NTSI"
const VERSION = 1;
const FIXED = 56;

export interface IndexEntryData {
  seq: number;
  subj: string;
  ts: bigint;
  expires: bigint;
  size: number;
  block: number;
  off: number;
  len: number;
}

export interface IndexData {
  lastSeq: number;
  lastTs: bigint;
  blocks: Array<{ n: number; size: number }>;
  entries: IndexEntryData[];
  lost: { msgs: number[]; bytes: number } | null;
}

export function encodeIndex(lastSeq: number, lastTs: bigint, blocks: Block[], entries: FileEntry[], lost: { msgs: number[]; bytes: number } | null): Buffer {
  const subjects = new Map<string, number>();
  let subjBytes = 0;
  for (const e of entries) {
    if (!subjects.has(e.subj)) {
      subjects.set(e.subj, subjects.size);
      subjBytes += 2 + Buffer.byteLength(e.subj, "latin1");
    }
  }
  const blockIdx = new Map<Block, number>();
  blocks.forEach((b, i) => blockIdx.set(b, i));
  const lostSeqs = lost?.msgs ?? [];
  const len = FIXED + blocks.length * 12 + subjBytes + entries.length * 48 + lostSeqs.length * 8 + 4;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(VERSION, 4);
  b.writeDoubleLE(lastSeq, 8);
  b.writeBigInt64LE(lastTs, 16);
  b.writeUInt32LE(blocks.length, 24);
  b.writeUInt32LE(subjects.size, 28);
  b.writeUInt32LE(entries.length, 32);
  b.writeUInt32LE(lostSeqs.length, 36);
  b.writeDoubleLE(lost?.bytes ?? 0, 40);
  b[48] = lost ? 1 : 0;
  let o = FIXED;
  for (const blk of blocks) {
    b.writeUInt32LE(blk.n, o);
    b.writeDoubleLE(blk.size, o + 4);
    o += 12;
  }
  for (const s of subjects.keys()) {
    const n = b.latin1Write(s, o + 2);
    b.writeUInt16LE(n, o);
    o += 2 + n;
  }
  for (const e of entries) {
    const bi = blockIdx.get(e.block);
    if (bi === undefined) throw new Error(`index: entry ${e.seq} refers to a block not in the list`);
    b.writeDoubleLE(e.seq, o);
    b.writeBigInt64LE(e.ts, o + 8);
    b.writeBigInt64LE(e.expires, o + 16);
    b.writeDoubleLE(e.off, o + 24);
    b.writeUInt32LE(subjects.get(e.subj) ?? 0, o + 32);
    b.writeUInt32LE(bi, o + 36);
    b.writeUInt32LE(e.len, o + 40);
    b.writeUInt32LE(e.size, o + 44);
    o += 48;
  }
  for (const s of lostSeqs) {
    b.writeDoubleLE(s, o);
    o += 8;
  }
  b.writeUInt32LE(crc32c(b, 0, o), o);
  return b;
}

/** Decodes an index file; throws an Error saying why it cannot be used. */
export function decodeIndex(b: Buffer): IndexData {
  if (b.length < FIXED + 4) throw new Error(`too short (${b.length} bytes)`);
  if (b.readUInt32LE(0) !== MAGIC) throw new Error("bad magic");
  const crcAt = b.length - 4;
  if (crc32c(b, 0, crcAt) !== b.readUInt32LE(crcAt)) throw new Error("checksum mismatch");
  if (b.readUInt32LE(4) !== VERSION) throw new Error(`unknown version ${b.readUInt32LE(4)}`);
  const nb = b.readUInt32LE(24);
  const ns = b.readUInt32LE(28);
  const ne = b.readUInt32LE(32);
  const nl = b.readUInt32LE(36);
  const lostBytes = b.readDoubleLE(40);
  const lostAny = b[48] === 1;
  let o = FIXED;
  const need = (n: number): void => {
    if (o + n > crcAt) throw new Error("truncated contents");
  };
  const blocks: IndexData["blocks"] = [];
  for (let i = 0; i < nb; i++, o += 12) {
    need(12);
    blocks.push({ n: b.readUInt32LE(o), size: b.readDoubleLE(o + 4) });
  }
  const subjects: string[] = [];
  for (let i = 0; i < ns; i++) {
    need(2);
    const n = b.readUInt16LE(o);
    need(2 + n);
    subjects.push(b.latin1Slice(o + 2, o + 2 + n));
    o += 2 + n;
  }
  const entries: IndexEntryData[] = [];
  for (let i = 0; i < ne; i++, o += 48) {
    need(48);
    const si = b.readUInt32LE(o + 32);
    const bi = b.readUInt32LE(o + 36);
    if (si >= subjects.length || bi >= blocks.length) throw new Error("entry refers past its tables");
    entries.push({
      seq: b.readDoubleLE(o),
      ts: b.readBigInt64LE(o + 8),
      expires: b.readBigInt64LE(o + 16),
      off: b.readDoubleLE(o + 24),
      subj: subjects[si],
      block: blocks[bi].n,
      len: b.readUInt32LE(o + 40),
      size: b.readUInt32LE(o + 44),
    });
  }
  const msgs: number[] = [];
  for (let i = 0; i < nl; i++, o += 8) {
    need(8);
    msgs.push(b.readDoubleLE(o));
  }
  if (o !== crcAt) throw new Error("length does not match its counts");
  return {
    lastSeq: b.readDoubleLE(8),
    lastTs: b.readBigInt64LE(16),
    blocks,
    entries,
    lost: lostAny ? { msgs, bytes: lostBytes } : null,
  };
}

/** Writes a file atomically and durably: temporary file, fsync, rename, directory fsync. */
export async function writeFileAtomic(dir: string, path: string, data: Buffer, io: StoreIo, durable: boolean): Promise<number> {
  const tmp = `${path}.tmp`;
  let fsyncs = 0;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    if (durable) {
      await fh.datasync();
      fsyncs++;
    }
  } finally {
    await fh.close();
  }
  // A failed rename leaves the temporary file behind; the next open removes it.
  await rename(tmp, path);
  if (durable) {
    await io.fsyncDir(dir);
    fsyncs++;
  }
  return fsyncs;
}
