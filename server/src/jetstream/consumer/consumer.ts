// A consumer: a cursor over its stream with ack tracking, redelivery, pull requests and push
// delivery (heartbeats, flow control). Its progress is saved to its ConsumerStore; an ack that
// asked for a reply is answered once that progress is durable. The position in the stream is
// ConsumerCursor's (cursor.ts); this file delivers, and takes the acks.

import type { Subscription } from "../../client/subscription.js";
import type { InternalMsg } from "../../internal/client.js";
import { nowUnixNanos } from "../api/json.js";
import type { ConsumerConfig, ConsumerInfo } from "../api/types.js";
import { appendHeaders } from "../headers.js";
import type { ConsumerStore, StoredMsg } from "../store/types.js";
import type { Stream, StreamConsumer } from "../stream/stream.js";
import { ACK_PREFIX, ackSubject, ackSubjectSeqs, parseAck } from "./protocol.js";
import { ConsumerAdvisories } from "./advisories.js";
import { ConsumerCursor } from "./cursor.js";
import type { ConsumerHost } from "./host.js";
import { consumerInfo } from "./info.js";
import { Pacer } from "./pacing.js";
import { pauseMillis, resumeAfter } from "./pause.js";
import { pendingBytes, PullQueue } from "./pull-queue.js";
import { PushFlow } from "./push.js";
import { ackWaitMs, queueDueRedeliveries, redeliverOrPark } from "./redelivery.js";
import { samplingRate, shouldSample } from "./sampling.js";
import { ProgressSaver } from "./saver.js";
import { Status, type WaitingRequest } from "./waiting.js";

export type { ConsumerHost } from "./host.js";

/** deliveries of a run after which an ack-none pull batch is flushed once (measured: ordered +15-20%, fetch with acks slightly worse) */
const EARLY_FLUSH = 32;

export class Consumer extends ConsumerCursor implements StreamConsumer {
  private readonly pulls: PullQueue;
  private readonly push: PushFlow;
  private readonly subs: Subscription[] = [];
  private kickScheduled = false;
  private redeliverTimer: NodeJS.Timeout | null = null;
  private redeliverAt = Number.POSITIVE_INFINITY;
  private readonly saver: ProgressSaver;
  private inactiveTimer: NodeJS.Timeout | null = null;
  private lastActive = Date.now();
  private lastDeliveredAt = 0n;
  private lastAckAt = 0n;
  private lastAckClock = 0n;
  private lastAckTick = 0;
  /** scratch for parsing ack subjects */
  private readonly ackSeqs = { dc: 0, sseq: 0, dseq: 0 };
  private pausedUntil = 0;
  private readonly pacer = new Pacer();
  private closed = false;
  /** `$JS.ACK.<stream>.<consumer>.` */
  private readonly ackPrefix: string;
  /** within one delivery run: the subject delivered to, and its only subscription (see soleTarget) */
  private targetSubject = "";
  private targetSub: Subscription | null = null;
  /** the last message time written into an ack reply, and its text */
  private replyTs = -1n;
  private replyTsText = "";
  /** `<stream>.<consumer>` */
  private readonly ackKey: string;
  /** the ack subscription, when registered with the host's ack shortcut */
  private ackSub: Subscription | null = null;
  private readonly advisories: ConsumerAdvisories;

  constructor(
    stream: Stream,
    readonly name: string,
    config: ConsumerConfig,
    readonly created: bigint,
    private readonly store: ConsumerStore,
    private readonly host: ConsumerHost,
  ) {
    super(stream, config);
    this.saver = new ProgressSaver(
      store,
      () => this.acks.snapshot({ consumerSeq: this.dseq, streamSeq: this.deliveredSseq }),
      (err) => this.host.log("ERR", `JetStream consumer '${this.stream.name} > ${this.name}' failed to save its state: ${String(err)}`),
    );
    this.ackKey = `${stream.name}.${name}`;
    this.ackPrefix = `${ACK_PREFIX}${this.ackKey}.`;
    this.advisories = new ConsumerAdvisories(host, stream, name);
    this.pulls = new PullQueue(host.ic, () => [this.dseq, this.deliveredSseq], () => this.kick());
    this.push = new PushFlow(
      host.ic,
      { streamName: stream.name, name, kick: () => this.kick(), position: () => [this.dseq, this.deliveredSseq] },
      () => this.config.deliver_subject ?? "",
    );
    if (config.pause_until !== undefined) this.pausedUntil = pauseMillis(config.pause_until);
  }

  get isPush(): boolean {
    return this.config.deliver_subject !== undefined && this.config.deliver_subject !== "";
  }

  /** Restores saved progress (or sets the start position) and starts listening. */
  start(): void {
    this.loadPosition(this.store.load());
    this.armRedelivery();
    const ic = this.host.ic;
    const ackSub = ic.subscribe(`${this.ackPrefix}>`, (m) => this.onAck(m));
    this.subs.push(ackSub);
    if (this.host.acks.add(this.ackKey, ackSub)) this.ackSub = ackSub;
    if (this.isPush) this.push.start(this.config);
    const inactive = this.config.inactive_threshold ?? 0;
    if (inactive > 0) {
      const ms = Math.max(10, Math.floor(inactive / 1e6));
      this.inactiveTimer = setInterval(() => this.checkInactive(ms), Math.max(10, Math.floor(ms / 2)));
      this.inactiveTimer.unref();
    }
    this.kick();
  }

  // ---- StreamConsumer (matches, signal and isDone are ConsumerCursor's) ----

  onPurge(firstSeq: number): void {
    this.purgedBelow(firstSeq);
    void this.saver.save();
  }

  // ---- delivery ----

  kick(): void {
    if (this.kickScheduled || this.closed) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.deliverLoop();
    });
  }

  private deliverLoop(): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.pausedUntil > now) {
      // paused: nothing is delivered, but waiting requests still expire
      if (!this.isPush) this.pulls.expire(now);
      return;
    }
    const maxAckPending = this.config.max_ack_pending ?? -1;
    // one clock reading for the whole run: deliveries of one loop share their time
    const ts = nowUnixNanos();
    // subscriptions may have changed since the last run: look the target up again
    this.targetSubject = "";
    this.targetSub = null;
    const pacing = this.config.replay_policy === "original" || (this.config.rate_limit_bps ?? 0) > 0;
    for (let budget = 0; budget < 10_000; budget++) {
      let target: string;
      let req: WaitingRequest | null = null;
      if (this.isPush) {
        const ds = this.config.deliver_subject as string;
        if (this.push.blocked) break;
        if (!this.host.ic.hasInterest(ds)) {
          this.push.waitForInterest();
          break;
        }
        target = ds;
      } else {
        req = this.pulls.next(now);
        if (req === null) break;
        target = req.reply;
      }
      if (!this.ackNone && maxAckPending > 0 && this.acks.pendingCount >= maxAckPending && this.acks.queued === 0) break;
      const msg = this.nextMsg();
      const redelivery = this.nextIsRedelivery;
      if (msg === null) {
        if (req !== null && req.noWait) this.pulls.finish(req, Status.noMessages());
        break;
      }
      // as nats-server counts it against max_bytes: subject, ack reply, headers and payload
      // (only needed for max_bytes and rate limits)
      const size =
        (req !== null && req.maxBytes > 0) || pacing
          ? msg.subject.length +
            ackSubject(this.stream.name, this.name, 1, msg.seq, this.dseq + 1, msg.ts, this.numPending).length +
            (msg.hdr?.length ?? 0) +
            msg.data.length
          : 0;
      if (req !== null && req.maxBytes > 0 && size > req.bytesLeft) {
        // put it back for the next request
        if (redelivery) this.acks.requeueFront(msg.seq);
        else this.sseq = Math.min(this.sseq, msg.seq);
        this.pulls.finish(req, Status.msgSizeExceedsMaxBytes(req.batchLeft, pendingBytes(req)));
        continue;
      }
      const wait = pacing ? this.pacer.wait(this.config, msg.ts, size) : 0;
      if (wait > 0) {
        if (redelivery) this.acks.requeueFront(msg.seq);
        else this.sseq = Math.min(this.sseq, msg.seq);
        const t = setTimeout(() => this.kick(), wait);
        t.unref();
        break;
      }
      this.deliver(msg, redelivery, target, now, ts);
      // a pull batch without acks (ordered consumers) starts on its way to the client while the
      // rest of it is produced: the client works on the first messages meanwhile
      // (deliver() sets targetSub: the cast undoes the narrowing to null from the start of the run)
      if (budget === EARLY_FLUSH - 1 && req !== null && this.ackNone) (this.targetSub as Subscription | null)?.client.flush?.();
      if (req !== null) {
        req.batchLeft--;
        req.bytesLeft -= size;
        req.delivered++;
        req.lastSent = now;
        if (req.batchLeft <= 0) this.pulls.finish(req, null);
      }
    }
    if (!this.isPush) this.pulls.expire(now);
  }

  private deliver(msg: StoredMsg, redelivery: boolean, target: string, now: number, ts: bigint): void {
    const seq = msg.seq;
    let dc = 1;
    if (redelivery) {
      dc = this.acks.redelivering(seq);
    } else {
      if (seq > this.deliveredSseq) this.deliveredSseq = seq;
      if (this.numPending > 0) this.numPending--;
    }
    this.dseq++;
    this.lastDeliveredAt = ts;
    this.lastActive = now;
    if (this.ackNone) {
      this.acks.floor.stream = this.deliveredSseq;
      this.acks.floor.consumer = this.dseq;
    } else {
      const deadline = now + ackWaitMs(this.config, dc);
      this.acks.track(seq, this.dseq, ts, deadline);
      this.armRedelivery(deadline);
    }
    if (!redelivery && this.lpsQueue.length === 0) {
      // messages removed before delivery leave the running count high: at the tail it is exact
      if (this.sseq > this.stream.durableSeq) {
        this.numPending = 0;
      } else if (this.numPending <= 1) {
        const after = this.nextStored(this.sseq);
        if (after === null || after.seq > this.stream.durableSeq) this.numPending = 0;
      }
    }
    // messages stored in the same millisecond share their time: its text is kept
    if (msg.ts !== this.replyTs) {
      this.replyTs = msg.ts;
      this.replyTsText = msg.ts.toString();
    }
    const reply = `${this.ackPrefix}${dc}.${seq}.${this.dseq}.${this.replyTsText}.${this.numPending}`;
    let hdr = msg.hdr;
    let data = msg.data;
    if (this.config.headers_only === true) {
      hdr = appendHeaders(hdr, [["Nats-Msg-Size", String(data.length)]]);
      data = Buffer.alloc(0);
    }
    const ic = this.host.ic;
    if (target !== this.targetSubject) {
      this.targetSubject = target;
      this.targetSub = ic.soleTarget(target);
    }
    if (this.targetSub !== null) ic.deliverTo(this.targetSub, msg.subject, reply, hdr, data);
    else ic.publish(msg.subject, reply, hdr, data, target);
    if (this.isPush) this.push.delivered(data.length + (hdr?.length ?? 0), this.config, now);
    this.saver.saveSoon();
  }

  /** Arms the redelivery timer for the earliest ack deadline (re-arming when an earlier one appears). */
  private armRedelivery(deadline: number | null = null): void {
    if (this.acks.pendingCount === 0 || this.closed) return;
    if (this.redeliverTimer !== null) {
      if (deadline === null || deadline >= this.redeliverAt) return;
      clearTimeout(this.redeliverTimer);
      this.redeliverTimer = null;
    }
    const earliest = this.acks.earliestDeadline();
    if (!Number.isFinite(earliest)) return;
    this.redeliverAt = earliest;
    this.redeliverTimer = setTimeout(() => {
      this.redeliverTimer = null;
      this.checkRedeliveries();
    }, Math.max(1, earliest - Date.now()));
    this.redeliverTimer.unref();
  }

  private checkRedeliveries(): void {
    queueDueRedeliveries(this.acks, this.config, Date.now(), this.advisories);
    this.armRedelivery();
    this.kick();
  }

  // ---- acks ----

  private onAck(m: InternalMsg): void {
    // $JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>
    const seqs = this.ackSeqs;
    if (!ackSubjectSeqs(m.subject, seqs)) return;
    const sseq = seqs.sseq;
    const dseq = seqs.dseq;
    const ack = parseAck(m.data);
    if (ack === null || !Number.isSafeInteger(sseq)) return;
    const now = Date.now();
    this.lastActive = now;
    let changed = false;
    switch (ack.kind) {
      case "ack":
        changed = this.ackSeq(sseq, now, seqs);
        break;
      case "term":
        changed = this.ackSeq(sseq, now, null);
        // as nats-server: told whether or not it was pending, with the ack subject's delivery count
        this.advisories.terminated(dseq, sseq, seqs.dc, ack.reason);
        break;
      case "nak": {
        if (this.acks.isPending(sseq)) {
          this.advisories.naked(dseq, sseq, seqs.dc);
          const delayMs = Number(ack.delayNs / 1_000_000n);
          if (delayMs > 0) {
            const deadline = Date.now() + delayMs;
            this.acks.setDeadline(sseq, deadline);
            this.armRedelivery(deadline);
          } else {
            // redelivered now, or parked once delivered max_deliver times
            redeliverOrPark(this.acks, this.config, sseq, this.advisories);
            this.kick();
          }
        }
        break;
      }
      case "progress": {
        this.acks.setDeadline(sseq, Date.now() + ackWaitMs(this.config, this.acks.deliveries(sseq)));
        break;
      }
      case "next":
        changed = this.ackSeq(sseq, now, seqs);
        if (m.reply !== null && !this.isPush) this.addPullRequest(m.reply, ack.request);
        break;
    }
    const reply = ack.kind !== "next" ? m.reply : null;
    if (changed) {
      if (reply !== null) {
        // an ack that asked for a reply is answered once the new progress is durable
        // (no confirmation for an ack that is not durable: the failed save was logged)
        void this.saver.save().then((ok) => ok && this.host.ic.publish(reply, null, null, Buffer.alloc(0)));
      } else {
        this.saver.saveSoon();
      }
      this.kick();
    } else if (reply !== null) {
      this.host.ic.publish(reply, null, null, Buffer.alloc(0));
    }
  }

  /**
   * Acks `sseq` (with ack all, everything below it too). `sampled`: the ack subject's numbers when
   * sample_freq may sample this ack (+ACK, +NXT), which the consumer_ack metric reports as given.
   */
  private ackSeq(sseq: number, now: number, sampled: { readonly dc: number; readonly dseq: number } | null): boolean {
    if (this.ackNone) return false;
    // nats-server samples explicit acks only
    const rate = sampled !== null && this.config.ack_policy === "explicit" ? samplingRate(this.config.sample_freq) : 0;
    const delivery = rate > 0 ? this.acks.pendingDelivery(sseq) : undefined;
    const acked = this.acks.ack(sseq, this.config.ack_policy === "all", this.deliveredSseq, this.dseq);
    if (acked.length === 0) return false;
    if (sampled !== null && delivery !== undefined && shouldSample(rate)) {
      this.advisories.ackSampled(sampled.dseq, sseq, nowUnixNanos() - delivery.ts, sampled.dc);
    }
    // one precise clock reading per millisecond (acks come in bursts), never before the last delivery
    if (this.lastAckTick !== now) {
      this.lastAckTick = now;
      this.lastAckClock = nowUnixNanos();
    }
    this.lastAckAt = this.lastAckClock > this.lastDeliveredAt ? this.lastAckClock : this.lastDeliveredAt;
    if (this.stream.config.retention !== "limits") {
      for (const seq of acked) {
        const msg = this.stream.store.get(seq);
        if (msg !== null) this.stream.ackedBy(seq, msg.subject);
      }
    }
    return true;
  }

  // ---- pull ----

  /** A pull request arrived on $JS.API.CONSUMER.MSG.NEXT (or +NXT). */
  addPullRequest(reply: string, body: Buffer): void {
    if (this.isPush) {
      this.host.ic.publish(reply, null, Status.consumerIsPush(), Buffer.alloc(0));
      return;
    }
    if (this.pulls.admit(reply, body, this.config) === null) return;
    this.lastActive = Date.now();
    this.deliverLoop();
  }

  private checkInactive(thresholdMs: number): void {
    if (this.closed) return;
    const active = this.isPush ? this.host.ic.hasInterest(this.config.deliver_subject as string) : this.pulls.size > 0;
    if (active) {
      this.lastActive = Date.now();
      return;
    }
    if (Date.now() - this.lastActive >= thresholdMs) this.host.expire(this);
  }

  // ---- admin ----

  pause(untilMs: number): void {
    this.pausedUntil = untilMs;
    resumeAfter(untilMs, () => this.kick());
  }

  get pauseUntil(): number {
    return this.pausedUntil;
  }

  update(config: ConsumerConfig): void {
    this.reconfigure(config);
    this.kick();
  }

  info(): ConsumerInfo {
    // exact at info time
    this.recountPending();
    return consumerInfo({
      streamName: this.stream.name,
      name: this.name,
      created: this.created,
      config: this.config,
      dseq: this.dseq,
      deliveredSseq: this.deliveredSseq,
      lastDeliveredAt: this.lastDeliveredAt,
      lastAckAt: this.lastAckAt,
      acks: this.acks,
      numWaiting: this.pulls.size,
      numPending: this.numPending,
      pushBound: this.isPush && this.host.ic.hasInterest(this.config.deliver_subject as string),
      pausedUntil: this.pausedUntil,
    });
  }

  async stop(notify = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ackSub !== null) this.host.acks.delete(this.ackKey, this.ackSub);
    this.ackSub = null;
    for (const s of this.subs.splice(0)) this.host.ic.unsubscribe(s);
    for (const t of [this.redeliverTimer, this.inactiveTimer]) if (t !== null) clearTimeout(t);
    this.push.stop();
    await this.saver.close();
    this.pulls.clear(notify ? Status.consumerDeleted() : null);
    await this.store.close();
  }

  async destroy(): Promise<void> {
    await this.stop(true);
    await this.store.destroy();
  }
}
