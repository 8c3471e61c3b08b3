// A server-side client: subsystems (JetStream, system services) subscribe and publish through
// the same sublist as connections do, without a socket. Deliveries call a handler synchronously;
// a handler that has slow work to do queues it itself.

import type { Publisher, Subscription as SubscriptionT } from "../client/subscription.js";
import { Subscription } from "../client/subscription.js";
import type { Sublist } from "../sublist/sublist.js";
import { PrefixShortcut, type Shortcut } from "./shortcut.js";

/** One delivered message: headers (if any) and body are views, valid only during the call. */
export interface InternalMsg {
  readonly subject: string;
  readonly reply: string | null;
  /** the header block (`NATS/1.0...\r\n\r\n`) or null */
  readonly headers: Buffer | null;
  readonly data: Buffer;
  /** who published it (null when not known) */
  readonly from: Publisher | null;
}

export type InternalHandler = (msg: InternalMsg, sub: SubscriptionT) => void;

export interface InternalHost {
  readonly sublist: Sublist<SubscriptionT>;
  /** a host that consults a shortcut before its sublist (see shortcut.ts) has this property */
  shortcut?: Shortcut | null;
  /** where messages leave the host after local delivery (routes, gateways); see soleTarget */
  readonly forwarders?: readonly unknown[];
  processMsg(
    from: Publisher,
    subject: string,
    reply: string | null,
    hdrLen: number,
    src: Buffer,
    start: number,
    end: number,
    presentAs?: string | null,
  ): number;
  /** interest on other servers (routes) */
  remoteInterest?(subject: string): boolean;
}

export class InternalClient implements Publisher {
  readonly kind = "internal";
  readonly opts = { echo: true, noResponders: false };
  private readonly handlers = new Map<SubscriptionT, InternalHandler>();
  private nextSid = 1;
  private shortcut: PrefixShortcut | null = null;

  constructor(
    readonly cid: number,
    readonly name: string,
    private readonly host: InternalHost,
  ) {}

  subscribe(subject: string, handler: InternalHandler, queue: string | null = null): SubscriptionT {
    const sub = new Subscription(this, subject, queue, String(this.nextSid++));
    this.handlers.set(sub, handler);
    this.host.sublist.insert(sub);
    return sub;
  }

  unsubscribe(sub: SubscriptionT): void {
    if (this.handlers.delete(sub)) this.host.sublist.remove(sub);
  }

  /**
   * Publishes a message; `headers` is a complete header block or null. With `deliverTo`, the
   * message is routed to the subscribers of `deliverTo` but shows `subject` (JetStream deliveries).
   * Returns how many subscriptions took it.
   */
  publish(subject: string, reply: string | null, headers: Buffer | null, data: Buffer, deliverTo: string | null = null): number {
    const route = deliverTo ?? subject;
    const presentAs = deliverTo === null ? null : subject;
    if (headers === null || headers.length === 0) {
      return this.host.processMsg(this, route, reply, -1, data, 0, data.length, presentAs);
    }
    const payload = data.length === 0 ? headers : Buffer.concat([headers, data]);
    return this.host.processMsg(this, route, reply, headers.length, payload, 0, payload.length, presentAs);
  }

  /**
   * Sets up the host's shortcut past the sublist for subjects under `prefix` (two tokens and a
   * dot); subscriptions registered with it (`add`) then get their messages without a sublist match.
   */
  prefixShortcut(prefix: string): PrefixShortcut {
    if (this.shortcut !== null) throw new Error("an internal client has one shortcut");
    const s = new PrefixShortcut(prefix);
    for (const sub of this.host.sublist.all()) s.inserted(sub);
    this.host.sublist.addObserver(s);
    this.shortcut = s;
    if (this.host.shortcut !== undefined && this.host.shortcut === null) this.host.shortcut = s;
    return s;
  }

  /**
   * The one subscription a message routed on `subject` would reach: a sublist match of exactly
   * one plain subscription of a client connection, nothing forwarded off this server, no gateway
   * reply. Null otherwise
   * (then use publish). For many deliveries to one place (JetStream), with deliverTo.
   */
  soleTarget(subject: string): SubscriptionT | null {
    const fw = this.host.forwarders;
    if (fw === undefined || fw.length > 0 || subject.startsWith("_GR_.")) return null;
    const r = this.host.sublist.match(subject);
    if (r.psubs.length !== 1 || r.qsubs.length !== 0) return null;
    // only a client connection: other owners (leaf nodes) read the routed subject that processMsg sets
    const sub = r.psubs[0];
    return sub.client.kind === "client" ? sub : null;
  }

  /** What publish() does for a subscription found by soleTarget, presenting `subject`; returns 1 or 0. */
  deliverTo(sub: SubscriptionT, subject: string, reply: string | null, headers: Buffer | null, data: Buffer): number {
    if (headers === null || headers.length === 0) return sub.client.deliver(sub, subject, reply, -1, data, this) ? 1 : 0;
    const payload = data.length === 0 ? headers : Buffer.concat([headers, data]);
    return sub.client.deliver(sub, subject, reply, headers.length, payload, this) ? 1 : 0;
  }

  /** Whether some subscription is on exactly this subject (not only a wildcard covering it). */
  hasExactSubscriber(subject: string): boolean {
    const r = this.host.sublist.match(subject);
    return r.psubs.some((s) => s.subject === subject) || r.qsubs.some((g) => g.some((s) => s.subject === subject));
  }

  /** Whether anything subscribes to this subject (push consumers, pull requesters), here or on another server. */
  hasInterest(subject: string): boolean {
    return this.host.sublist.hasInterest(subject) || this.host.remoteInterest?.(subject) === true;
  }

  deliver(sub: SubscriptionT, subject: string, reply: string | null, hdrLen: number, payload: Buffer, from: Publisher | null = null): boolean {
    const handler = this.handlers.get(sub);
    if (handler === undefined) return false;
    sub.delivered++;
    const headers = hdrLen > 0 ? payload.subarray(0, hdrLen) : null;
    const data = hdrLen > 0 ? payload.subarray(hdrLen) : payload;
    handler({ subject, reply, headers, data, from }, sub);
    return true;
  }

  /** Removes every subscription (subsystem shutdown). */
  close(): void {
    if (this.shortcut !== null) {
      if (this.host.shortcut === this.shortcut) this.host.shortcut = null;
      this.host.sublist.removeObserver(this.shortcut);
      this.shortcut = null;
    }
    for (const sub of this.handlers.keys()) this.host.sublist.remove(sub);
    this.handlers.clear();
  }
}
