// The in-memory message index shared by the file and memory stores: live entries in sequence
// order, per-subject lists, TTL expiries, counters and corruption bookkeeping. Stores put their
// own data on the entries (the memory store the message, the file store its disk location).

import type { PurgeRequest, StoreState } from "./types.js";
import { SeqList } from "./seqlist.js";
import { SubjectIndex, compileFilter, matchesAll, type SubjectEntry } from "./subjects.js";

export interface IndexEntry extends SubjectEntry {
  readonly ts: bigint;
  /** msgSize() of the message */
  readonly size: number;
  /** TTL expiry in ns since the epoch, 0n = none */
  readonly expires: bigint;
}

/** What a purge request comes down to. */
export type PurgePlan<E> = { kind: "all" } | { kind: "below"; seq: number } | { kind: "entries"; entries: E[] };

/** Binary min-heap of entries by TTL expiry. */
class TtlHeap<E extends IndexEntry> {
  private h: E[] = [];

  get size(): number {
    return this.h.length;
  }

  push(e: E): void {
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].expires <= h[i].expires) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  peek(): E | undefined {
    return this.h[0];
  }

  pop(): E | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].expires < h[m].expires) m = l;
        if (r < h.length && h[r].expires < h[m].expires) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.h = [];
  }
}

export class MsgIndex<E extends IndexEntry> {
  private all = new SeqList<E>();
  private readonly subj = new SubjectIndex<E>();
  private readonly ttl = new TtlHeap<E>();
  msgs = 0;
  bytes = 0;
  lastSeq = 0;
  lastTs = 0n;
  private readonly lostSeqs = new Set<number>();
  private lostBytes = 0;
  private lostAny = false;

  /** Adds a new newest entry. */
  add(e: E): void {
    if (e.seq <= this.lastSeq) throw new RangeError(`sequence ${e.seq} is not above the last sequence ${this.lastSeq}`);
    this.all.push(e);
    this.subj.add(e);
    this.msgs++;
    this.bytes += e.size;
    this.lastSeq = e.seq;
    this.lastTs = e.ts;
    if (e.expires !== 0n) this.ttl.push(e);
  }

  /** Marks a live entry dead and updates every count. */
  kill(e: E): void {
    if (e.dead) return;
    e.dead = true;
    this.all.died();
    this.subj.died(e);
    this.msgs--;
    this.bytes -= e.size;
  }

  /** Drops every entry at once (full purge). */
  clear(): void {
    for (const e of this.all.entries()) e.dead = true;
    this.all = new SeqList<E>();
    this.subj.clear();
    this.ttl.clear();
    this.msgs = 0;
    this.bytes = 0;
  }

  /** Moves the last sequence forward (compaction past the end, first_seq). */
  skipTo(nextSeq: number): void {
    if (nextSeq - 1 > this.lastSeq) this.lastSeq = nextSeq - 1;
  }

  get(seq: number): E | undefined {
    return this.all.find(seq);
  }

  first(): E | undefined {
    return this.all.first();
  }

  /** The lowest sequence that may still hold a message: the first live one, or last + 1. */
  firstLiveSeq(): number {
    return this.all.first()?.seq ?? this.lastSeq + 1;
  }

  /** Live entries with seq < `below`, oldest first. */
  below(below: number): E[] {
    return this.all.collectBelow(below);
  }

  entries(): E[] {
    return this.all.entries();
  }

  nextMatching(start: number, filter: string): E | undefined {
    if (matchesAll(filter)) return this.all.nextFrom(start);
    const lists = this.subj.matching(filter);
    if (lists.length <= 64) {
      let best: E | undefined;
      for (const l of lists) {
        const e = l.nextFrom(start);
        if (e && (!best || e.seq < best.seq)) best = e;
      }
      return best;
    }
    // Many matching subjects: walk the stream in order instead.
    const m = compileFilter(filter);
    let seq = start;
    for (;;) {
      const e = this.all.nextFrom(seq);
      if (!e || m(e.subj)) return e;
      seq = e.seq + 1;
    }
  }

  lastBySubject(filter: string): E | undefined {
    if (matchesAll(filter)) return this.all.last();
    let best: E | undefined;
    for (const l of this.subj.matching(filter)) {
      const e = l.last();
      if (e && (!best || e.seq > best.seq)) best = e;
    }
    return best;
  }

  subjectCount(subject: string): number {
    return this.subj.count(subject);
  }

  subjectCounts(filter?: string): Map<string, number> {
    return this.subj.counts(filter);
  }

  /** Sequences of messages older than now - maxAge (0 = no age limit) or past their TTL, oldest first. */
  expired(nowNs: bigint, maxAgeNs: bigint): number[] {
    const out = new Set<number>();
    if (maxAgeNs > 0n) {
      const cutoff = nowNs - maxAgeNs;
      for (const e of this.all.collectWhile((x) => x.ts < cutoff)) out.add(e.seq);
    }
    if (this.ttl.size > 0) {
      const due: E[] = [];
      for (let top = this.ttl.peek(); top && top.expires <= nowNs; top = this.ttl.peek()) {
        this.ttl.pop();
        if (!top.dead) due.push(top);
      }
      for (const e of due) {
        out.add(e.seq);
        this.ttl.push(e); // stays due until the stream removes it
      }
      if (due.length > 0) return [...out].sort((a, b) => a - b);
    }
    return [...out];
  }

  /** Decides what a purge removes; see PurgeRequest. `keep` counts across everything the filter matches. */
  planPurge(req: PurgeRequest | undefined): PurgePlan<E> {
    const filter = req?.filter ?? "";
    const seq = req?.seq ?? 0;
    const keep = req?.keep ?? 0;
    if (matchesAll(filter)) {
      if (seq <= 0 && keep <= 0) return { kind: "all" };
      let below = seq > 0 ? seq : Infinity;
      if (keep > 0) {
        if (keep >= this.msgs) return { kind: "entries", entries: [] };
        const k = this.all.kthNewest(keep);
        if (k) below = Math.min(below, k.seq);
      }
      return { kind: "below", seq: below };
    }
    const lists = this.subj.matching(filter);
    let matched: E[] = [];
    for (const l of lists) matched = matched.concat(l.entries());
    if (lists.length > 1) matched.sort((a, b) => a.seq - b.seq);
    let limit = seq > 0 ? seq : Infinity;
    if (keep > 0) {
      if (keep >= matched.length) return { kind: "entries", entries: [] };
      limit = Math.min(limit, matched[matched.length - keep].seq);
    }
    return { kind: "entries", entries: matched.filter((e) => e.seq < limit) };
  }

  /** Records a corrupt record (never served); `seq` null when its header was unreadable. */
  markLost(seq: number | null, bytes: number): void {
    this.lostAny = true;
    if (seq !== null) this.lostSeqs.add(seq);
    this.lostBytes += bytes;
  }

  isLost(seq: number): boolean {
    return this.lostSeqs.has(seq);
  }

  lost(): { msgs: number[]; bytes: number } | null {
    if (!this.lostAny) return null;
    return { msgs: [...this.lostSeqs].sort((a, b) => a - b), bytes: this.lostBytes };
  }

  state(): StoreState {
    const first = this.all.first();
    const empty = this.msgs === 0 || !first;
    const firstSeq = empty ? (this.lastSeq === 0 ? 0 : this.lastSeq + 1) : first.seq;
    return {
      messages: this.msgs,
      bytes: this.bytes,
      firstSeq,
      firstTs: empty ? 0n : first.ts,
      lastSeq: this.lastSeq,
      lastTs: this.lastTs,
      numSubjects: this.subj.size,
      numDeleted: empty ? 0 : this.lastSeq - firstSeq + 1 - this.msgs,
      lost: this.lost(),
    };
  }
}
