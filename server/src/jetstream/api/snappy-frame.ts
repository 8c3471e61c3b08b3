// The Snappy framing format (also read by S2 readers), with uncompressed chunks only: backup
// tools read snapshot data through an S2 reader, so natsts' snapshot bytes travel in valid frames.

import { crc32c } from "../store/crc32c.js";

const STREAM_ID = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]); // "sNaPpY"
const CHUNK_UNCOMPRESSED = 0x01;
const MAX_CHUNK = 65536;

function masked(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function frame(data: Buffer): Buffer {
  const parts: Buffer[] = [STREAM_ID];
  for (let off = 0; off < data.length; off += MAX_CHUNK) {
    const piece = data.subarray(off, Math.min(data.length, off + MAX_CHUNK));
    const head = Buffer.alloc(8);
    head[0] = CHUNK_UNCOMPRESSED;
    head.writeUIntLE(piece.length + 4, 1, 3);
    head.writeUInt32LE(masked(crc32c(piece)), 4);
    parts.push(head, piece);
  }
  return Buffer.concat(parts);
}

export function unframe(buf: Buffer): Buffer {
  if (buf.length < STREAM_ID.length || !buf.subarray(0, STREAM_ID.length).equals(STREAM_ID)) throw new Error("not a framed stream");
  const out: Buffer[] = [];
  let p = STREAM_ID.length;
  while (p < buf.length) {
    if (p + 4 > buf.length) throw new Error("truncated frame header");
    const type = buf[p];
    const len = buf.readUIntLE(p + 1, 3);
    const body = buf.subarray(p + 4, p + 4 + len);
    if (body.length !== len) throw new Error("truncated frame");
    if (type === CHUNK_UNCOMPRESSED) {
      const piece = body.subarray(4);
      if (masked(crc32c(piece)) !== body.readUInt32LE(0)) throw new Error("frame checksum mismatch");
      out.push(piece);
    } else if (type !== 0xff && type < 0x80) {
      throw new Error(`unsupported frame type ${type}`);
    }
    p += 4 + len;
  }
  return Buffer.concat(out);
}
