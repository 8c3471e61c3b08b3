// The file stream store. Layout under its directory:
//
//   msgs/<n>.blk     block files of checksummed records (record.ts), rolled at blockSize
//   msgs/index.idx   index snapshot written at a clean close (index.ts), deleted on open
//
// Sequences are assigned and the in-memory index updated synchronously in append(); the record
// is queued and written, fsynced and acknowledged by the group-commit loop (writer.ts). Removing
// the oldest messages writes one floor record ("everything below N is gone") per commit; removing
// a message in the middle writes a tombstone into the block holding it; erasing also overwrites
// the record in place with zeroes. Blocks left without live messages are unlinked.

import { rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Block, FileEntry, nodeIo, type StoreIo } from "./block.js";
import { INDEX_FILE, encodeIndex, writeFileAtomic } from "./index.js";
import { MsgIndex } from "./msgindex.js";
import { REC_HDR, checkMsgRecord, encodeErased, encodeFloor, encodeMsg, encodeTomb, msgFromRecord } from "./record.js";
import { MsgCache } from "./msgcache.js";
import { recover } from "./recovery.js";
import { StoreCorruptError, fileMsgSize, type AppendResult, type Nanos, type PurgeRequest, type StoreState, type StoredMsg, type StreamStore } from "./types.js";
import { ensureDir, nowNs, stderrLogger, type StoreLogger } from "./util.js";
import { BlockWriter, type StoreStats, type SyncPolicy } from "./writer.js";

export type { StoreStats, SyncPolicy } from "./writer.js";
export type { StoreIo } from "./block.js";
export type { StoreLogger } from "./util.js";

export interface FileStreamStoreOptions {
  /** block size in bytes (default 8 MiB) */
  blockSize?: number;
  syncPolicy: SyncPolicy;
  logger?: StoreLogger;
  /** sequence of the first message of a new stream (ignored when the store exists) */
  firstSeq?: number;
  /** file operations of the commit loop (tests count or fail them) */
  io?: StoreIo;
  /** messages kept in the read cache (default 1024) */
  cacheMsgs?: number;
  /** bytes of message data kept in the read cache (default 4 MiB) */
  cacheBytes?: number;
}

export const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;

export class FileStreamStore implements StreamStore {
  private readonly index = new MsgIndex<FileEntry>();
  private readonly cache: MsgCache;
  /** sequence of the last message read from a block (not the cache) */
  private lastRead = 0;
  private floorDirty = false;
  private closed = false;
  private writer!: BlockWriter;
  private readonly log: StoreLogger;
  private readonly label: string;
  private readonly msgsDir: string;
  private readonly io: StoreIo;

  private constructor(
    readonly dir: string,
    private readonly opts: FileStreamStoreOptions,
  ) {
    this.log = opts.logger ?? stderrLogger;
    this.label = `filestore ${dir}`;
    this.msgsDir = join(dir, "msgs");
    this.io = opts.io ?? nodeIo;
    this.cache = new MsgCache(opts.cacheMsgs ?? 1024, opts.cacheBytes ?? 4 * 1024 * 1024);
  }

  /** Opens (recovering) or creates the store in `dir`. */
  static async open(dir: string, opts: FileStreamStoreOptions): Promise<FileStreamStore> {
    const s = new FileStreamStore(dir, opts);
    await s.init();
    return s;
  }

  private async init(): Promise<void> {
    await ensureDir(this.msgsDir, this.io);
    const rec = recover(this.msgsDir, this.log, this.label);
    for (const e of rec.entries) this.index.add(e);
    this.index.skipTo(rec.lastSeq + 1);
    this.index.lastTs = rec.lastTs;
    for (const l of rec.lost) this.index.markLost(l.seq, l.bytes);
    let blocks = rec.blocks;
    if (blocks.length === 0) {
      const first = this.opts.firstSeq ?? 1;
      if (rec.source === "new" && first > 1) this.index.skipTo(first);
      const b = Block.create(this.msgsDir, 1);
      b.enqueue(this.headerRecord());
      blocks = [b];
    }
    this.writer = new BlockWriter(blocks, {
      msgsDir: this.msgsDir,
      blockSize: this.opts.blockSize ?? DEFAULT_BLOCK_SIZE,
      syncPolicy: this.opts.syncPolicy,
      io: this.io,
      logger: this.log,
      label: this.label,
      headerRecord: () => this.headerRecord(),
      beforeCommit: () => this.beforeCommit(),
      written: (entries) => this.written(entries),
    });
    if (rec.source !== "new") {
      const st = this.index.state();
      this.log("INF", `${this.label}: recovered ${st.messages} message(s), ${st.bytes} bytes, sequences ${st.firstSeq}..${st.lastSeq} (from ${rec.source})`);
    }
    // The index is a clean-shutdown snapshot only: remove it before anything changes the blocks.
    if (rec.source !== "new") await this.removeIndexFile();
    await this.writer.sync();
  }

  private async removeIndexFile(): Promise<void> {
    try {
      await unlink(join(this.msgsDir, INDEX_FILE));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      return;
    }
    await this.io.fsyncDir(this.msgsDir);
  }

  /** Counters of the commit loop (fsyncs, commits, writes). */
  stats(): StoreStats {
    return { ...this.writer.stats };
  }

  private headerRecord(): Buffer {
    return encodeFloor(this.index.firstLiveSeq(), this.index.lastSeq, this.index.lastTs);
  }

  private beforeCommit(): void {
    if (!this.floorDirty) return;
    this.floorDirty = false;
    this.writer.queueInto(this.writer.active, this.headerRecord());
  }

  private written(entries: FileEntry[]): void {
    for (const e of entries) {
      if (e.pending && !e.dead) this.cache.put(e.pending);
      e.pending = null;
    }
  }

  private checkWritable(): void {
    if (this.closed) throw new Error(`${this.label}: store is closed`);
    if (this.writer.failed) throw new Error(`${this.label}: store failed: ${this.writer.failed.message}`);
  }

  append(subject: string, hdr: Buffer | null, data: Buffer, opts?: { seq?: number; ts?: Nanos; ttlNs?: Nanos }): AppendResult {
    this.checkWritable();
    const seq = opts?.seq ?? this.index.lastSeq + 1;
    if (seq <= this.index.lastSeq) throw new RangeError(`sequence ${seq} is not above the last sequence ${this.index.lastSeq}`);
    const ts = opts?.ts ?? nowNs();
    const ttl = opts?.ttlNs ?? 0n;
    const expires = ttl > 0n ? ts + ttl : 0n;
    const rec = encodeMsg(seq, ts, expires, subject, hdr, data);
    const { block, off } = this.writer.appendMsg(rec);
    const s = REC_HDR + (rec.length - REC_HDR - data.length - (hdr?.length ?? 0));
    const h = s + (hdr?.length ?? 0);
    const msg: StoredMsg = { seq, subject, hdr: hdr ? rec.subarray(s, h) : null, data: rec.subarray(h), ts };
    const e = new FileEntry(seq, subject, ts, fileMsgSize(subject, hdr, data), expires, block, off, rec.length, msg);
    block.live++;
    this.index.add(e);
    this.writer.track(e);
    return { seq, ts, durable: this.writer.request() };
  }

  get(seq: number): StoredMsg | null {
    const e = this.index.get(seq);
    if (!e) {
      if (this.index.isLost(seq)) throw new StoreCorruptError(`${this.label}: message ${seq} is corrupt (lost)`, this.msgsDir, seq);
      return null;
    }
    return this.read(e);
  }

  /**
   * Reads and verifies a message; a corrupt record is marked lost and throws. The subject and
   * time come from the index entry, which was built from this record (its checksums cover them).
   */
  private read(e: FileEntry): StoredMsg {
    if (e.pending) return e.pending;
    const hit = this.cache.get(e.seq);
    if (hit !== null) return hit;
    const buf = e.block.locate(e.off, e.len);
    const at = e.block.locatedAt;
    const why = checkMsgRecord(buf, at, e.len, e.seq);
    if (why !== null) {
      this.log("ERR", `${this.label}: ${e.block.path}: message ${e.seq} at offset ${e.off} is corrupt (${why}); it is lost and will not be served`);
      this.dropLost(e);
      throw new StoreCorruptError(`${this.label}: message ${e.seq} is corrupt (${why})`, e.block.path, e.seq);
    }
    const m = msgFromRecord(buf, at, e.len, e.seq, e.subj, e.ts);
    // a lone sequential reader does not come back: the cache is for readers close behind another
    if (e.seq !== this.lastRead + 1) this.cache.put(m);
    this.lastRead = e.seq;
    return m;
  }

  private dropLost(e: FileEntry): void {
    this.index.kill(e);
    this.index.markLost(e.seq, e.len);
    this.afterKill(e);
  }

  /** Like read(), but a corrupt record is skipped (it is logged and marked lost by read()). */
  private readOrNull(e: FileEntry): StoredMsg | null {
    try {
      return this.read(e);
    } catch (err) {
      if (err instanceof StoreCorruptError) return null;
      throw err;
    }
  }

  lastBySubject(subject: string): StoredMsg | null {
    for (;;) {
      const e = this.index.lastBySubject(subject);
      if (!e) return null;
      const m = this.readOrNull(e);
      if (m) return m;
    }
  }

  nextMatching(start: number, filter: string): StoredMsg | null {
    let from = start;
    for (;;) {
      const e = this.index.nextMatching(from, filter);
      if (!e) return null;
      const m = this.readOrNull(e);
      if (m) return m;
      from = e.seq + 1;
    }
  }

  subjectCount(subject: string): number {
    return this.index.subjectCount(subject);
  }

  subjects(filter?: string): Map<string, number> {
    return this.index.subjectCounts(filter);
  }

  remove(seq: number, erase = false): boolean {
    this.checkWritable();
    const e = this.index.get(seq);
    if (!e) return false;
    this.removeEntries([e], erase);
    return true;
  }

  removeFirst(): number {
    this.checkWritable();
    const e = this.index.first();
    if (!e) return 0;
    this.removeEntries([e], false);
    return e.seq;
  }

  purge(req?: PurgeRequest): number {
    this.checkWritable();
    const plan = this.index.planPurge(req);
    if (plan.kind === "below") return this.compact(plan.seq);
    if (plan.kind === "entries") {
      this.removeEntries(plan.entries, false);
      return plan.entries.length;
    }
    const n = this.index.msgs;
    for (const e of this.index.entries()) e.block.live--;
    this.index.clear();
    this.cache.clear();
    this.floorDirty = true;
    for (const b of [...this.writer.blocks]) if (b !== this.writer.active) this.writer.retire(b);
    // Start over in a fresh block so the old one's space is returned.
    if (this.writer.active.size > REC_HDR) this.writer.roll();
    this.writer.kick();
    return n;
  }

  compact(seq: number): number {
    this.checkWritable();
    const victims = this.index.below(seq);
    this.removeEntries(victims, false);
    if (seq - 1 > this.index.lastSeq) {
      this.index.skipTo(seq);
      this.floorDirty = true;
      this.writer.kick();
    }
    return victims.length;
  }

  /**
   * Removes entries: the oldest ones are covered by the next floor record; any left below a live
   * message get a tombstone in their own block. Erased records are overwritten in place.
   */
  private removeEntries(victims: FileEntry[], erase: boolean): void {
    if (victims.length === 0) return;
    const oldFirst = this.index.firstLiveSeq();
    for (const e of victims) this.index.kill(e);
    const newFirst = this.index.firstLiveSeq();
    if (newFirst > oldFirst) this.floorDirty = true;
    for (const e of victims) {
      this.cache.drop(e.seq);
      e.pending = null;
      if (e.seq >= newFirst) this.writer.queueInto(e.block, encodeTomb(e.seq, erase));
      if (erase) this.writer.overwrite(e.block, e.off, encodeErased(e.len, e.seq, e.ts));
    }
    for (const e of victims) this.afterKill(e);
    this.writer.kick();
  }

  private afterKill(e: FileEntry): void {
    e.block.live--;
    if (e.block.live === 0 && e.block !== this.writer.active) this.writer.retire(e.block);
  }

  expired(now: Nanos, maxAgeNs: Nanos): number[] {
    return this.index.expired(now, maxAgeNs);
  }

  state(): StoreState {
    return this.index.state();
  }

  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.writer.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    // A failed store leaves no index: the next open scans and verifies everything.
    if (this.writer.failed) return;
    const blocks = this.writer.blocks;
    const idx = encodeIndex(this.index.lastSeq, this.index.lastTs, blocks, this.index.entries(), this.index.lost());
    await writeFileAtomic(this.msgsDir, join(this.msgsDir, INDEX_FILE), idx, this.io, true);
  }

  async destroy(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.writer.close();
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function openFileStreamStore(dir: string, opts: FileStreamStoreOptions): Promise<FileStreamStore> {
  return FileStreamStore.open(dir, opts);
}
