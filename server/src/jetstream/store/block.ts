// Block files (`msgs/<n>.blk`) and the I/O they need. Reads are synchronous positional reads
// (pread) of one record; writes are asynchronous and issued only by the commit loop (writer.ts).

import { closeSync, fdatasync, fdatasyncSync, fstatSync, fsync, openSync, close, readSync, writevSync, write } from "node:fs";
import { join } from "node:path";
import type { StoredMsg } from "./types.js";

/** The asynchronous file operations the commit loop uses; injectable to count or fail them. */
export interface StoreIo {
  writev(fd: number, bufs: Buffer[], pos: number): Promise<number>;
  write(fd: number, buf: Buffer, pos: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  /**
   * fdatasync on the calling thread, for a commit of a single message (a lone synchronous
   * publisher): the thread-pool round trip costs more than the event loop would do meanwhile.
   * Without it, every fdatasync goes through `fdatasync`.
   */
  fdatasyncNow?(fd: number): void;
  /** fsync of a directory, making created/renamed/unlinked entries durable */
  fsyncDir(path: string): Promise<void>;
}

export const nodeIo: StoreIo = {
  // writes land in the page cache in microseconds: done in place, saving a thread-pool round trip
  // per commit; the fdatasync that makes them durable stays off the event loop
  writev: (fd, bufs, pos) => {
    try {
      return Promise.resolve(writevSync(fd, bufs, pos));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  },
  write: (fd, buf, pos) => new Promise((res, rej) => write(fd, buf, 0, buf.length, pos, (err, n) => (err ? rej(err) : res(n)))),
  fdatasync: (fd) => new Promise((res, rej) => fdatasync(fd, (err) => (err ? rej(err) : res()))),
  fdatasyncNow: (fd) => fdatasyncSync(fd),
  fsyncDir: (path) =>
    new Promise((res, rej) => {
      const fd = openSync(path, "r");
      fsync(fd, (err) => {
        close(fd, (cerr) => {
          if (err ?? cerr) rej(err ?? cerr);
          else res();
        });
      });
    }),
};

export function blockName(n: number): string {
  return `${n}.blk`;
}

/** Parses `<n>.blk`; null for other names. */
export function blockNumber(name: string): number | null {
  const m = /^([1-9][0-9]{0,14})\.blk$/.exec(name);
  return m ? Number(m[1]) : null;
}

export class Block {
  /** logical size: bytes written plus bytes queued */
  size: number;
  /** bytes handed to the file (a prefix of `size`) */
  written: number;
  /** records queued for the next commit, in order */
  queued: Buffer[] = [];
  /** live messages in this block */
  live = 0;
  /** written since the last fdatasync */
  dirty = false;
  /** created and its directory entry not yet fsynced */
  fresh: boolean;
  /** unlinked (or about to be): nothing may read or write it any more */
  retired = false;
  private closed = false;

  /** bytes read ahead from the file, starting at windowOff (a fresh Buffer each time: old views stay valid) */
  private window: Buffer | null = null;
  private windowOff = 0;

  private constructor(
    readonly n: number,
    readonly path: string,
    readonly fd: number,
    size: number,
    fresh: boolean,
  ) {
    this.size = size;
    this.written = size;
    this.fresh = fresh;
  }

  static create(msgsDir: string, n: number): Block {
    const path = join(msgsDir, blockName(n));
    return new Block(n, path, openSync(path, "wx+"), 0, true);
  }

  static open(msgsDir: string, n: number): Block {
    const path = join(msgsDir, blockName(n));
    const fd = openSync(path, "r+");
    return new Block(n, path, fd, fstatSync(fd).size, false);
  }

  /** Queues a record at the end; returns its offset. */
  enqueue(rec: Buffer): number {
    const off = this.size;
    this.queued.push(rec);
    this.size += rec.length;
    return off;
  }

  /** Reads `len` bytes at `off` (only of written bytes), through a read-ahead window for sequential readers. */
  read(off: number, len: number): Buffer {
    const buf = this.locate(off, len);
    const at = this.locatedAt;
    return at === 0 && buf.length === len ? buf : buf.subarray(at, Math.min(at + len, buf.length));
  }

  /** where the bytes asked of the last locate() start in the buffer it returned */
  locatedAt = 0;

  /**
   * Like read(), without making a view: returns a buffer holding the bytes at `locatedAt` (fewer
   * than `len` of them when the file is shorter).
   */
  locate(off: number, len: number): Buffer {
    const win = this.window;
    if (win !== null && off >= this.windowOff && off + len <= this.windowOff + win.length) {
      this.locatedAt = off - this.windowOff;
      return win;
    }
    this.locatedAt = 0;
    if (len <= READ_AHEAD / 4 && off + len <= this.written) {
      const span = Math.min(READ_AHEAD, this.written - off);
      const buf = this.readDirect(off, span);
      if (buf.length >= len) {
        this.window = buf;
        this.windowOff = off;
        return buf;
      }
    }
    return this.readDirect(off, len);
  }

  /** Forgets the read-ahead window (bytes under it are about to change). */
  dropReadAhead(): void {
    this.window = null;
  }

  private readDirect(off: number, len: number): Buffer {
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, buf, got, len - got, off + got);
      if (n === 0) break;
      got += n;
    }
    return got === len ? buf : buf.subarray(0, got);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** How much a block read fetches ahead for the next sequential reads. */
const READ_AHEAD = 256 * 1024;

/** A message's place on disk, as the in-memory index keeps it. */
export class FileEntry {
  dead = false;
  constructor(
    readonly seq: number,
    readonly subj: string,
    readonly ts: bigint,
    readonly size: number,
    readonly expires: bigint,
    readonly block: Block,
    readonly off: number,
    readonly len: number,
    /** the message itself until its record has been written (reads are served from it) */
    public pending: StoredMsg | null,
  ) {}
}
