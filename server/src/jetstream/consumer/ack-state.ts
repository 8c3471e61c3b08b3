// A consumer's acknowledgement state: deliveries awaiting an ack (with their ack deadlines), how
// often each was delivered, the redelivery queue, and the ack floor.

import type { ConsumerState } from "../store/types.js";

interface PendingAck {
  dseq: number;
  ts: bigint;
  /** ms timestamp after which it is redelivered; Infinity = queued or parked */
  deadline: number;
}

export class AckState {
  /** stream seq → delivery awaiting its ack; in stream order (redeliveries keep their place) */
  private readonly pending = new Map<number, PendingAck>();
  /** stream seq → delivery count, for messages delivered more than once */
  private readonly counts = new Map<number, number>();
  /** stream seqs due for redelivery, in order */
  private readonly queue: number[] = [];
  floor = { stream: 0, consumer: 0 };

  get pendingCount(): number {
    return this.pending.size;
  }
  get redeliveredCount(): number {
    return this.counts.size;
  }
  get queued(): number {
    return this.queue.length;
  }

  isPending(seq: number): boolean {
    return this.pending.has(seq);
  }

  /** When the pending delivery of `seq` went out (ns); undefined when not pending. */
  pendingDelivery(seq: number): { readonly ts: bigint } | undefined {
    return this.pending.get(seq);
  }

  deliveries(seq: number): number {
    return this.counts.get(seq) ?? 1;
  }

  /** Loads saved state; `ackWaitMs(deliveries)` gives each pending delivery its deadline. */
  restore(s: ConsumerState, ackWaitMs: (dc: number) => number): void {
    this.floor = { stream: s.ackFloor.streamSeq, consumer: s.ackFloor.consumerSeq };
    for (const [seq, n] of s.redelivered) this.counts.set(seq, n);
    for (const [seq, p] of s.pending) {
      // the ack wait keeps running from the original delivery
      this.pending.set(seq, { dseq: p.consumerSeq, ts: p.ts, deadline: Number(p.ts / 1_000_000n) + ackWaitMs(this.deliveries(seq)) });
    }
  }

  /** Counts one more delivery of a redelivered message; returns its delivery count. */
  redelivering(seq: number): number {
    const dc = this.deliveries(seq) + 1;
    this.counts.set(seq, dc);
    return dc;
  }

  track(seq: number, dseq: number, ts: bigint, deadline: number): void {
    this.pending.set(seq, { dseq, ts, deadline });
  }

  /** Sets the deadline of a pending delivery; false when it is not pending. */
  setDeadline(seq: number, deadline: number): boolean {
    const p = this.pending.get(seq);
    if (p === undefined) return false;
    p.deadline = deadline;
    return true;
  }

  /** Queues a pending delivery for redelivery now. */
  redeliverNow(seq: number): void {
    if (!this.setDeadline(seq, Number.POSITIVE_INFINITY)) return;
    if (!this.queue.includes(seq)) this.queue.push(seq);
  }

  /** Puts a sequence back at the head of the redelivery queue (it did not fit a request). */
  requeueFront(seq: number): void {
    this.queue.unshift(seq);
  }

  /** The next queued redelivery that is still pending, or null. */
  nextQueued(): number | null {
    while (this.queue.length > 0) {
      const seq = this.queue.shift() as number;
      if (this.pending.has(seq)) return seq;
    }
    return null;
  }

  /** Forgets a delivery whose message is gone. */
  drop(seq: number): void {
    this.pending.delete(seq);
  }

  earliestDeadline(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const p of this.pending.values()) if (p.deadline < earliest) earliest = p.deadline;
    return earliest;
  }

  /** Pending deliveries whose deadline passed and that are not queued yet, oldest first. */
  due(now: number): number[] {
    const out: number[] = [];
    for (const [seq, p] of this.pending) if (p.deadline <= now && !this.queue.includes(seq)) out.push(seq);
    return out.sort((a, b) => a - b);
  }

  /** Acks `seq` (and, with ack all, everything below it); returns the sequences acked. */
  ack(seq: number, all: boolean, deliveredSseq: number, dseq: number): number[] {
    const acked: number[] = [];
    if (all) {
      for (const s of this.pending.keys()) if (s <= seq) acked.push(s);
    } else if (this.pending.has(seq)) {
      acked.push(seq);
    }
    for (const s of acked) {
      this.pending.delete(s);
      this.counts.delete(s);
    }
    if (acked.length > 0) this.updateFloor(deliveredSseq, dseq);
    return acked;
  }

  /**
   * The ack floor: just below the oldest unacked delivery (the first pending entry), or the last
   * delivery when nothing is pending.
   */
  updateFloor(deliveredSseq: number, dseq: number): void {
    if (this.pending.size === 0) {
      this.floor = { stream: deliveredSseq, consumer: dseq };
      return;
    }
    const first = this.pending.entries().next().value as [number, PendingAck];
    let minD = first[1].dseq;
    if (this.counts.has(first[0])) {
      // a redelivered entry carries a newer consumer sequence: find the smallest
      for (const p of this.pending.values()) if (p.dseq < minD) minD = p.dseq;
    }
    this.floor = { stream: first[0] - 1, consumer: minD - 1 };
  }

  /** The stream purged below `firstSeq`. */
  purgedBelow(firstSeq: number): void {
    for (const seq of [...this.pending.keys()]) if (seq < firstSeq) this.pending.delete(seq);
    if (this.floor.stream < firstSeq - 1) this.floor.stream = firstSeq - 1;
  }

  /** The state to save, given the delivered cursor. */
  snapshot(delivered: { consumerSeq: number; streamSeq: number }): ConsumerState {
    const pending = new Map<number, { consumerSeq: number; ts: bigint }>();
    for (const [seq, p] of this.pending) pending.set(seq, { consumerSeq: p.dseq, ts: p.ts });
    return {
      delivered,
      ackFloor: { consumerSeq: this.floor.consumer, streamSeq: this.floor.stream },
      pending,
      redelivered: new Map(this.counts),
    };
  }
}
