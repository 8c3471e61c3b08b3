// The pull requests waiting on a consumer: admission against the consumer's limits (with the
// 400/409 status replies), heartbeats, expiry (408), no_wait (404), and interest checks.

import type { InternalClient } from "../../internal/client.js";
import { formatGoDuration } from "../api/json.js";
import { pullRequestJSONError } from "../api/requests.js";
import type { ConsumerConfig } from "../api/types.js";
import { parsePullRequest } from "./protocol.js";
import { newWaiting, Status, type WaitingRequest } from "./waiting.js";

/** What a request still had room for, as nats-server reports it in Nats-Pending-Bytes. */
export function pendingBytes(w: WaitingRequest): number {
  return w.maxBytes > 0 ? Math.max(0, w.bytesLeft) : 0;
}

export class PullQueue {
  private readonly waiting: WaitingRequest[] = [];

  constructor(
    private readonly ic: InternalClient,
    /** the consumer's [delivered consumer seq, delivered stream seq] for heartbeats */
    private readonly position: () => [number, number],
    /** called when a request's expiry comes */
    private readonly onExpiry: () => void,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  private status(reply: string, status: Buffer): void {
    this.ic.publish(reply, null, status, Buffer.alloc(0));
  }

  /** Admits a request (or answers it with the status that refuses it); returns it when queued. */
  admit(reply: string, body: Buffer, cfg: ConsumerConfig): WaitingRequest | null {
    const parsed = parsePullRequest(body);
    if ("error" in parsed) {
      // a JSON body that does not parse is refused in Go's words (only worked out when it happens:
      // JSON that parses is fine for Go as well, whose request struct takes any object)
      const jsonErr = body.length > 0 && body[0] === 0x7b ? pullRequestJSONError(body) : null;
      this.status(reply, Status.badRequest(jsonErr ?? parsed.error));
      return null;
    }
    if ((cfg.max_expires ?? 0) > 0 && parsed.expiresNs > BigInt(cfg.max_expires ?? 0)) {
      this.status(reply, Status.exceededMaxExpires(formatGoDuration(cfg.max_expires ?? 0)));
      return null;
    }
    if ((cfg.max_batch ?? 0) > 0 && parsed.batch > (cfg.max_batch ?? 0)) {
      this.status(reply, Status.exceededMaxBatch(cfg.max_batch ?? 0));
      return null;
    }
    if ((cfg.max_bytes ?? 0) > 0 && parsed.maxBytes > (cfg.max_bytes ?? 0)) {
      this.status(reply, Status.exceededMaxBytes(cfg.max_bytes ?? 0));
      return null;
    }
    const maxWaiting = cfg.max_waiting ?? 512;
    if (maxWaiting > 0 && this.waiting.length >= maxWaiting) {
      this.status(reply, Status.exceededMaxWaiting());
      return null;
    }
    const w = newWaiting(reply, parsed, Date.now());
    if (w.heartbeatMs > 0) {
      w.hbTimer = setInterval(() => {
        if (Date.now() - w.lastSent >= w.heartbeatMs - 5) {
          w.lastSent = Date.now();
          const [dseq, sseq] = this.position();
          this.status(w.reply, Status.heartbeat(dseq, sseq));
        }
      }, w.heartbeatMs);
      w.hbTimer.unref();
    }
    this.waiting.push(w);
    if (w.expiresAt > 0) setTimeout(() => this.onExpiry(), Math.max(1, w.expiresAt - Date.now()) + 1).unref();
    return w;
  }

  /** The oldest live request, dropping the expired ones (408) and those nobody listens for. */
  next(now: number): WaitingRequest | null {
    while (this.waiting.length > 0) {
      const w = this.waiting[0];
      if (w.expiresAt > 0 && now >= w.expiresAt) {
        this.finish(w, Status.requestTimeout(w.batchLeft, pendingBytes(w)));
        continue;
      }
      if (!this.ic.hasInterest(w.reply)) {
        this.finish(w, null);
        continue;
      }
      return w;
    }
    return null;
  }

  /** Ends requests whose time is up, and no_wait ones (nothing more to deliver now). */
  expire(now: number): void {
    for (const w of [...this.waiting]) {
      if (w.expiresAt > 0 && now >= w.expiresAt) this.finish(w, Status.requestTimeout(w.batchLeft, pendingBytes(w)));
      else if (w.noWait) this.finish(w, Status.noMessages());
    }
  }

  finish(w: WaitingRequest, status: Buffer | null): void {
    const i = this.waiting.indexOf(w);
    if (i >= 0) this.waiting.splice(i, 1);
    if (w.hbTimer !== null) clearInterval(w.hbTimer);
    if (status !== null) this.status(w.reply, status);
  }

  /** Ends every request (consumer stopped), with `status` if given. */
  clear(status: Buffer | null): void {
    for (const w of [...this.waiting]) this.finish(w, status);
  }
}
