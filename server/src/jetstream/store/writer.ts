// The block writer: queues records into blocks synchronously (so sequence assignment and the
// in-memory index never wait for I/O) and commits them from one loop:
//
//   1. write every block's queued records (one writev per block, older blocks first)
//   2. fdatasync every written block, then fsync the directory if a block was created
//      ("always" policy; with an interval policy a timer requests the fsync instead); a commit of
//      a single message fdatasyncs on the event loop's thread, sparing the thread-pool round trip
//      that would otherwise be most of a lone synchronous publisher's wait
//   3. in-place overwrites of erased records, then fdatasync again
//   4. resolve everyone whose records the commit covered
//   5. close and unlink blocks that no longer hold live messages
//
// An I/O error fails the commit, is logged, and latches: the store accepts no more writes, since
// after a failed fsync nobody can say what reached the disk.

import { unlink } from "node:fs/promises";
import { Block, type FileEntry, type StoreIo } from "./block.js";
import { GroupCommit } from "./groupcommit.js";
import { REC_HDR } from "./record.js";
import { deferred, type StoreLogger } from "./util.js";

export type SyncPolicy = "always" | { intervalMs: number };

export interface StoreStats {
  /** fdatasync/fsync calls (files and directory) */
  fsyncs: number;
  /** commits run by the group-commit loop */
  commits: number;
  /** write calls */
  writes: number;
  bytesWritten: number;
}

export interface WriterOptions {
  msgsDir: string;
  blockSize: number;
  syncPolicy: SyncPolicy;
  io: StoreIo;
  logger: StoreLogger;
  label: string;
  /** the record that opens every new block: the store's floor and last sequence and time */
  headerRecord(): Buffer;
  /** called synchronously as a commit takes its snapshot: the last chance to queue records for it */
  beforeCommit(): void;
  /** message entries whose records a commit has written (readable from the file from now on) */
  written(entries: FileEntry[]): void;
}

interface Overwrite {
  block: Block;
  off: number;
  buf: Buffer;
}

export class BlockWriter {
  readonly blocks: Block[];
  readonly stats: StoreStats = { fsyncs: 0, commits: 0, writes: 0, bytesWritten: 0 };
  failed: Error | null = null;
  private entries: FileEntry[] = [];
  private overwrites: Overwrite[] = [];
  private retiring: Block[] = [];
  private syncWanted = false;
  private readonly gc: GroupCommit;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    blocks: Block[],
    private readonly opts: WriterOptions,
  ) {
    if (blocks.length === 0) throw new Error("a block writer needs at least one block");
    this.blocks = blocks;
    this.gc = new GroupCommit(
      () => this.commit(),
      (err) => this.fail(err),
    );
    const policy = opts.syncPolicy;
    if (policy !== "always") {
      this.timer = setInterval(() => {
        if (this.hasDirty() && !this.failed) {
          this.syncWanted = true;
          this.kick();
        }
      }, Math.max(1, policy.intervalMs));
      this.timer.unref();
    }
  }

  get active(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  /** Queues a message record at the end of the active block, rolling to a new block when full. */
  appendMsg(rec: Buffer): { block: Block; off: number } {
    let b = this.active;
    if (b.size > REC_HDR && b.size + rec.length > this.opts.blockSize) b = this.roll();
    return { block: b, off: b.enqueue(rec) };
  }

  /** Tracks a message entry whose record is queued, to report it written. */
  track(e: FileEntry): void {
    this.entries.push(e);
  }

  /** Queues a record into a given block (a tombstone goes next to the record it cancels). */
  queueInto(block: Block, rec: Buffer): void {
    if (block.retired) throw new Error(`${this.opts.label}: block ${block.n} is retired`);
    block.enqueue(rec);
  }

  /** Replaces a record in place after the next commit's writes (erase). */
  overwrite(block: Block, off: number, buf: Buffer): void {
    this.overwrites.push({ block, off, buf });
  }

  /** Starts a new active block, which opens with the header record. */
  roll(): Block {
    const old = this.active;
    const b = Block.create(this.opts.msgsDir, old.n + 1);
    b.enqueue(this.opts.headerRecord());
    this.blocks.push(b);
    if (old.live === 0) this.retire(old);
    return b;
  }

  /** Drops a block without live messages (never the active one); it is unlinked after the next commit. */
  retire(block: Block): void {
    if (block.retired || block === this.active) return;
    block.retired = true;
    const i = this.blocks.indexOf(block);
    if (i >= 0) this.blocks.splice(i, 1);
    this.retiring.push(block);
  }

  /** A promise for the commit covering everything queued so far. */
  request(): Promise<void> {
    if (this.failed) {
      const d = deferred();
      d.reject(this.failed);
      return d.promise;
    }
    return this.gc.request();
  }

  /** Makes sure a commit will run (for removals, which nobody awaits). */
  kick(): void {
    if (!this.failed) void this.gc.request();
  }

  /** Resolves once everything queued so far is written and fsynced, whatever the policy. */
  sync(): Promise<void> {
    this.syncWanted = true;
    return this.request();
  }

  /** Flushes, fsyncs and closes every block. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      if (!this.failed) await this.sync();
      await this.gc.idle();
    } finally {
      for (const b of this.blocks) b.close();
      for (const b of this.retiring) b.close();
    }
  }

  private fail(err: Error): void {
    if (!this.failed) {
      this.failed = err;
      this.opts.logger("ERR", `${this.opts.label}: write failed, store is read-only from now on: ${err.message}`);
    }
  }

  private hasDirty(): boolean {
    return this.blocks.some((b) => b.dirty || b.queued.length > 0 || b.fresh);
  }

  private async commit(): Promise<void> {
    if (this.failed) throw this.failed;
    this.stats.commits++;
    // Snapshot, synchronously.
    this.opts.beforeCommit();
    const jobs: Array<{ b: Block; bufs: Buffer[]; pos: number }> = [];
    for (const b of [...this.retiring, ...this.blocks]) {
      if (b.queued.length === 0) continue;
      jobs.push({ b, bufs: b.queued, pos: b.written });
      b.queued = [];
    }
    jobs.sort((x, y) => x.b.n - y.b.n);
    const entries = this.entries;
    this.entries = [];
    const overwrites = this.overwrites;
    this.overwrites = [];
    const retiring = this.retiring;
    this.retiring = [];
    const syncNow = this.opts.syncPolicy === "always" || this.syncWanted;
    this.syncWanted = false;
    // a lone message (one publisher waiting for its PubAck) is synced on this thread
    const lone = entries.length <= 1 && jobs.length <= 1 && overwrites.length === 0;

    try {
      for (const j of jobs) await this.writeAll(j.b, j.bufs, j.pos);
      this.opts.written(entries);
      if (syncNow) await this.syncDirty(jobs.map((j) => j.b), lone);
      if (overwrites.length > 0) {
        for (const o of overwrites) {
          o.block.dropReadAhead();
          const n = await this.opts.io.write(o.block.fd, o.buf, o.off);
          o.block.dropReadAhead();
          if (n !== o.buf.length) throw new Error(`short overwrite in ${o.block.path}: ${n} of ${o.buf.length} bytes`);
          this.stats.writes++;
          o.block.dirty = true;
        }
        if (syncNow) await this.syncDirty(overwrites.map((o) => o.block));
      }
    } catch (e) {
      // Blocks to retire stay open for close() to release.
      this.retiring.push(...retiring);
      throw e;
    }
    for (const b of retiring) await this.unlinkBlock(b);
  }

  private async writeAll(b: Block, bufs: Buffer[], pos: number): Promise<void> {
    let total = 0;
    for (const x of bufs) total += x.length;
    let n = await this.opts.io.writev(b.fd, bufs, pos);
    this.stats.writes++;
    if (n < total) {
      // A short write: finish the rest from one contiguous buffer.
      const rest = Buffer.concat(bufs).subarray(n);
      let done = 0;
      while (done < rest.length) {
        const m = await this.opts.io.write(b.fd, rest.subarray(done), pos + n + done);
        this.stats.writes++;
        if (m <= 0) throw new Error(`write to ${b.path} made no progress`);
        done += m;
      }
      n = total;
    }
    b.written += n;
    b.dirty = true;
    this.stats.bytesWritten += n;
  }

  /** fdatasyncs the given (and any other dirty) blocks, then the directory if a block is new. */
  private async syncDirty(extra: Block[], lone = false): Promise<void> {
    const set = new Set<Block>(extra);
    for (const b of this.blocks) if (b.dirty) set.add(b);
    const dirty = [...set].filter((b) => b.dirty);
    for (const b of dirty) b.dirty = false;
    const io = this.opts.io;
    if (lone && dirty.length === 1 && io.fdatasyncNow !== undefined) io.fdatasyncNow(dirty[0].fd);
    else await Promise.all(dirty.map((b) => io.fdatasync(b.fd)));
    this.stats.fsyncs += dirty.length;
    const fresh = this.blocks.filter((b) => b.fresh);
    if (fresh.length > 0) {
      await this.opts.io.fsyncDir(this.opts.msgsDir);
      this.stats.fsyncs++;
      for (const b of fresh) b.fresh = false;
    }
  }

  private async unlinkBlock(b: Block): Promise<void> {
    b.close();
    try {
      await unlink(b.path);
    } catch (e) {
      // The block holds no live message (its deletions are on disk), so the store stays correct;
      // the file only wastes space until the next recovery removes it.
      this.opts.logger("ERR", `${this.opts.label}: could not remove empty block ${b.path}: ${(e as Error).message}`);
    }
  }
}
