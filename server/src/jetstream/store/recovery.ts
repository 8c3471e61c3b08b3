// Recovery on open: rebuild the in-memory index from the index file when it is trustworthy, and
// otherwise by scanning every block. The scan verifies every record:
//
// - a record whose header is valid but whose data fails its checksum is lost (its sequence known);
// - bytes that are no valid record, followed by a valid record, are a damaged region: lost, with
//   the sequences between its neighbours when that gap is small, else with an unknown sequence;
// - an incomplete record at the end of a block is a torn write (never acknowledged, since acks
//   wait for the fsync): the block is cut before it, and that is logged;
// - with an index file that no longer matches the blocks, every message it lists that the scan
//   cannot find is lost too (so a truncated block is detected, not taken for a torn write).

import { existsSync, fsyncSync, ftruncateSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { Block, FileEntry, blockName, blockNumber } from "./block.js";
import { INDEX_FILE, decodeIndex, type IndexData } from "./index.js";
import { REC_ERASED, REC_FLOOR, REC_HDR, REC_MAGIC, REC_MSG, REC_TOMB, dataOk, msgBody, readHead } from "./record.js";
import { fileMsgSize } from "./types.js";
import type { StoreLogger } from "./util.js";

export interface LostRecord {
  seq: number | null;
  bytes: number;
}

export interface Recovered {
  /** open blocks, ascending (empty for a new store) */
  blocks: Block[];
  /** live messages, ascending */
  entries: FileEntry[];
  lastSeq: number;
  lastTs: bigint;
  lost: LostRecord[];
  /** how the state was obtained */
  source: "new" | "index" | "scan";
}

/** Gaps up to this size between the neighbours of a damaged region are reported as lost sequences. */
const MAX_INFERRED = 1024;

export function recover(msgsDir: string, log: StoreLogger, label: string): Recovered {
  const nums = readdirSync(msgsDir)
    .map(blockNumber)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  const idxPath = join(msgsDir, INDEX_FILE);
  let idx: IndexData | null = null;
  if (existsSync(idxPath)) {
    try {
      idx = decodeIndex(readFileSync(idxPath));
    } catch (e) {
      log("WRN", `${label}: index file ${idxPath} is unusable (${(e as Error).message}); rebuilding it from ${nums.length} block(s)`);
    }
  } else if (nums.length > 0) {
    log("WRN", `${label}: no index file (unclean shutdown or lost); rebuilding it from ${nums.length} block(s)`);
  }
  if (nums.length === 0) {
    if (idx && idx.entries.length > 0) {
      log("ERR", `${label}: the index lists ${idx.entries.length} message(s) but no block file exists`);
      return { blocks: [], entries: [], lastSeq: idx.lastSeq, lastTs: idx.lastTs, lost: idx.entries.map((e) => ({ seq: e.seq, bytes: e.len })), source: "scan" };
    }
    return { blocks: [], entries: [], lastSeq: idx?.lastSeq ?? 0, lastTs: idx?.lastTs ?? 0n, lost: [], source: "new" };
  }
  if (idx) {
    const why = indexMismatch(msgsDir, idx, nums);
    if (why === null) return fromIndex(msgsDir, idx);
    log("WRN", `${label}: index file does not match the blocks (${why}); rebuilding it by scanning`);
  }
  return scan(msgsDir, nums, log, label, idx);
}

function indexMismatch(msgsDir: string, idx: IndexData, nums: number[]): string | null {
  if (idx.blocks.length !== nums.length || idx.blocks.some((b, i) => b.n !== nums[i])) {
    return `blocks ${idx.blocks.map((b) => b.n).join(",")} listed, ${nums.join(",")} found`;
  }
  for (const b of idx.blocks) {
    const size = statSync(join(msgsDir, blockName(b.n))).size;
    if (size !== b.size) return `block ${b.n}: ${b.size} bytes listed, ${size} found`;
  }
  const sizes = new Map(idx.blocks.map((b) => [b.n, b.size]));
  let prev = 0;
  for (const e of idx.entries) {
    if (e.seq <= prev || e.off + e.len > (sizes.get(e.block) ?? 0)) return `entry for sequence ${e.seq} is out of place`;
    prev = e.seq;
  }
  return null;
}

function fromIndex(msgsDir: string, idx: IndexData): Recovered {
  const blocks = idx.blocks.map((b) => Block.open(msgsDir, b.n));
  const byN = new Map(blocks.map((b) => [b.n, b]));
  const entries: FileEntry[] = [];
  for (const e of idx.entries) {
    const b = byN.get(e.block);
    if (!b) throw new Error(`index entry ${e.seq} names missing block ${e.block}`);
    b.live++;
    entries.push(new FileEntry(e.seq, e.subj, e.ts, e.size, e.expires, b, e.off, e.len, null));
  }
  const lost: LostRecord[] = [];
  if (idx.lost) {
    for (const s of idx.lost.msgs) lost.push({ seq: s, bytes: 0 });
    lost.push({ seq: null, bytes: idx.lost.bytes });
  }
  return { blocks, entries, lastSeq: idx.lastSeq, lastTs: idx.lastTs, lost, source: "index" };
}

interface MsgRec {
  seq: number;
  subj: string;
  ts: bigint;
  expires: bigint;
  size: number;
  off: number;
  len: number;
}

interface Region {
  block: number;
  off: number;
  bytes: number;
  /** highest sequence seen before the region */
  after: number;
  /** first sequence seen after it (0 = none) */
  before: number;
}

class ScanState {
  floor = 0;
  floorLastSeq = 0;
  floorLastTs = 0n;
  maxSeq = 0;
  maxSeqTs = 0n;
  tombs = new Set<number>();
  erased = new Set<number>();
  lost: LostRecord[] = [];
  regions: Region[] = [];
  open: Region[] = [];

  noteSeq(seq: number, ts: bigint): void {
    for (const r of this.open) r.before = seq;
    this.open = [];
    if (seq > this.maxSeq) {
      this.maxSeq = seq;
      this.maxSeqTs = ts;
    }
  }
}

/** The next offset after `from` holding a complete record with a valid header, or -1. */
function findNext(buf: Buffer, from: number): number {
  for (let p = from; p + REC_HDR <= buf.length; p++) {
    if (buf.readUInt32LE(p + 20) !== REC_MAGIC) continue;
    const h = readHead(buf, p);
    if (h && p + h.len <= buf.length) return p;
  }
  return -1;
}

function scanBlock(block: Block, st: ScanState, log: StoreLogger, label: string): MsgRec[] {
  const buf = block.read(0, block.size);
  const msgs: MsgRec[] = [];
  let off = 0;
  while (off < buf.length) {
    const h = readHead(buf, off);
    if (h && off + h.len <= buf.length) {
      if (h.type === REC_MSG) {
        if (dataOk(buf, off, h)) {
          const body = msgBody(buf, off, h);
          msgs.push({ seq: h.seq, subj: body.subject, ts: h.ts, expires: h.aux, size: fileMsgSize(body.subject, body.hdr, body.data), off, len: h.len });
        } else {
          log("ERR", `${label}: ${block.path}: message ${h.seq} at offset ${off} fails its checksum; it is lost`);
          st.lost.push({ seq: h.seq, bytes: h.len });
        }
        st.noteSeq(h.seq, h.ts);
      } else if (h.type === REC_TOMB) {
        st.tombs.add(h.seq);
      } else if (h.type === REC_FLOOR) {
        if (h.seq > st.floor) st.floor = h.seq;
        const last = Number(h.aux);
        if (last >= st.floorLastSeq) {
          st.floorLastSeq = last;
          st.floorLastTs = h.ts;
        }
      } else if (h.type === REC_ERASED) {
        st.erased.add(h.seq);
        st.noteSeq(h.seq, h.ts);
      }
      off += h.len;
      continue;
    }
    const rest = buf.length - off;
    // A complete record whose header is damaged still says how long it is and fills the block.
    const wholeButDamaged = !h && rest >= REC_HDR && buf.readUInt32LE(off) === rest;
    const next = h ? -1 : findNext(buf, off + 1);
    if (next < 0 && !wholeButDamaged) {
      log("WRN", `${label}: ${block.path}: incomplete record at offset ${off} (${rest} bytes, a write cut short); cutting it off`);
      ftruncateSync(block.fd, off);
      fsyncSync(block.fd);
      block.size = block.written = off;
      break;
    }
    const end = next < 0 ? buf.length : next;
    log("ERR", `${label}: ${block.path}: ${end - off} damaged bytes at offset ${off}; skipping them`);
    const r: Region = { block: block.n, off, bytes: end - off, after: st.maxSeq, before: 0 };
    st.regions.push(r);
    st.open.push(r);
    off = end;
  }
  return msgs;
}

function scan(msgsDir: string, nums: number[], log: StoreLogger, label: string, idx: IndexData | null): Recovered {
  const st = new ScanState();
  const blocks: Block[] = [];
  const perBlock: MsgRec[][] = [];
  for (const n of nums) {
    const b = Block.open(msgsDir, n);
    blocks.push(b);
    perBlock.push(scanBlock(b, st, log, label));
  }
  const floor = st.floor;
  const deleted = (seq: number): boolean => seq < floor || st.tombs.has(seq) || st.erased.has(seq);

  const entries: FileEntry[] = [];
  let prev = 0;
  blocks.forEach((b, i) => {
    for (const m of perBlock[i]) {
      if (deleted(m.seq)) continue;
      if (m.seq <= prev) {
        log("ERR", `${label}: ${b.path}: message ${m.seq} out of order (after ${prev}); ignored`);
        continue;
      }
      prev = m.seq;
      b.live++;
      entries.push(new FileEntry(m.seq, m.subj, m.ts, m.size, m.expires, b, m.off, m.len, null));
    }
  });

  // Lost: damaged records, damaged regions, and what a stale index expected but is gone.
  const lost: LostRecord[] = [];
  const lostSeqs = new Set<number>();
  const addLost = (seq: number | null, bytes: number): void => {
    if (seq !== null) {
      if (deleted(seq) || lostSeqs.has(seq)) return;
      lostSeqs.add(seq);
    }
    lost.push({ seq, bytes });
  };
  for (const l of st.lost) addLost(l.seq, l.bytes);
  for (const r of st.regions) {
    const gap = r.before > 0 ? r.before - r.after - 1 : 0;
    const seqs: number[] = [];
    if (gap >= 1 && gap <= MAX_INFERRED) for (let s = r.after + 1; s < r.before; s++) if (!deleted(s)) seqs.push(s);
    if (seqs.length === 0) addLost(null, r.bytes);
    else seqs.forEach((s, i) => addLost(s, i === 0 ? r.bytes : 0));
  }
  if (idx) {
    const live = new Set(entries.map((e) => e.seq));
    for (const e of idx.entries) {
      if (live.has(e.seq) || deleted(e.seq) || lostSeqs.has(e.seq)) continue;
      log("ERR", `${label}: message ${e.seq} (block ${e.block}, offset ${e.off}) listed by the index is missing; it is lost`);
      addLost(e.seq, e.len);
    }
  }

  let lastSeq = Math.max(st.maxSeq, st.floorLastSeq, floor - 1, idx?.lastSeq ?? 0);
  for (const s of lostSeqs) lastSeq = Math.max(lastSeq, s);
  let lastTs = st.floorLastSeq > st.maxSeq ? st.floorLastTs : st.maxSeqTs;
  if (idx && idx.lastSeq >= lastSeq) lastTs = idx.lastTs;

  // Blocks without live messages (except the last, which stays the active block) are removed.
  const kept: Block[] = [];
  blocks.forEach((b, i) => {
    if (b.live === 0 && i < blocks.length - 1) {
      b.close();
      unlinkSync(b.path);
      log("INF", `${label}: removed block ${b.path}, which holds no live message`);
    } else {
      kept.push(b);
    }
  });
  return { blocks: kept, entries, lastSeq, lastTs, lost, source: "scan" };
}
