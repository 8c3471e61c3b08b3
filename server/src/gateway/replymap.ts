// Replies of requests from other clusters, as nats-server handles them: a message that arrives
// with a `_GR_.<cluster>.<server>.<reply>` reply is delivered to local subscribers with the plain
// `<reply>` (what the client libraries expect, JetStream ack subjects included), and for a while
// a publish on `<reply>` here goes straight back to that cluster and server as the `_GR_.` subject.
// After that it is routed by interest like any message.

import { GATEWAY_REPLY_PREFIX, parseGatewayReply } from "./reply.js";

/** how long a plain reply keeps its way back (responses and JetStream acks normally come sooner) */
export const REPLY_MAPPING_TTL_MS = 30_000;

interface Mapping {
  readonly routed: string;
  readonly expires: number;
}

export class GatewayReplyMap {
  /** insertion order is expiry order: the TTL is the same for all */
  private readonly map = new Map<string, Mapping>();

  constructor(
    /** this cluster's hash: replies of its own requests are not mapped */
    private readonly clusterHash: string,
    private readonly ttlMs = REPLY_MAPPING_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The reply to show local subscribers: `_GR_.` replies of other clusters lose their prefix and are remembered. */
  localReply(reply: string): string {
    if (!reply.startsWith(GATEWAY_REPLY_PREFIX)) return reply;
    const gr = parseGatewayReply(reply);
    if (gr === null || gr.clusterHash === this.clusterHash) return reply;
    const now = this.now();
    this.purge(now);
    this.map.delete(gr.subject);
    this.map.set(gr.subject, { routed: reply, expires: now + this.ttlMs });
    return gr.subject;
  }

  /** The `_GR_.` subject a publish on `subject` goes to, if `subject` is a remembered reply. */
  routed(subject: string): string | undefined {
    if (this.map.size === 0) return undefined;
    const m = this.map.get(subject);
    if (m === undefined) return undefined;
    if (m.expires <= this.now()) {
      this.map.delete(subject);
      return undefined;
    }
    return m.routed;
  }

  get size(): number {
    return this.map.size;
  }

  private purge(now: number): void {
    for (const [k, m] of this.map) {
      if (m.expires > now) return;
      this.map.delete(k);
    }
  }
}
