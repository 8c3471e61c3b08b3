// The file consumer store: `<dir>/o.dat` holds the consumer's state, checksummed
// (consumerstate.ts), replaced atomically on every save (write a temporary file, fdatasync,
// rename over, fsync the directory), so after a crash the file is either the previous or the new
// state, never a mix. Saves coalesce: while one is being written, later saves wait and only the
// newest state is written next; every caller resolves once a state at least as new as theirs is
// durable.

import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { nodeIo, type StoreIo } from "./block.js";
import { cloneConsumerState, decodeConsumerState, emptyConsumerState, encodeConsumerState } from "./consumerstate.js";
import { writeFileAtomic } from "./index.js";
import { StoreCorruptError, type ConsumerState, type ConsumerStore } from "./types.js";
import { deferred, ensureDir, stderrLogger, type Deferred, type StoreLogger } from "./util.js";
import type { SyncPolicy } from "./writer.js";

export const CONSUMER_STATE_FILE = "o.dat";

export interface FileConsumerStoreOptions {
  /** "always": every save is fsynced before it resolves; an interval: saves are atomic but not fsynced */
  syncPolicy: SyncPolicy;
  logger?: StoreLogger;
  io?: StoreIo;
}

export interface ConsumerStoreStats {
  /** state files written */
  writes: number;
  /** fsyncs (file and directory) */
  fsyncs: number;
}

export class FileConsumerStore implements ConsumerStore {
  readonly stats: ConsumerStoreStats = { writes: 0, fsyncs: 0 };
  private durable: ConsumerState;
  private corrupt: StoreCorruptError | null;
  private inflight = false;
  private queued: { state: ConsumerState; d: Deferred } | null = null;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly file: string;

  private constructor(
    readonly dir: string,
    private readonly opts: FileConsumerStoreOptions,
    private readonly io: StoreIo,
    state: ConsumerState,
    corrupt: StoreCorruptError | null,
  ) {
    this.file = join(dir, CONSUMER_STATE_FILE);
    this.durable = state;
    this.corrupt = corrupt;
  }

  static async open(dir: string, opts: FileConsumerStoreOptions): Promise<FileConsumerStore> {
    const io = opts.io ?? nodeIo;
    const log = opts.logger ?? stderrLogger;
    await ensureDir(dir, io);
    const file = join(dir, CONSUMER_STATE_FILE);
    // A temporary file is a save that never got renamed: the state it holds was never acknowledged.
    if (existsSync(`${file}.tmp`)) unlinkSync(`${file}.tmp`);
    let state = emptyConsumerState();
    let corrupt: StoreCorruptError | null = null;
    if (existsSync(file)) {
      try {
        state = decodeConsumerState(readFileSync(file), file);
      } catch (e) {
        if (!(e instanceof StoreCorruptError)) throw e;
        corrupt = e;
        log("ERR", `consumer store ${dir}: ${e.message}; its state is not used (load() reports the error)`);
      }
    }
    return new FileConsumerStore(dir, opts, io, state, corrupt);
  }

  /** The last durable state; throws StoreCorruptError if the state file on disk is corrupt. */
  load(): ConsumerState {
    if (this.corrupt) throw this.corrupt;
    return cloneConsumerState(this.durable);
  }

  save(state: ConsumerState): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`consumer store ${this.dir} is closed`));
    if (this.queued) {
      this.queued.state = state;
      return this.queued.d.promise;
    }
    const d = deferred();
    if (this.inflight) {
      this.queued = { state, d };
    } else {
      this.write(state, d);
    }
    return d.promise;
  }

  private write(state: ConsumerState, d: Deferred): void {
    this.inflight = true;
    // Encoded now: the caller may keep changing its object once save() returns.
    const snapshot = cloneConsumerState(state);
    let buf: Buffer;
    try {
      buf = encodeConsumerState(snapshot);
    } catch (e) {
      d.reject(e instanceof Error ? e : new Error(String(e)));
      this.next();
      return;
    }
    const durable = this.opts.syncPolicy === "always";
    writeFileAtomic(this.dir, this.file, buf, this.io, durable).then(
      (fsyncs) => {
        this.stats.writes++;
        this.stats.fsyncs += fsyncs;
        this.durable = snapshot;
        this.corrupt = null;
        d.resolve();
        this.next();
      },
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        (this.opts.logger ?? stderrLogger)("ERR", `consumer store ${this.dir}: saving state failed: ${err.message}`);
        d.reject(err);
        this.next();
      },
    );
  }

  private next(): void {
    const q = this.queued;
    this.queued = null;
    if (q) {
      this.write(q.state, q.d);
      return;
    }
    this.inflight = false;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /** Waits for saves in flight, then refuses further saves. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inflight) await new Promise<void>((res) => this.idleWaiters.push(res));
  }

  async destroy(): Promise<void> {
    await this.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function openFileConsumerStore(dir: string, opts: FileConsumerStoreOptions): Promise<FileConsumerStore> {
  return FileConsumerStore.open(dir, opts);
}
