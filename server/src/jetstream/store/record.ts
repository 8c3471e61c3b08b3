// Block records. Every record is self-describing and carries two CRC-32C checksums: one over its
// 48-byte header (so a damaged header is told apart from damaged data, and the record length can
// be trusted to skip exactly past a record whose data is bad) and one over its payload.
//
//   0  u32 len        whole record, header included
//   4  u32 hcrc       CRC-32C of bytes [0,4) and [8,48)
//   8  u32 dcrc       CRC-32C of the payload [48,len)
//  12  u8  type       MSG | TOMB | FLOOR | ERASED
//  13  u8  flags      bit0: has a header block (MSG); bit1: erase (TOMB)
//  14  u16 subjLen
//  16  u32 hdrLen
//  20  u32 magic      "NTSR", lets a resync scan reject most offsets before computing a CRC
//  24  u64 seq        MSG/TOMB/ERASED: the message sequence; FLOOR: the floor (all seqs below are gone)
//  32  i64 ts         MSG/ERASED: message time; FLOOR: the store's last timestamp
//  40  i64 aux        MSG: TTL expiry (ns, 0 = none); FLOOR: the store's last sequence
//  48  payload        MSG: subject (latin1), header block, data; ERASED: zeroes
//
// All integers are little-endian. A TOMB deletes a message whose record sits in the same block,
// so a tombstone lives exactly as long as the record it cancels.

/// <reference path="../../node-buffer.d.ts" />

import { crc32c } from "./crc32c.js";

export const REC_HDR = 48;
export const REC_MAGIC = 0x5253544e; // "NTSR" little-endian

export const REC_MSG = 1;
export const REC_TOMB = 2;
export const REC_FLOOR = 3;
export const REC_ERASED = 4;

export const FLAG_HDR = 1;
export const FLAG_ERASE = 2;

const MAX_SUBJECT = 0xffff;

export interface RecordHead {
  readonly len: number;
  readonly type: number;
  readonly flags: number;
  readonly subjLen: number;
  readonly hdrLen: number;
  readonly seq: number;
  readonly ts: bigint;
  readonly aux: bigint;
}

function writeU64(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32LE(v % 0x100000000, off);
  buf.writeUInt32LE(Math.floor(v / 0x100000000), off + 4);
}

function readU64(buf: Uint8Array, off: number): number {
  const b = buf as Buffer;
  return b.readUInt32LE(off) + b.readUInt32LE(off + 4) * 0x100000000;
}

function headCrc(buf: Uint8Array, off: number): number {
  return crc32c(buf, off + 8, off + REC_HDR, crc32c(buf, off, off + 4));
}

function seal(buf: Buffer): Buffer {
  buf.writeUInt32LE(crc32c(buf, REC_HDR, buf.length), 8);
  buf.writeUInt32LE(headCrc(buf, 0), 4);
  return buf;
}

function header(len: number, type: number, flags: number, subjLen: number, hdrLen: number, seq: number, ts: bigint, aux: bigint): Buffer {
  const buf = Buffer.allocUnsafe(len);
  buf.writeUInt32LE(len, 0);
  buf[12] = type;
  buf[13] = flags;
  buf.writeUInt16LE(subjLen, 14);
  buf.writeUInt32LE(hdrLen, 16);
  buf.writeUInt32LE(REC_MAGIC, 20);
  writeU64(buf, 24, seq);
  buf.writeBigInt64LE(ts, 32);
  buf.writeBigInt64LE(aux, 40);
  return buf;
}

export function encodeMsg(seq: number, ts: bigint, expires: bigint, subject: string, hdr: Buffer | null, data: Buffer): Buffer {
  const subjLen = Buffer.byteLength(subject, "latin1");
  if (subjLen > MAX_SUBJECT) throw new RangeError(`subject longer than ${MAX_SUBJECT} bytes`);
  const hdrLen = hdr?.length ?? 0;
  const len = REC_HDR + subjLen + hdrLen + data.length;
  const buf = header(len, REC_MSG, hdr ? FLAG_HDR : 0, subjLen, hdrLen, seq, ts, expires);
  buf.latin1Write(subject, REC_HDR, subjLen);
  if (hdr) hdr.copy(buf, REC_HDR + subjLen);
  data.copy(buf, REC_HDR + subjLen + hdrLen);
  return seal(buf);
}

export function encodeTomb(seq: number, erase: boolean): Buffer {
  return seal(header(REC_HDR, REC_TOMB, erase ? FLAG_ERASE : 0, 0, 0, seq, 0n, 0n));
}

export function encodeFloor(floor: number, lastSeq: number, lastTs: bigint): Buffer {
  return seal(header(REC_HDR, REC_FLOOR, 0, 0, 0, floor, lastTs, BigInt(lastSeq)));
}

/** A record of `len` bytes that replaces an erased message in place: same length, zero payload. */
export function encodeErased(len: number, seq: number, ts: bigint): Buffer {
  const buf = header(len, REC_ERASED, 0, 0, 0, seq, ts, 0n);
  buf.fill(0, REC_HDR);
  return seal(buf);
}

/**
 * Parses and verifies the header at `off` (needs REC_HDR bytes available). Returns null when the
 * bytes there are not a valid record header. The payload is not checked; see `dataOk`.
 */
export function readHead(buf: Uint8Array, off: number): RecordHead | null {
  if (off + REC_HDR > buf.length) return null;
  const b = buf as Buffer;
  if (b.readUInt32LE(off + 20) !== REC_MAGIC) return null;
  const len = b.readUInt32LE(off);
  if (len < REC_HDR || b.readUInt32LE(off + 4) !== headCrc(buf, off)) return null;
  const type = b[off + 12];
  const subjLen = b.readUInt16LE(off + 14);
  const hdrLen = b.readUInt32LE(off + 16);
  if (type === REC_MSG) {
    if (REC_HDR + subjLen + hdrLen > len) return null;
  } else if (type === REC_TOMB || type === REC_FLOOR) {
    if (len !== REC_HDR) return null;
  } else if (type !== REC_ERASED) {
    return null;
  }
  return {
    len,
    type,
    flags: b[off + 13],
    subjLen,
    hdrLen,
    seq: readU64(buf, off + 24),
    ts: b.readBigInt64LE(off + 32),
    aux: b.readBigInt64LE(off + 40),
  };
}

/** Verifies the payload checksum of a record whose header is valid and whose bytes are all present. */
export function dataOk(buf: Uint8Array, off: number, head: RecordHead): boolean {
  return crc32c(buf, off + REC_HDR, off + head.len) === (buf as Buffer).readUInt32LE(off + 8);
}

export interface MsgBody {
  subject: string;
  hdr: Buffer | null;
  data: Buffer;
}

/** The subject, header block and data of a verified MSG record (views into `buf`). */
export function msgBody(buf: Buffer, off: number, head: RecordHead): MsgBody {
  const s = off + REC_HDR;
  const h = s + head.subjLen;
  const d = h + head.hdrLen;
  return {
    subject: buf.latin1Slice(s, h),
    hdr: head.flags & FLAG_HDR ? buf.subarray(h, d) : null,
    data: buf.subarray(d, off + head.len),
  };
}

/**
 * Verifies that `buf` holds, at `at`, one intact MSG record of `len` bytes and sequence `seq`
 * (both checksums), without decoding it; null when it does, else why not.
 */
export function checkMsgRecord(buf: Buffer, at: number, len: number, seq: number): string | null {
  if (at + len > buf.length) return "record cut short";
  if (len < REC_HDR || buf.readUInt32LE(at + 20) !== REC_MAGIC) return "damaged header";
  if (buf.readUInt32LE(at) !== len || buf.readUInt32LE(at + 4) !== headCrc(buf, at)) return "damaged header";
  if (buf[at + 12] !== REC_MSG || readU64(buf, at + 24) !== seq) return "a different record is there";
  if (REC_HDR + buf.readUInt16LE(at + 14) + buf.readUInt32LE(at + 16) > len) return "damaged header";
  if (crc32c(buf, at + REC_HDR, at + len) !== buf.readUInt32LE(at + 8)) return "data checksum mismatch";
  return null;
}

/** The message in a record checked by checkMsgRecord (header and data are views into `buf`). */
export function msgFromRecord(buf: Buffer, at: number, len: number, seq: number, subject: string, ts: bigint): { seq: number; subject: string; hdr: Buffer | null; data: Buffer; ts: bigint } {
  const h = at + REC_HDR + buf.readUInt16LE(at + 14);
  const d = h + buf.readUInt32LE(at + 16);
  return { seq, subject, hdr: buf[at + 13] & FLAG_HDR ? buf.subarray(h, d) : null, data: buf.subarray(d, at + len), ts };
}
