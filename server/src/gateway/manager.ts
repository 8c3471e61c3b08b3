// The gateways of this server: the listener for inbound connections, one outbound connection per
// remote cluster (configured ones retried with backoff, implicit ones learned from inbound
// connections and gossip), the cluster-wide interest announced to the remote clusters, and the
// message paths: local messages out to the clusters with interest, remote messages in to local
// subscribers and this cluster's routes, `_GR_.` replies straight to their cluster and server.

import type { Publisher, Subscription } from "../client/subscription.js";
import type { RouteManager, RouteObserver } from "../cluster/manager.js";
import type { Route, RouteInfo } from "../cluster/route.js";
import { tcpTransport, type RouteListener, type RouteSocket, type RouteTransport } from "../cluster/transport.js";
import { parseRouteURL } from "../config/cluster.js";
import type { GatewayOptions } from "../config/options.js";
import type { Forwarder } from "../deliver.js";
import { linkInfoHead } from "../link/info.js";
import { LinkLimits, type LinkServerOptions } from "../link/limits.js";
import { GLOBAL } from "../link/msg-line.js";
import { ManagerTimers } from "../link/timers.js";
import { type LinkCounts, LinkTotals } from "../link/totals.js";
import { reachableHost } from "../listen.js";
import type { Logger } from "../logger.js";
import type { Sublist } from "../sublist/sublist.js";
import { Gateway, type GatewayConnect, type GatewayHost, type GatewayInfo, type Refusal } from "./connection.js";
import { ClusterInterest, OutboundInterest } from "./interest.js";
import { RemoteGateways } from "./remotes.js";
import { CMD_ALL_SUBS_COMPLETE, CMD_ALL_SUBS_START, CMD_GOSSIP, cmdInfo, connectLine, decodeAccount, gossipInfo, routeGossipLine } from "./info.js";
import { gatewayHash } from "./reply.js";
import { GatewayReplyMap } from "./replymap.js";
import { GatewayRouter, type ReplyOrigin } from "./routing.js";

/** What the gateways need from their server. */
export interface GatewayServer {
  readonly serverId: string;
  readonly serverName: string;
  readonly logger: Logger;
  readonly sublist: Sublist<Subscription>;
  readonly options: LinkServerOptions;
  readonly counters: { inMsgs: number; inBytes: number };
  nextConnectionId(): number;
}

const CONNECT_TIMEOUT = 2_000;
const GATEWAY_PING_CAP = 15_000;
const MAX_BACKOFF = 5_000;

export class GatewayManager implements GatewayHost, Forwarder, RouteObserver {
  /** registered outbound connections by remote gateway name */
  readonly outbound = new Map<string, Gateway>();
  /** registered inbound connections by connection id */
  readonly inbound = new Map<number, Gateway>();
  readonly remotes: RemoteGateways;
  readonly interest: ClusterInterest;
  /** the server's settings, the ping interval capped */
  readonly limits: LinkLimits;
  port = 0;
  private readonly connections = new Set<Gateway>();
  private readonly counted = new LinkTotals();
  private readonly dialing = new Set<string>();
  private readonly timers = new ManagerTimers();
  /** routes by the gateway hash of the peer's server id (where `_GR_.` replies for it go) */
  private readonly routeHash = new Map<string, Route>();
  private readonly router: GatewayRouter;
  private readonly replies: GatewayReplyMap;
  private readonly observedRoutes = new Set<Route>();
  private routes: RouteManager | null = null;
  private listener: RouteListener | null = null;
  private stopped = false;

  constructor(
    private readonly srv: GatewayServer,
    readonly opts: GatewayOptions,
    /** how gateways reach the network: TCP, or the deterministic simulation's network */
    private readonly transport: RouteTransport = tcpTransport,
  ) {
    this.limits = new LinkLimits(srv, GATEWAY_PING_CAP);
    this.remotes = new RemoteGateways(opts.name);
    for (const r of opts.gateways) this.remotes.configure(r.name, r.urls);
    this.interest = new ClusterInterest((subject, queue, present) => this.announce(subject, queue, present));
    this.replies = new GatewayReplyMap(gatewayHash(opts.name));
    this.router = new GatewayRouter(srv.sublist, srv.logger, this.outbound, this.routeHash, () => this.routes, this.replies, gatewayHash(opts.name), gatewayHash(srv.serverId));
  }

  get name(): string {
    return this.opts.name;
  }

  get logger(): Logger {
    return this.srv.logger;
  }

  /** Opens the listener (before the routes start, so that route INFO can carry the gateway URL). */
  async listen(): Promise<void> {
    this.logger.info(`Gateway name is ${this.name}`);
    this.listener = await this.transport.listen(this.opts.host, this.opts.port, (socket) => this.accept(socket));
    this.port = this.listener.port;
    this.logger.info(`Listening for gateways connections on ${this.opts.host}:${this.port}`);
    this.logger.info(`Address for gateway ${JSON.stringify(this.name)} is ${this.url()}`);
  }

  /** Follows local and route interest, then dials the configured gateways. */
  start(routes: RouteManager | null): void {
    this.srv.sublist.addObserver(this.interest);
    for (const s of this.srv.sublist.all()) this.interest.inserted(s);
    this.routes = routes;
    if (routes !== null) {
      routes.routeObservers.push(this);
      for (const r of routes.routes.values()) this.routeUp(r);
    }
    for (const r of this.remotes.all()) if (r.configured) this.solicit(r.name, 0);
  }

  /** host:port other gateways reach this server on */
  url(): string {
    if (this.opts.advertise !== "") return this.opts.advertise;
    return `${reachableHost(this.opts.host)}:${this.port}`;
  }

  /** This cluster's gateway URLs: this server's and the ones its routes advertise. */
  clusterURLs(): string[] {
    const urls = [this.url()];
    if (this.routes !== null) for (const r of this.routes.routes.values()) if (r.gatewayURL !== "" && !urls.includes(r.gatewayURL)) urls.push(r.gatewayURL);
    return urls;
  }

  shutdown(): void {
    this.stopped = true;
    this.timers.stop();
    this.listener?.close();
    for (const g of [...this.connections]) g.close("Server Shutdown");
    this.srv.sublist.removeObserver(this.interest);
  }

  // ---- connections ----

  private accept(socket: RouteSocket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const g = new Gateway(this.srv.nextConnectionId(), socket, false, this);
    this.connections.add(g);
    this.logger.info(`${g.logPrefix} - Processing inbound gateway connection`);
    g.begin();
  }

  /** Keeps one outbound connection to the remote gateway `name`. */
  private solicit(name: string, attempt: number): void {
    const remote = this.remotes.get(name);
    if (this.stopped || remote === undefined || this.outbound.has(name) || this.dialing.has(name)) return;
    if (!remote.configured && attempt > this.opts.connectRetries && !this.hasInbound(name)) {
      this.logger.debug(`Giving up on implicit gateway ${JSON.stringify(name)}`);
      return;
    }
    const url = remote.pick(attempt);
    if (url === null) return;
    const hp = parseRouteURL(url);
    if (hp === null) {
      this.logger.error(`Error parsing gateway url ${JSON.stringify(url)} for ${JSON.stringify(name)}`);
      return;
    }
    this.dialing.add(name);
    const kind = remote.configured ? "explicit" : "implicit";
    this.logger.info(`Connecting to ${kind} gateway ${JSON.stringify(name)} (${hp.host}:${hp.port}) at ${hp.host}:${hp.port} (attempt ${attempt + 1})`);
    const socket = this.transport.connect(hp.host, hp.port);
    // an address that drops packets would otherwise hold the attempt for the OS's TCP timeout
    const connectTimer = setTimeout(() => {
      socket.off("error", onError);
      // the attempt is over: a late error of the abandoned socket is only logged
      socket.on("error", (err: Error) => this.logger.debug(`Abandoned dial to gateway ${JSON.stringify(name)}: ${err.message}`));
      socket.destroy();
      onError(new Error("connect timeout"));
    }, CONNECT_TIMEOUT);
    const retry = (registered: boolean): void => {
      this.dialing.delete(name);
      const next = registered ? 0 : attempt + 1;
      const delay = registered ? 250 : Math.min(MAX_BACKOFF, 500 * 2 ** Math.min(attempt, 4));
      this.timers.later(delay, () => this.solicit(name, next));
    };
    const onError = (err: Error): void => {
      clearTimeout(connectTimer);
      this.logger.error(`Error connecting to ${kind} gateway ${JSON.stringify(name)} (${hp.host}:${hp.port}) at ${hp.host}:${hp.port} (attempt ${attempt + 1}): ${err.message}`);
      retry(false);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(connectTimer);
      socket.off("error", onError);
      if (this.stopped) {
        socket.destroy();
        return;
      }
      const g = new Gateway(this.srv.nextConnectionId(), socket, true, this);
      g.remoteName = name;
      g.dialedURL = url;
      g.onClosed = () => retry(g.registered);
      this.connections.add(g);
      this.logger.info(`${g.logPrefix} - Creating outbound gateway connection to ${JSON.stringify(name)}`);
      g.begin();
    });
  }

  private hasInbound(name: string): boolean {
    for (const g of this.inbound.values()) if (g.remoteName === name) return true;
    return false;
  }

  // ---- GatewayHost ----

  gatewayInfo(): Buffer {
    const urls = this.clusterURLs();
    const info = linkInfoHead(this.srv, this.url().slice(0, this.url().lastIndexOf(":")), this.port, this.srv.options.maxPayload);
    if (this.opts.user !== "") info.auth_required = true;
    Object.assign(info, { gateway: this.name, gateway_urls: urls, gateway_url: this.url(), gateway_nrp: true, gateway_iom: true });
    return Buffer.from(`INFO ${JSON.stringify(info)}\r\n`, "utf8");
  }

  connectLine(g: Gateway): Buffer {
    return connectLine(g.dialedURL, this.opts, this.srv.serverId, (msg) => this.logger.warn(`${g.logPrefix} - ${msg}`));
  }

  inboundConnect(g: Gateway, c: GatewayConnect): Refusal | null {
    if (this.opts.user !== "" && (c.user !== this.opts.user || c.pass !== this.opts.password)) {
      this.logger.error(`${g.logPrefix} - authentication error${typeof c.user === "string" ? ` - User ${JSON.stringify(c.user)}` : ""}`);
      return { text: "Authorization Violation", reason: "Authentication Failure" };
    }
    const name = c.gateway;
    if (typeof name !== "string" || name === "" || typeof c.name !== "string") {
      this.logger.error(`${g.logPrefix} - Gateway CONNECT without a gateway name or server id`);
      return { text: "Protocol Violation", reason: "Protocol Violation" };
    }
    const rejected: Refusal = { text: `Connection to gateway ${JSON.stringify(this.name)} rejected`, reason: "Wrong Gateway" };
    if (name === this.name) {
      this.logger.error(`${g.logPrefix} - Rejecting connection from gateway ${JSON.stringify(name)}`);
      return rejected;
    }
    if (this.remotes.get(name) === undefined) {
      if (this.opts.rejectUnknown) {
        this.logger.error(`${g.logPrefix} - Rejecting connection from gateway ${JSON.stringify(name)}`);
        return rejected;
      }
      this.remotes.learn(name, []);
    }
    g.remoteName = name;
    g.remoteId = c.name;
    this.inbound.set(g.cid, g);
    this.logger.info(`${g.logPrefix} - Inbound gateway connection from ${JSON.stringify(name)} (${c.name}) registered`);
    // interest-only at once (as nats-server since 2.9): all of this cluster's interest, between commands 2 and 3
    g.sendText(`${cmdInfo(this.name, CMD_ALL_SUBS_START, GLOBAL)}${this.interest.subLines(GLOBAL)}${cmdInfo(this.name, CMD_ALL_SUBS_COMPLETE, GLOBAL)}`);
    // tell it of the other clusters this one knows, so that it connects to them too
    for (const r of this.remotes.all()) {
      if (r.name === name || !this.outbound.has(r.name)) continue;
      g.sendText(gossipInfo(this.srv.serverId, r.name, r.urls()));
    }
    return null;
  }

  outboundInfo(g: Gateway, info: GatewayInfo): boolean {
    const name = info.gateway ?? "";
    if (info.server_id === this.srv.serverId || name === this.name) {
      this.logger.debug(`${g.logPrefix} - Gateway connection to our own cluster, closing`);
      g.close("Duplicate Route");
      return false;
    }
    if (name !== g.remoteName) {
      this.logger.error(`${g.logPrefix} - Connected to gateway ${JSON.stringify(name)}, expected ${JSON.stringify(g.remoteName)}`);
      g.close("Wrong Gateway");
      return false;
    }
    if (this.outbound.has(name)) {
      g.close("Duplicate Gateway");
      return false;
    }
    g.send(this.connectLine(g));
    g.send(this.gatewayInfo());
    g.remoteId = info.server_id ?? "";
    g.remoteServerName = info.server_name ?? g.remoteId;
    g.newReplyPrefix = info.gateway_nrp === true;
    g.interest = new OutboundInterest(info.gateway_iom === true);
    this.remotes.learn(name, info.gateway_urls ?? []);
    this.outbound.set(name, g);
    this.logger.info(`${g.logPrefix} - Outbound gateway connection to ${JSON.stringify(name)} (${g.remoteId}) registered`);
    // the routes that came up before this connection were not told of it (routeUp gossips only
    // registered outbound gateways): without this, a member configured with no gateways and that
    // missed the inbound gossip (sent on a route replaced as a duplicate) never connects to `name`
    const urls = this.remotes.get(name)?.urls() ?? [];
    this.gossipToRoutes(name, urls);
    // the same for the clusters connected here: an inbound connection registered before this one
    // was not told of `name` (two clusters that know only this one would never meet)
    if (urls.length > 0) {
      const line = gossipInfo(this.srv.serverId, name, urls);
      for (const i of this.inbound.values()) if (i.remoteName !== name) i.sendText(line);
    }
    return true;
  }

  laterInfo(g: Gateway, info: GatewayInfo): void {
    if (!g.outbound) {
      // commands come on the other direction; here only the peer's own INFO counts
      if (info.gateway_cmd !== undefined || (info.gateway !== undefined && info.gateway !== g.remoteName)) return;
      // the inbound peer's own INFO: its cluster's gateway URLs; connect back if not connected yet
      g.remoteServerName = info.server_name ?? g.remoteServerName;
      const urls = info.gateway_urls ?? [];
      g.remoteURLs = urls;
      this.remotes.learn(g.remoteName, urls);
      this.gossipToRoutes(g.remoteName, this.remotes.get(g.remoteName)?.urls() ?? urls);
      this.solicit(g.remoteName, 0);
      return;
    }
    switch (info.gateway_cmd) {
      case CMD_GOSSIP:
        this.learnGossip(info.gateway ?? "", info.gateway_urls ?? []);
        return;
      case CMD_ALL_SUBS_START:
        if (decodeAccount(info.gateway_cmd_payload) === GLOBAL) {
          this.logger.debug(`${g.logPrefix} - Gateway ${JSON.stringify(g.remoteName)}: switching account "$G" to Interest-Only mode`);
          g.interest.startInterestOnly();
        }
        return;
      case CMD_ALL_SUBS_COMPLETE:
        if (decodeAccount(info.gateway_cmd_payload) === GLOBAL) {
          g.interest.completeInterestOnly();
          this.logger.debug(`${g.logPrefix} - Gateway ${JSON.stringify(g.remoteName)}: switching account "$G" to Interest-Only mode complete`);
        }
        return;
      default:
        if (Array.isArray(info.gateway_urls)) this.remotes.learn(g.remoteName, info.gateway_urls);
    }
  }

  private learnGossip(name: string, urls: string[]): void {
    if (name === "" || name === this.name) return;
    if (this.remotes.get(name) === undefined && this.opts.rejectUnknown) return;
    this.remotes.learn(name, urls);
    this.solicit(name, 0);
  }

  interestChanged(_g: Gateway): void {
    // interest is read at send time; nothing cached to invalidate
  }

  message(g: Gateway, account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (account !== GLOBAL) {
      // natsts has only the global account: the sender (optimistic for this account) stops after A-
      if (!g.outbound && !g.accountsRefused.has(account)) {
        g.accountsRefused.add(account);
        g.sendText(`A- ${account}\r\n`);
      }
      return;
    }
    this.srv.counters.inMsgs++;
    this.srv.counters.inBytes += payload.length;
    this.router.deliverInbound(g, subject, reply, queues, hdrLen, payload);
  }

  closed(g: Gateway, reason: string): void {
    this.connections.delete(g);
    this.counted.closed(g);
    if (g.outbound) {
      if (g.registered && this.outbound.get(g.remoteName) === g) {
        this.outbound.delete(g.remoteName);
        this.logger.info(`${g.logPrefix} - Gateway connection closed: ${reason}`);
      }
    } else {
      this.inbound.delete(g.cid);
      this.logger.info(`${g.logPrefix} - Gateway connection closed: ${reason}`);
    }
    g.onClosed?.();
  }

  // ---- interest ----

  private announce(subject: string, queue: string | null, present: boolean): void {
    if (this.inbound.size === 0) return;
    const line = present
      ? queue === null ? `RS+ ${GLOBAL} ${subject}\r\n` : `RS+ ${GLOBAL} ${subject} ${queue} 1\r\n`
      : queue === null ? `RS- ${GLOBAL} ${subject}\r\n` : `RS- ${GLOBAL} ${subject} ${queue}\r\n`;
    for (const g of this.inbound.values()) g.sendText(line);
  }

  // ---- RouteObserver ----

  routeUp(r: Route): void {
    if (this.observedRoutes.has(r)) return;
    this.observedRoutes.add(r);
    this.routeHash.set(gatewayHash(r.remoteId), r);
    for (const s of r.interest.all()) this.interest.inserted(s);
    r.interest.addObserver(this.interest);
    // a member that (re)joins learns of the remote clusters this one is connected to
    for (const name of this.outbound.keys()) {
      const urls = this.remotes.get(name)?.urls() ?? [];
      if (urls.length > 0) r.sendText(routeGossipLine(this.srv.serverId, name, urls));
    }
  }

  routeDown(r: Route): void {
    if (!this.observedRoutes.delete(r)) return;
    r.interest.removeObserver(this.interest);
    for (const s of r.interest.all()) this.interest.removed(s);
    const h = gatewayHash(r.remoteId);
    if (this.routeHash.get(h) === r) this.routeHash.delete(h);
  }

  gatewayGossip(_r: Route, info: RouteInfo): void {
    if (info.gateway_cmd !== CMD_GOSSIP) return;
    // a route peer's INFO is not checked field by field: take only well-formed values
    const name = typeof info.gateway === "string" ? info.gateway : "";
    const urls: unknown = info.gateway_urls;
    this.learnGossip(name, Array.isArray(urls) ? urls.filter((u): u is string => typeof u === "string") : []);
  }

  /** A member learned of a remote gateway: the others of the cluster connect to it too. */
  private gossipToRoutes(name: string, urls: string[]): void {
    if (this.routes === null || urls.length === 0) return;
    const line = routeGossipLine(this.srv.serverId, name, urls);
    for (const r of this.routes.routes.values()) r.sendText(line);
  }

  // ---- messages ----

  forward(subject: string, reply: string | null, hdrLen: number, payload: Buffer, served: Set<string>): number {
    return this.router.forward(subject, reply, hdrLen, payload, served);
  }

  hasInterest(subject: string): boolean {
    return this.router.hasInterest(subject);
  }

  /** A message on a `_GR_.` subject (see GatewayRouter.handleReply); false when it is not one. */
  handleReply(from: Publisher, subject: string, reply: string | null, hdrLen: number, payload: Buffer, origin: ReplyOrigin, presentAs: string | null = null): boolean {
    return this.router.handleReply(from, subject, reply, hdrLen, payload, origin, presentAs);
  }

  /** The reply local subscribers see for `reply` (another cluster's `_GR_.` prefix removed and remembered). */
  localReply(reply: string): string {
    return this.replies.localReply(reply);
  }

  /** The `_GR_.` subject a local publish on `subject` goes to, when `subject` is a remembered reply. */
  routedReply(subject: string): string | undefined {
    return this.replies.routed(subject);
  }

  // ---- monitoring ----

  /** Messages and payload bytes over every gateway connection since start (closed ones included). */
  totals(): LinkCounts {
    return this.counted.with(this.connections);
  }
}

