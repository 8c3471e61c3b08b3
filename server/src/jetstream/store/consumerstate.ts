// Consumer state helpers and its checksummed binary encoding (shared by the file and memory
// consumer stores).
//
//   0  u32 magic "NTSC"     4  u32 version (1)
//   8  f64 delivered.consumerSeq, delivered.streamSeq, ackFloor.consumerSeq, ackFloor.streamSeq
//  40  u32 pending count    44  u32 redelivered count
//  48  pending:     f64 streamSeq, f64 consumerSeq, i64 ts   (24 bytes each)
//      redelivered: f64 streamSeq, u32 count                (12 bytes each)
//      u32 CRC-32C of everything before it

import { crc32c } from "./crc32c.js";
import { StoreCorruptError, type ConsumerState } from "./types.js";

const MAGIC = 0x4353544e; // "NTSC" little-endian
const VERSION = 1;
const FIXED = 48;

export function emptyConsumerState(): ConsumerState {
  return {
    delivered: { consumerSeq: 0, streamSeq: 0 },
    ackFloor: { consumerSeq: 0, streamSeq: 0 },
    pending: new Map(),
    redelivered: new Map(),
  };
}

export function cloneConsumerState(s: ConsumerState): ConsumerState {
  return {
    delivered: { consumerSeq: s.delivered.consumerSeq, streamSeq: s.delivered.streamSeq },
    ackFloor: { consumerSeq: s.ackFloor.consumerSeq, streamSeq: s.ackFloor.streamSeq },
    pending: new Map([...s.pending].map(([k, v]) => [k, { consumerSeq: v.consumerSeq, ts: v.ts }])),
    redelivered: new Map(s.redelivered),
  };
}

export function encodeConsumerState(s: ConsumerState): Buffer {
  const len = FIXED + s.pending.size * 24 + s.redelivered.size * 12 + 4;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(VERSION, 4);
  b.writeDoubleLE(s.delivered.consumerSeq, 8);
  b.writeDoubleLE(s.delivered.streamSeq, 16);
  b.writeDoubleLE(s.ackFloor.consumerSeq, 24);
  b.writeDoubleLE(s.ackFloor.streamSeq, 32);
  b.writeUInt32LE(s.pending.size, 40);
  b.writeUInt32LE(s.redelivered.size, 44);
  let o = FIXED;
  for (const [seq, p] of s.pending) {
    b.writeDoubleLE(seq, o);
    b.writeDoubleLE(p.consumerSeq, o + 8);
    b.writeBigInt64LE(p.ts, o + 16);
    o += 24;
  }
  for (const [seq, n] of s.redelivered) {
    b.writeDoubleLE(seq, o);
    b.writeUInt32LE(n, o + 8);
    o += 12;
  }
  b.writeUInt32LE(crc32c(b, 0, o), o);
  return b;
}

/** Decodes a state file; throws StoreCorruptError (naming `file`) when it fails any check. */
export function decodeConsumerState(b: Buffer, file: string): ConsumerState {
  const bad = (why: string): StoreCorruptError => new StoreCorruptError(`consumer state ${file}: ${why}`, file, null);
  if (b.length < FIXED + 4) throw bad(`too short (${b.length} bytes)`);
  if (b.readUInt32LE(0) !== MAGIC) throw bad("bad magic");
  const crcAt = b.length - 4;
  if (crc32c(b, 0, crcAt) !== b.readUInt32LE(crcAt)) throw bad("checksum mismatch");
  if (b.readUInt32LE(4) !== VERSION) throw bad(`unknown version ${b.readUInt32LE(4)}`);
  const np = b.readUInt32LE(40);
  const nr = b.readUInt32LE(44);
  if (FIXED + np * 24 + nr * 12 !== crcAt) throw bad("length does not match its counts");
  const s = emptyConsumerState();
  s.delivered = { consumerSeq: b.readDoubleLE(8), streamSeq: b.readDoubleLE(16) };
  s.ackFloor = { consumerSeq: b.readDoubleLE(24), streamSeq: b.readDoubleLE(32) };
  let o = FIXED;
  for (let i = 0; i < np; i++, o += 24) {
    s.pending.set(b.readDoubleLE(o), { consumerSeq: b.readDoubleLE(o + 8), ts: b.readBigInt64LE(o + 16) });
  }
  for (let i = 0; i < nr; i++, o += 12) s.redelivered.set(b.readDoubleLE(o), b.readUInt32LE(o + 8));
  return s;
}
