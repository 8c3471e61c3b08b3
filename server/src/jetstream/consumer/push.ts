// Push delivery extras: flow control (a `100 FlowControl Request` every so many messages or bytes,
// delivery paused until the subscriber answers), idle heartbeats, and waiting for a subscriber.

import type { Subscription } from "../../client/subscription.js";
import type { InternalClient } from "../../internal/client.js";
import type { ConsumerConfig } from "../api/types.js";
import { Status } from "./waiting.js";

const FC_EVERY_MSGS = 256;
const FC_EVERY_BYTES = 4 * 1024 * 1024;
const INTEREST_POLL_MS = 25;

export interface PushOwner {
  readonly streamName: string;
  readonly name: string;
  /** delivery may go on */
  kick(): void;
  /** [last consumer seq, last stream seq] for heartbeats */
  position(): [number, number];
}

export class PushFlow {
  /** the reply subject of an unanswered flow-control request: delivery waits for it */
  private fcPending: string | null = null;
  private fcMsgs = 0;
  private fcBytes = 0;
  private lastDelivery = 0;
  private hbTimer: NodeJS.Timeout | null = null;
  private interestTimer: NodeJS.Timeout | null = null;
  private sub: Subscription | null = null;
  private stopped = false;

  constructor(
    private readonly ic: InternalClient,
    private readonly owner: PushOwner,
    private readonly deliverSubject: () => string,
  ) {}

  start(cfg: ConsumerConfig): void {
    if (cfg.flow_control === true) {
      this.sub = this.ic.subscribe(`$JS.FC.${this.owner.streamName}.${this.owner.name}.>`, (m) => {
        if (this.fcPending !== null && m.subject === this.fcPending) {
          this.fcPending = null;
          this.owner.kick();
        }
      });
    }
    const hbNs = cfg.idle_heartbeat ?? 0;
    if (hbNs > 0) {
      const ms = Math.max(1, Math.floor(hbNs / 1e6));
      this.hbTimer = setInterval(() => this.heartbeat(ms), ms);
      this.hbTimer.unref();
    }
  }

  /** Delivery waits for an answer to flow control. */
  get blocked(): boolean {
    return this.fcPending !== null;
  }

  /** No subscriber yet: look again shortly (subscribers often come after the consumer is created). */
  waitForInterest(): void {
    if (this.interestTimer !== null || this.stopped) return;
    this.interestTimer = setTimeout(() => {
      this.interestTimer = null;
      this.owner.kick();
    }, INTEREST_POLL_MS);
    this.interestTimer.unref();
  }

  /** After each delivery: counts towards the next flow-control request. */
  delivered(bytes: number, cfg: ConsumerConfig, now = Date.now()): void {
    this.lastDelivery = now;
    if (cfg.flow_control !== true) return;
    this.fcMsgs++;
    this.fcBytes += bytes;
    if (this.fcMsgs < FC_EVERY_MSGS && this.fcBytes < FC_EVERY_BYTES) return;
    const reply = `$JS.FC.${this.owner.streamName}.${this.owner.name}.${Math.random().toString(36).slice(2, 6)}`;
    this.fcPending = reply;
    this.fcMsgs = 0;
    this.fcBytes = 0;
    this.ic.publish(this.deliverSubject(), reply, Status.flowControl(), Buffer.alloc(0));
  }

  private heartbeat(intervalMs: number): void {
    if (this.stopped || Date.now() - this.lastDelivery < intervalMs) return;
    const ds = this.deliverSubject();
    if (!this.ic.hasInterest(ds)) return;
    const [dseq, sseq] = this.owner.position();
    this.ic.publish(ds, null, Status.heartbeat(dseq, sseq, this.fcPending), Buffer.alloc(0));
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.hbTimer, this.interestTimer]) if (t !== null) clearTimeout(t);
    if (this.sub !== null) this.ic.unsubscribe(this.sub);
  }
}
