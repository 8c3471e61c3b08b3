// One simulated cluster member: a real Sublist and the real RouteManager (routes, parser, fan-out)
// over the simulated network, with local subscribers that record what they are given.

import { RouteManager, type ClusterServer } from "../cluster/manager.js";
import type { ClusterOptions } from "../config/options.js";
import { processMsg } from "../deliver.js";
import { type Publisher, Subscription } from "../client/subscription.js";
import { Sublist } from "../sublist/sublist.js";
import { type SimNetwork, SimSocket } from "./network.js";
import type { Route } from "../cluster/route.js";
import { type Trace, TraceLogger } from "./trace.js";

export const ROUTE_PORT = 6222;

/** A delivery to a local subscriber. */
export interface Delivery {
  node: string;
  sid: string;
  /** the subscription's subject and queue */
  subject: string;
  queue: string | null;
  /** what the message came as */
  msgSubject: string;
  reply: string | null;
  headers: string | null;
  body: string;
  /** the message id (the body up to the first `|`) */
  msg: string;
}

/** A message to publish: the id leads the body; padding makes it any size (parsers see every split). */
export interface SimMessage {
  subject: string;
  reply: string | null;
  headers: string | null;
  body: string;
}

/** The local client: owns the node's subscriptions and publishes its messages. */
export class SimClient implements Publisher {
  readonly kind = "client";
  readonly opts = { echo: true, noResponders: false };

  constructor(
    readonly cid: number,
    private readonly onDeliver: (sub: Subscription, subject: string, reply: string | null, hdrLen: number, payload: Buffer) => void,
  ) {}

  deliver(sub: Subscription, subject: string, reply: string | null, hdrLen: number, payload: Buffer): boolean {
    this.onDeliver(sub, subject, reply, hdrLen, payload);
    return true;
  }
}

export class SimNode implements ClusterServer {
  readonly logger: TraceLogger;
  readonly sublist = new Sublist<Subscription>();
  readonly options = { maxPayload: 1024 * 1024, maxPending: 64 * 1024 * 1024, pingInterval: 2000, pingMax: 2, authTimeout: 2000 };
  readonly manager: RouteManager;
  /** local subscriptions by sid */
  readonly subs = new Map<string, Subscription>();
  protected readonly client: SimClient;
  private nextCid = 1;
  private nextSid = 1;
  private readonly registered = new Map<string, Route>();
  /** registered routes that closed with no other connection to their peer open */
  routesGone = 0;
  up = false;

  constructor(
    readonly net: SimNetwork,
    readonly host: string,
    readonly serverId: string,
    routes: string[],
    private readonly trace: Trace,
    onDeliver: (d: Delivery) => void,
    /** the cluster's name (a supercluster has several) */
    clusterName = "sim",
  ) {
    this.logger = new TraceLogger(trace, this.serverName);
    this.client = new SimClient(this.nextConnectionId(), (sub, subject, reply, hdrLen, payload) => {
      const headers = hdrLen >= 0 ? payload.toString("latin1", 0, hdrLen) : null;
      const body = payload.toString("latin1", Math.max(0, hdrLen));
      const bar = body.indexOf("|");
      const msg = bar < 0 ? body : body.slice(0, bar);
      onDeliver({ node: this.serverId, sid: sub.sid, subject: sub.subject, queue: sub.queue, msgSubject: subject, reply, headers, body, msg });
    });
    const opts: ClusterOptions = {
      name: clusterName,
      host,
      port: ROUTE_PORT,
      routes,
      noAdvertise: false,
      connectRetries: 2,
      poolSize: 0,
      user: "",
      password: "",
      pingInterval: 2000,
      pingMax: 2,
    };
    this.manager = new RouteManager(this, opts, net.transport(host));
    this.manager.routeObservers.push({
      routeUp: (r) => this.registered.set(r.remoteId, r),
      routeDown: (r) => this.routeDown(r),
      gatewayGossip: () => {},
    });
  }

  /**
   * A route that was the registered one closed. When no other connection to that peer is open
   * (one in its handshake would replace it), the pair has no route until someone redials.
   */
  private routeDown(r: Route): void {
    if (this.registered.get(r.remoteId) !== r) return;
    this.registered.delete(r.remoteId);
    const link = r.socket instanceof SimSocket ? r.socket.linkId : -1;
    if (!this.net.otherOpenLink(this.host, r.host, link)) {
      this.routesGone++;
      this.trace.add(`${this.serverName}: route to ${r.remoteName} gone with no other connection open`);
    }
  }

  get serverName(): string {
    return `${this.host}/${this.serverId.slice(0, 6)}`;
  }

  nextConnectionId(): number {
    return this.nextCid++;
  }

  clientURL(): string {
    return `${this.host}:4222`;
  }

  clusterChanged(): void {}

  deliverFromRoute(from: Publisher, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer, presentAs: string | null): void {
    processMsg(this.sublist, from, subject, reply, hdrLen, payload, 0, payload.length, presentAs, null, queues);
  }

  async start(): Promise<void> {
    await this.manager.start();
    this.up = true;
  }

  /** The process dies: the network drops its connections first, then its timers stop. */
  crash(): void {
    this.net.crash(this.host);
    this.manager.shutdown();
    this.up = false;
  }

  subscribe(subject: string, queue: string | null): string {
    const sid = `${this.nextSid++}`;
    const sub = new Subscription(this.client, subject, queue, sid);
    this.subs.set(sid, sub);
    this.sublist.insert(sub);
    this.trace.add(`${this.serverName}: SUB ${subject}${queue !== null ? ` ${queue}` : ""} sid=${sid}`);
    return sid;
  }

  unsubscribe(sid: string): void {
    const sub = this.subs.get(sid);
    if (sub === undefined) return;
    this.subs.delete(sid);
    this.sublist.remove(sub);
    this.trace.add(`${this.serverName}: UNSUB sid=${sid}`);
  }

  publish(m: SimMessage): void {
    const id = m.body.split("|")[0];
    this.trace.add(`${this.serverName}: PUB ${m.subject}${m.reply !== null ? ` ${m.reply}` : ""} ${id} (${m.body.length} bytes${m.headers !== null ? `, headers ${m.headers.length}` : ""})`);
    const hdr = m.headers !== null ? Buffer.from(m.headers, "latin1") : null;
    const payload = Buffer.concat([...(hdr !== null ? [hdr] : []), Buffer.from(m.body, "latin1")]);
    this.dispatch(m.subject, m.reply, hdr !== null ? hdr.length : -1, payload);
  }

  /** A local publish: local subscribers, then the routes (a gateway node adds its gateways). */
  protected dispatch(subject: string, reply: string | null, hdrLen: number, payload: Buffer): void {
    processMsg(this.sublist, this.client, subject, reply, hdrLen, payload, 0, payload.length, null, [this.manager]);
  }

  /** What the peers should believe of this server's interest: `subject` or `subject queue weight`. */
  expectedInterest(): string[] {
    const counts = new Map<string, number>();
    for (const s of this.subs.values()) {
      const key = s.queue === null ? s.subject : `${s.subject} ${s.queue}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => (k.includes(" ") ? `${k} ${n}` : k)).sort();
  }
}
