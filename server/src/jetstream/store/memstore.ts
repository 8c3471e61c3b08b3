// Memory stores: the StreamStore/ConsumerStore contract without persistence. Durability promises
// resolve at once; everything else (sequences, purge/compact semantics, accounting) matches the
// file store, since both share MsgIndex.

import { MsgIndex, type IndexEntry } from "./msgindex.js";
import { cloneConsumerState, emptyConsumerState } from "./consumerstate.js";
import { RESOLVED, nowNs } from "./util.js";
import {
  msgSize,
  type AppendResult,
  type ConsumerState,
  type ConsumerStore,
  type Nanos,
  type PurgeRequest,
  type StoreState,
  type StoredMsg,
  type StreamStore,
} from "./types.js";

class MemEntry implements IndexEntry {
  dead = false;
  constructor(
    readonly seq: number,
    readonly subj: string,
    readonly ts: bigint,
    readonly size: number,
    readonly expires: bigint,
    readonly msg: StoredMsg,
  ) {}
}

export interface MemoryStreamStoreOptions {
  /** sequence of the first message of a new stream (default 1) */
  firstSeq?: number;
}

export class MemoryStreamStore implements StreamStore {
  private readonly index = new MsgIndex<MemEntry>();
  private closed = false;

  constructor(opts: MemoryStreamStoreOptions = {}) {
    if (opts.firstSeq !== undefined && opts.firstSeq > 1) this.index.skipTo(opts.firstSeq);
  }

  append(subject: string, hdr: Buffer | null, data: Buffer, opts?: { seq?: number; ts?: Nanos; ttlNs?: Nanos }): AppendResult {
    if (this.closed) throw new Error("memory store is closed");
    const seq = opts?.seq ?? this.index.lastSeq + 1;
    if (seq <= this.index.lastSeq) throw new RangeError(`sequence ${seq} is not above the last sequence ${this.index.lastSeq}`);
    const ts = opts?.ts ?? nowNs();
    const ttl = opts?.ttlNs ?? 0n;
    // Copy: the caller's buffers may be views into a reused read buffer.
    const hdrLen = hdr?.length ?? 0;
    const buf = Buffer.allocUnsafe(hdrLen + data.length);
    if (hdr) hdr.copy(buf, 0);
    data.copy(buf, hdrLen);
    const msg: StoredMsg = { seq, subject, hdr: hdr ? buf.subarray(0, hdrLen) : null, data: buf.subarray(hdrLen), ts };
    this.index.add(new MemEntry(seq, subject, ts, msgSize(subject, hdr, data), ttl > 0n ? ts + ttl : 0n, msg));
    return { seq, ts, durable: RESOLVED };
  }

  get(seq: number): StoredMsg | null {
    return this.index.get(seq)?.msg ?? null;
  }

  lastBySubject(subject: string): StoredMsg | null {
    return this.index.lastBySubject(subject)?.msg ?? null;
  }

  nextMatching(start: number, filter: string): StoredMsg | null {
    return this.index.nextMatching(start, filter)?.msg ?? null;
  }

  subjectCount(subject: string): number {
    return this.index.subjectCount(subject);
  }

  subjects(filter?: string): Map<string, number> {
    return this.index.subjectCounts(filter);
  }

  /** In memory, erasing is dropping the only reference; buffers already handed out stay intact. */
  remove(seq: number, _erase?: boolean): boolean {
    const e = this.index.get(seq);
    if (!e) return false;
    this.index.kill(e);
    return true;
  }

  removeFirst(): number {
    const e = this.index.first();
    if (!e) return 0;
    this.index.kill(e);
    return e.seq;
  }

  purge(req?: PurgeRequest): number {
    const plan = this.index.planPurge(req);
    if (plan.kind === "below") return this.compact(plan.seq);
    if (plan.kind === "all") {
      const n = this.index.msgs;
      this.index.clear();
      return n;
    }
    for (const e of plan.entries) this.index.kill(e);
    return plan.entries.length;
  }

  compact(seq: number): number {
    const victims = this.index.below(seq);
    for (const e of victims) this.index.kill(e);
    this.index.skipTo(seq);
    return victims.length;
  }

  expired(nowNs: Nanos, maxAgeNs: Nanos): number[] {
    return this.index.expired(nowNs, maxAgeNs);
  }

  state(): StoreState {
    return this.index.state();
  }

  sync(): Promise<void> {
    return RESOLVED;
  }

  close(): Promise<void> {
    this.closed = true;
    return RESOLVED;
  }

  destroy(): Promise<void> {
    this.index.clear();
    return this.close();
  }
}

export function openMemoryStreamStore(opts: MemoryStreamStoreOptions = {}): MemoryStreamStore {
  return new MemoryStreamStore(opts);
}

export class MemoryConsumerStore implements ConsumerStore {
  private state: ConsumerState = emptyConsumerState();

  load(): ConsumerState {
    return cloneConsumerState(this.state);
  }

  save(state: ConsumerState): Promise<void> {
    this.state = cloneConsumerState(state);
    return RESOLVED;
  }

  close(): Promise<void> {
    return RESOLVED;
  }

  destroy(): Promise<void> {
    this.state = emptyConsumerState();
    return RESOLVED;
  }
}

export function openMemoryConsumerStore(): MemoryConsumerStore {
  return new MemoryConsumerStore();
}
