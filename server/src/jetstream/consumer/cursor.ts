// A consumer's position in its stream: where it starts (deliver policy, or its saved progress),
// the next message to deliver (redeliveries first, then last-per-subject, then the stream tail),
// what it delivered, how many matching messages are pending, and which messages it is done with.
// Consumer extends it (rather than holding it) so that the delivery loop reads and moves the
// position as its own fields, without an indirection per message.

import { subjectMatches } from "../../sublist/subject.js";
import type { ConsumerConfig } from "../api/types.js";
import type { ConsumerState, StoredMsg } from "../store/types.js";
import type { Stream } from "../stream/stream.js";
import { AckState } from "./ack-state.js";
import { countPending, filtersOf, nextMatching } from "./reading.js";
import { ackWaitMs } from "./redelivery.js";
import { startPosition } from "./start.js";

/** Its public methods are the position side of StreamConsumer (see Consumer). */
export abstract class ConsumerCursor {
  /** next stream sequence to look at */
  protected sseq = 1;
  /** last consumer (delivery) sequence used */
  protected dseq = 0;
  /** highest stream sequence delivered */
  protected deliveredSseq = 0;
  protected readonly acks = new AckState();
  /** last_per_subject: the sequences to deliver first */
  protected lpsQueue: number[] = [];
  protected numPending = 0;
  /** the stream's durable sequence when numPending was last brought up to date */
  protected signalledSeq = 0;
  protected filters: string[];
  /** set by nextMsg(): whether the message it returned is a redelivery */
  protected nextIsRedelivery = false;

  constructor(
    readonly stream: Stream,
    public config: ConsumerConfig,
  ) {
    this.filters = filtersOf(config);
  }

  /** Delivery may go on (new messages, or room for more). */
  abstract kick(): void;

  protected get ackNone(): boolean {
    return this.config.ack_policy === "none";
  }

  /** Takes up saved progress, or (nothing saved) the start position of the deliver policy. */
  protected loadPosition(saved: ConsumerState): void {
    if (saved.delivered.streamSeq > 0 || saved.ackFloor.streamSeq > 0) {
      this.restore(saved);
    } else {
      this.setStartPosition();
    }
    this.recountPending();
  }

  /** A new configuration: its filters apply from the current position on. */
  protected reconfigure(config: ConsumerConfig): void {
    this.config = config;
    this.filters = filtersOf(config);
    this.recountPending();
  }

  private restore(s: ConsumerState): void {
    this.dseq = s.delivered.consumerSeq;
    this.deliveredSseq = s.delivered.streamSeq;
    this.sseq = s.delivered.streamSeq + 1;
    this.acks.restore(s, (dc) => ackWaitMs(this.config, dc));
  }

  private setStartPosition(): void {
    const start = startPosition(this.stream.store, this.config, this.filters);
    this.sseq = start.sseq;
    this.lpsQueue = start.lpsQueue;
    // nothing delivered yet: the ack floor stays at zero, the delivered cursor goes just before the start
    this.deliveredSseq = this.lpsQueue.length > 0 ? this.lpsQueue[0] - 1 : this.sseq - 1;
  }

  // ---- StreamConsumer ----

  matches(subject: string): boolean {
    for (const f of this.filters) if (subjectMatches(f, subject)) return true;
    return false;
  }

  signal(lastSeq: number): void {
    // count the newly durable messages this consumer will see
    let seq = Math.max(this.signalledSeq + 1, this.sseq);
    while (seq <= lastSeq) {
      const m = this.nextStored(seq);
      if (m === null || m.seq > lastSeq) break;
      this.numPending++;
      seq = m.seq + 1;
    }
    if (lastSeq > this.signalledSeq) this.signalledSeq = lastSeq;
    this.kick();
  }

  isDone(seq: number): boolean {
    if (this.ackNone) return seq <= this.deliveredSseq;
    return seq <= this.acks.floor.stream || (seq <= this.deliveredSseq && !this.acks.isPending(seq));
  }

  /** The stream purged everything below `firstSeq`: the position moves past it. */
  protected purgedBelow(firstSeq: number): void {
    if (this.sseq < firstSeq) this.sseq = firstSeq;
    this.acks.purgedBelow(firstSeq);
    this.lpsQueue = this.lpsQueue.filter((s) => s >= firstSeq);
    this.recountPending();
  }

  // ---- reading the stream ----

  protected nextStored(from: number): StoredMsg | null {
    return nextMatching(this.stream.store, this.filters, from);
  }

  /** Counts numPending afresh (exact, where the running count drifts when messages are removed undelivered). */
  protected recountPending(): void {
    this.numPending = this.countPending();
    this.signalledSeq = this.stream.durableSeq;
  }

  /** Messages matching the filter at or after the cursor (plus last-per-subject ones not yet sent). */
  protected countPending(): number {
    return countPending(this.stream, this.filters, this.sseq, this.lpsQueue.length);
  }

  /**
   * Next message to deliver: redeliveries first, then last-per-subject, then the stream tail.
   * `nextIsRedelivery` tells which (no wrapper object per message).
   */
  protected nextMsg(): StoredMsg | null {
    for (let seq = this.acks.nextQueued(); seq !== null; seq = this.acks.nextQueued()) {
      const msg = this.stream.store.get(seq);
      if (msg !== null) {
        this.nextIsRedelivery = true;
        return msg;
      }
      this.acks.drop(seq);
    }
    this.nextIsRedelivery = false;
    while (this.lpsQueue.length > 0) {
      const seq = this.lpsQueue.shift() as number;
      const msg = this.stream.store.get(seq);
      if (msg !== null) return msg;
    }
    const m = this.nextStored(this.sseq);
    if (m === null || m.seq > this.stream.durableSeq) return null;
    this.sseq = m.seq + 1;
    return m;
  }
}
