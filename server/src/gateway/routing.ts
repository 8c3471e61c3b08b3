// Gateway message paths: a locally published message out to the remote clusters with interest
// (each queue group not served in this cluster to one of them, requests with their reply mapped
// to `_GR_.`), a message from a remote cluster in to local subscribers and this cluster's routes,
// and `_GR_.` replies straight to the cluster and server of the requester.

import type { Publisher, Subscription } from "../client/subscription.js";
import type { RouteManager } from "../cluster/manager.js";
import type { Route } from "../cluster/route.js";
import { splitShownSubject } from "../cluster/shown-subject.js";
import { processMsg, replyWithShownSubject, type Forwarder } from "../deliver.js";
import type { Logger } from "../logger.js";
import type { Sublist } from "../sublist/sublist.js";
import type { Gateway } from "./connection.js";
import { gatewayHash, mapReply, parseGatewayReply } from "./reply.js";
import type { GatewayReplyMap } from "./replymap.js";

/** where a `_GR_.` message came from: a local client, a route, or a gateway */
export type ReplyOrigin = "client" | "route" | "gateway";

export class GatewayRouter {
  constructor(
    private readonly sublist: Sublist<Subscription>,
    private readonly logger: Logger,
    /** registered outbound connections by remote gateway name */
    private readonly outbound: ReadonlyMap<string, Gateway>,
    /** routes by the gateway hash of the peer's server id */
    private readonly routeHash: ReadonlyMap<string, Route>,
    private readonly routes: () => RouteManager | null,
    /** replies of other clusters' requests delivered here, and their way back */
    private readonly replies: GatewayReplyMap,
    readonly clusterHash: string,
    readonly serverHash: string,
  ) {}

  /**
   * A message from a remote cluster: local subscribers (with the reply as clients expect it: no
   * `_GR_.` prefix, a JetStream delivery under its stream subject), then this cluster's routes
   * with the reply as it came (never other gateways).
   */
  deliverInbound(g: Gateway, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.handleReply(g, subject, reply, hdrLen, payload, "gateway")) return;
    const shown = splitShownSubject(reply);
    const local = shown.reply !== null ? this.replies.localReply(shown.reply) : null;
    const routes = this.routes();
    const fwd = routes !== null && routes.routes.size > 0 ? [new RoutesForQueues(routes, queues, reply)] : null;
    processMsg(this.sublist, g, subject, local, hdrLen, payload, 0, payload.length, shown.presentAs, fwd, queues);
  }

  forward(subject: string, reply: string | null, hdrLen: number, payload: Buffer, served: Set<string>): number {
    if (this.outbound.size === 0) return 0;
    let plain: Gateway[] | null = null;
    let groups: Map<string, Gateway[]> | null = null;
    for (const g of this.outbound.values()) {
      const m = g.interest.match(subject);
      if (m.plain) (plain ??= []).push(g);
      for (const q of m.queues) {
        if (served.has(q)) continue;
        groups ??= new Map();
        const cands = groups.get(q);
        if (cands === undefined) groups.set(q, [g]);
        else cands.push(g);
      }
    }
    if (plain === null && groups === null) return 0;
    const picked = new Map<Gateway, string[]>();
    if (groups !== null) {
      for (const [q, cands] of groups) {
        // the nearest cluster (lowest round-trip time), as nats-server orders its outbound gateways
        let g = cands[0];
        for (let i = 1; i < cands.length; i++) if (cands[i].rtt < g.rtt) g = cands[i];
        served.add(q);
        const list = picked.get(g);
        if (list === undefined) picked.set(g, [q]);
        else list.push(q);
      }
    }
    const mapped = reply !== null ? mapReply(reply, this.clusterHash, this.serverHash) : null;
    let sent = 0;
    const send = (g: Gateway, queues: readonly string[]): void => {
      g.sendMsg(subject, g.newReplyPrefix ? mapped : reply, queues, hdrLen, payload);
      sent++;
    };
    if (plain !== null) {
      for (const g of plain) {
        send(g, picked.get(g) ?? []);
        picked.delete(g);
      }
    }
    for (const [g, queues] of picked) send(g, queues);
    return sent;
  }

  hasInterest(subject: string): boolean {
    if (this.replies.routed(subject) !== undefined) return true;
    const gr = parseGatewayReply(subject);
    if (gr !== null) return this.reachable(gr.clusterHash, gr.serverHash);
    for (const g of this.outbound.values()) {
      const m = g.interest.match(subject);
      if (m.plain || m.queues.length > 0) return true;
    }
    return false;
  }

  /**
   * A message on a `_GR_.` subject: a reply on its way back to the cluster and server of the
   * requester. Delivered here when it is for this server; otherwise sent to that server's route
   * (a message from a client or a gateway) or that cluster's gateway (a message from a client or
   * a route); one for this cluster whose server has no route from here is delivered here. Returns
   * false when `subject` is not a gateway reply or is for a cluster with no gateway from here (the
   * caller then handles the message as any other: a remembered reply falls back to interest).
   */
  handleReply(
    from: Publisher,
    subject: string,
    reply: string | null,
    hdrLen: number,
    payload: Buffer,
    origin: ReplyOrigin,
    /** a JetStream delivery's shown subject, when the caller has split it off the reply */
    presentAs: string | null = null,
  ): boolean {
    const gr = parseGatewayReply(subject);
    if (gr === null) return false;
    const onward = replyWithShownSubject(reply, presentAs);
    if (gr.clusterHash === this.clusterHash) {
      if (gr.serverHash !== this.serverHash) {
        const r = this.routeHash.get(gr.serverHash);
        if (r !== undefined && origin !== "route") {
          r.sendMsg(subject, onward, [], hdrLen, payload);
          return true;
        }
        // the requester's server is gone (a restarted one has a new id) or unreachable: the reply
        // is delivered here under its own subject (as nats-server); passed on by interest, it
        // would reach subscribers (of `>`) with the `_GR_.` prefix
        this.logger.debug(`No route to the server of gateway reply ${subject}: delivered to local subscribers`);
      }
      const shown = presentAs !== null ? { reply, presentAs } : splitShownSubject(reply);
      processMsg(this.sublist, from, gr.subject, shown.reply, hdrLen, payload, 0, payload.length, shown.presentAs, null);
      return true;
    }
    if (origin === "gateway") {
      this.logger.debug(`Gateway reply ${subject} for another cluster arrived from a gateway: dropped`);
      return true;
    }
    for (const g of this.outbound.values()) {
      if (gatewayHash(g.remoteName) === gr.clusterHash) {
        g.sendMsg(subject, onward, [], hdrLen, payload);
        return true;
      }
    }
    this.logger.debug(`No gateway to the cluster of gateway reply ${subject}`);
    return false;
  }

  /** Whether a `_GR_.` reply for this cluster and server can be sent on (JetStream asks before delivering). */
  private reachable(clusterHash: string, serverHash: string): boolean {
    if (clusterHash === this.clusterHash) return serverHash === this.serverHash || this.routeHash.has(serverHash);
    for (const g of this.outbound.values()) if (gatewayHash(g.remoteName) === clusterHash) return true;
    return false;
  }
}

/**
 * Hands a message that came in over a gateway on to this cluster's routes: plain interest, and
 * only the queue groups the remote cluster picked this cluster for (those not served here).
 */
class RoutesForQueues implements Forwarder {
  constructor(
    private readonly routes: RouteManager,
    private readonly queues: readonly string[],
    /** the reply as it came over the gateway (the route peers map it themselves) */
    private readonly reply: string | null,
  ) {}

  forward(subject: string, _shownReply: string | null, hdrLen: number, payload: Buffer, served: Set<string>): number {
    const reply = this.reply;
    for (const r of this.routes.routes.values()) {
      for (const g of r.interest.match(subject).qsubs) {
        const q = g[0]?.queue;
        if (q !== undefined && q !== null && !this.queues.includes(q)) served.add(q);
      }
    }
    return this.routes.forward(subject, reply, hdrLen, payload, served);
  }
}

