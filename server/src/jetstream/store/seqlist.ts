// A list of entries in ascending sequence order with lazy deletion: an entry is marked dead in
// place and dropped when it reaches either end or when dead entries outnumber live ones, so
// removing the oldest, the newest or any entry is O(1) amortized and lookups are O(log n).

export interface Seqd {
  readonly seq: number;
  dead: boolean;
}

export class SeqList<E extends Seqd> {
  private a: E[] = [];
  private head = 0;
  /** dead entries still stored in a[head..] */
  private deadIn = 0;

  get live(): number {
    return this.a.length - this.head - this.deadIn;
  }

  /** Appends an entry; its sequence must be above every stored one. */
  push(e: E): void {
    const n = this.a.length;
    if (n > this.head && this.a[n - 1].seq >= e.seq) {
      throw new RangeError(`sequence ${e.seq} not above ${this.a[n - 1].seq}`);
    }
    this.a.push(e);
  }

  /** To be called after an entry of this list was marked dead. */
  died(): void {
    this.deadIn++;
    if (this.deadIn === this.a.length - this.head) {
      this.a = [];
      this.head = 0;
      this.deadIn = 0;
    } else if (this.deadIn > 64 && this.deadIn * 2 > this.a.length - this.head) {
      this.a = this.a.slice(this.head).filter((e) => !e.dead);
      this.head = 0;
      this.deadIn = 0;
    }
  }

  first(): E | undefined {
    const a = this.a;
    while (this.head < a.length && a[this.head].dead) {
      this.head++;
      this.deadIn--;
    }
    if (this.head > 1024 && this.head * 2 > a.length) {
      this.a = a.slice(this.head);
      this.head = 0;
    }
    return this.head < this.a.length ? this.a[this.head] : undefined;
  }

  last(): E | undefined {
    const a = this.a;
    while (a.length > this.head && a[a.length - 1].dead) {
      a.pop();
      this.deadIn--;
    }
    return a.length > this.head ? a[a.length - 1] : undefined;
  }

  /** Index of the first stored entry (dead or alive) with seq >= `seq`. */
  private lowerBound(seq: number): number {
    const a = this.a;
    let lo = this.head;
    let hi = a.length;
    if (lo < hi) {
      // Sequences are mostly dense: try the direct position first.
      const guess = lo + (seq - a[lo].seq);
      if (guess >= lo && guess < hi && a[guess].seq === seq) return guess;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The live entry with this sequence. */
  find(seq: number): E | undefined {
    const i = this.lowerBound(seq);
    const e = this.a[i];
    return e !== undefined && e.seq === seq && !e.dead ? e : undefined;
  }

  /** The first live entry with seq >= `seq`. */
  nextFrom(seq: number): E | undefined {
    const a = this.a;
    for (let i = this.lowerBound(seq); i < a.length; i++) if (!a[i].dead) return a[i];
    return undefined;
  }

  /** Live entries with seq < `below`, oldest first, stopping after `max` of them. */
  collectBelow(below: number, max = Infinity): E[] {
    const out: E[] = [];
    const a = this.a;
    for (let i = this.head; i < a.length && a[i].seq < below && out.length < max; i++) if (!a[i].dead) out.push(a[i]);
    return out;
  }

  /** Live entries oldest first while `pred` holds (stops at the first live entry failing it). */
  collectWhile(pred: (e: E) => boolean): E[] {
    const out: E[] = [];
    const a = this.a;
    for (let i = this.head; i < a.length; i++) {
      if (a[i].dead) continue;
      if (!pred(a[i])) break;
      out.push(a[i]);
    }
    return out;
  }

  /** The k-th newest live entry (k = 1 is the newest). */
  kthNewest(k: number): E | undefined {
    const a = this.a;
    for (let i = a.length - 1; i >= this.head; i--) {
      if (!a[i].dead && --k === 0) return a[i];
    }
    return undefined;
  }

  /** All live entries, oldest first. */
  entries(): E[] {
    return this.collectBelow(Infinity);
  }
}
