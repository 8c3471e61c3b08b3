// The cluster: the route listener, the routes dialed (dialer.ts), the registry of connected peers
// with duplicate resolution, INFO gossip for a full mesh, and the client URLs of the other members.

import { randomBytes } from "node:crypto";
import type { Publisher, Subscription } from "../client/subscription.js";
import { parseRouteURL } from "../config/cluster.js";
import type { ClusterOptions } from "../config/options.js";
import { linkInfoHead } from "../link/info.js";
import { shownHost } from "../link/link-connection.js";
import { LinkLimits, type LinkServerOptions } from "../link/limits.js";
import { GLOBAL } from "../link/msg-line.js";
import { reachableHost } from "../listen.js";
import type { Logger } from "../logger.js";
import type { SubLike, Sublist, SublistObserver } from "../sublist/sublist.js";
import { type DialHost, RouteDialer } from "./dialer.js";
import { forwardToRoutes, LocalInterest } from "./fanout.js";
import { type RemoteSub, Route, type RouteHost, type RouteInfo } from "./route.js";
import { splitShownSubject } from "./shown-subject.js";
import { type RouteListener, type RouteSocket, type RouteTransport, tcpTransport } from "./transport.js";

/** What the cluster needs from its server. */
export interface ClusterServer {
  readonly serverId: string;
  readonly serverName: string;
  readonly logger: Logger;
  readonly sublist: Sublist<Subscription>;
  readonly options: LinkServerOptions;
  nextConnectionId(): number;
  /** this server's client URL (host:port) */
  clientURL(): string;
  /** delivers a route message to local subscribers only (queue groups limited to `queues`) */
  deliverFromRoute(
    from: Publisher,
    subject: string,
    reply: string | null,
    queues: readonly string[],
    hdrLen: number,
    payload: Buffer,
    presentAs: string | null,
  ): void;
  /** the set of peers (and so the client connect_urls) changed */
  clusterChanged(): void;
  /** host:port of this server's gateway listener, when it has one */
  gatewayURL?(): string;
  /** host:port of this server's leafnode listener ("" without one, or when not advertised) */
  leafURL?(): string;
}

/** Told when a route registers or goes, and of gateway gossip over routes (the gateways follow route interest). */
export interface RouteObserver {
  routeUp(r: Route): void;
  routeDown(r: Route): void;
  gatewayGossip(r: Route, info: RouteInfo): void;
}

const ROUTE_PING_CAP = 30_000;

/** host:port of a route URL (with or without scheme, credentials, trailing slash), to compare URLs. */
function hostPort(url: string): string {
  const hp = parseRouteURL(url);
  return hp === null ? url : `${hp.host}:${hp.port}`;
}

export class RouteManager implements RouteHost, DialHost {
  /** registered routes by remote server id */
  readonly routes = new Map<string, Route>();
  private readonly connections = new Set<Route>();
  readonly routeObservers: RouteObserver[] = [];
  private readonly configuredPeer = new Map<string, string>();
  private readonly dialer = new RouteDialer(this);
  private readonly local: LocalInterest;
  /** told of every subscription the peers announce (leaf nodes pass the cluster's interest on) */
  readonly remoteInterestObservers: SublistObserver<SubLike>[] = [];
  private listener: RouteListener | null = null;
  private stopped = false;
  private inLameDuck = false;
  readonly dynamicName: boolean;
  /** the server's settings, with the cluster block's ping interval (capped), ping count and authorization timeout */
  readonly limits: LinkLimits;
  name: string;
  port = 0;

  constructor(
    private readonly srv: ClusterServer,
    readonly opts: ClusterOptions,
    /** node:net unless a simulation injects its network */
    readonly transport: RouteTransport = tcpTransport,
  ) {
    this.dynamicName = opts.name === "";
    this.limits = new LinkLimits(srv, ROUTE_PING_CAP, {
      pingInterval: () => this.opts.pingInterval,
      pingMax: () => this.opts.pingMax,
      authTimeout: () => (this.opts.authTimeout !== undefined ? this.opts.authTimeout * 1000 : undefined),
    });
    this.name = opts.name !== "" ? opts.name : randomBytes(11).toString("base64url");
    this.local = new LocalInterest(() => this.routes.values());
    // subscriptions made before the cluster starts (JetStream's) count too
    for (const sub of srv.sublist.all()) this.local.inserted(sub);
    srv.sublist.addObserver(this.local);
  }

  get logger(): Logger {
    return this.srv.logger;
  }

  async start(): Promise<void> {
    const o = this.opts;
    this.logger.info(`Cluster name is ${this.name}`);
    const listener = await this.transport.listen(o.host, o.port, (socket) => this.accept(socket));
    this.listener = listener;
    this.port = listener.port;
    this.logger.info(`Listening for route connections on ${o.host}:${this.port}`);
    for (const url of o.routes) this.dialer.solicitConfigured(url);
  }

  /** nats-route://host:port of the listener, as other servers reach it */
  listenURL(): string {
    return `nats://${this.advertiseHost()}:${this.port}`;
  }

  /** host and port the other members are told to dial: cluster advertise, else the listener */
  advertised(): { host: string; port: number; explicit: boolean } {
    const adv = this.opts.advertise ?? "";
    if (adv !== "") {
      const hp = parseRouteURL(adv.includes(":") ? adv : `${adv}:${this.port}`);
      if (hp !== null) return { host: hp.host, port: hp.port, explicit: true };
      this.logger.warn(`cluster advertise ${JSON.stringify(adv)} does not parse as host:port; using the listen address`);
    }
    return { host: this.advertiseHost(), port: this.port, explicit: false };
  }

  private advertiseHost(): string {
    return reachableHost(this.opts.host);
  }

  shutdown(): void {
    this.stopped = true;
    this.dialer.stop();
    this.listener?.close();
    for (const r of [...this.connections]) r.close("Server Shutdown");
    this.srv.sublist.removeObserver(this.local);
  }

  // ---- connections ----

  private accept(socket: RouteSocket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const r = new Route(this.srv.nextConnectionId(), socket, false, null, this);
    this.connections.add(r);
    this.watchInterest(r);
    this.logger.debug(`${r.logPrefix} - Route connection created`);
    r.begin();
  }

  // ---- DialHost ----

  isStopped(): boolean {
    return this.stopped;
  }

  configuredUp(url: string): boolean {
    const peer = this.configuredPeer.get(url);
    return peer !== undefined && this.routes.has(peer);
  }

  dialed(socket: RouteSocket, url: string, configured: string | null, done: (registered: boolean) => void): void {
    const r = new Route(this.srv.nextConnectionId(), socket, true, configured, this);
    r.dialedURL = url;
    r.onClosed = () => done(r.registered);
    this.connections.add(r);
    this.watchInterest(r);
    this.logger.debug(`${r.logPrefix} - Route connection created`);
    r.begin();
  }

  private watchInterest(r: Route): void {
    for (const o of this.remoteInterestObservers) r.interest.addObserver(o);
  }

  /** Every subscription the peers announced (what remoteInterestObservers have been told of). */
  remoteInterest(): RemoteSub[] {
    const out: RemoteSub[] = [];
    for (const r of this.connections) out.push(...r.interest.all());
    return out;
  }

  // ---- RouteHost ----

  routeInfo(): Buffer {
    const adv = this.advertised();
    const info = linkInfoHead(this.srv, adv.host, adv.port, this.srv.options.maxPayload);
    if (adv.explicit) info.ip = `nats-route://${adv.host}:${adv.port}/`;
    if (this.opts.user !== "") info.auth_required = true;
    info.cluster = this.name;
    if (this.dynamicName) info.cluster_dynamic = true;
    // in lame-duck mode a route made now must not advertise this server's clients either
    info.connect_urls = this.inLameDuck ? [] : [this.srv.clientURL()];
    if (this.inLameDuck) info.ldm = true;
    const gatewayURL = this.srv.gatewayURL?.() ?? "";
    if (gatewayURL !== "") info.gateway_url = gatewayURL;
    const leafURL = this.srv.leafURL?.() ?? "";
    if (leafURL !== "") info.leafnode_urls = [leafURL];
    return Buffer.from(`INFO ${JSON.stringify(info)}\r\n`, "utf8");
  }

  connectLine(r: Route): Buffer {
    const url = r.dialedURL;
    const m = /^[a-z-]+:\/\/([^:@/]*):([^@/]*)@/.exec(url);
    const user = m !== null ? decodeURIComponent(m[1]) : this.opts.user;
    const pass = m !== null ? decodeURIComponent(m[2]) : this.opts.password;
    const c: Record<string, unknown> = { echo: true, verbose: false, pedantic: false };
    if (user !== "") {
      c.user = user;
      c.pass = pass;
    }
    Object.assign(c, { tls_required: false, headers: true, name: this.srv.serverId, cluster: this.name });
    if (this.dynamicName) c.cluster_dynamic = true;
    c.lnoc = true;
    return Buffer.from(`CONNECT ${JSON.stringify(c)}\r\n`, "utf8");
  }

  checkConnect(r: Route, json: string): string | null {
    let c: { user?: unknown; pass?: unknown; cluster?: unknown; cluster_dynamic?: unknown };
    try {
      c = JSON.parse(json) as typeof c;
    } catch (err) {
      this.logger.error(`${r.logPrefix} - bad route CONNECT: ${(err as Error).message}`);
      return "Protocol Violation";
    }
    if (this.opts.user !== "" && (c.user !== this.opts.user || c.pass !== this.opts.password)) {
      this.logger.error(`${r.logPrefix} - authentication error`);
      return "Authorization Violation";
    }
    if (typeof c.cluster === "string" && !this.clusterNameOK(r, c.cluster, c.cluster_dynamic === true)) {
      return "Cluster Name Conflict";
    }
    return null;
  }

  private clusterNameOK(r: Route, name: string, remoteDynamic: boolean): boolean {
    if (name === this.name || remoteDynamic) return true;
    if (this.dynamicName && this.routes.size === 0) {
      this.name = name;
      this.logger.info(`Cluster name updated to ${name}`);
      return true;
    }
    this.logger.error(`${r.logPrefix} - Rejecting connection, cluster name ${JSON.stringify(name)} does not match ${JSON.stringify(this.name)}`);
    return false;
  }

  register(r: Route, info: RouteInfo): boolean {
    if (info.server_id === this.srv.serverId) {
      this.logger.debug(`${r.logPrefix} - Detected route to self, ignoring ${r.dialedURL}`);
      r.close("Duplicate Route");
      return false;
    }
    if (typeof info.cluster === "string" && !this.clusterNameOK(r, info.cluster, info.cluster_dynamic === true)) {
      r.sendText(`-ERR 'Cluster Name Conflict'\r\n`);
      r.close("Cluster Name Conflict");
      return false;
    }
    if ((info.route_account ?? "") !== "" || (info.route_pool_idx ?? 0) > 0) {
      // nats-server tries an extra (pooled or per-account) connection; it gives it up when it sees our INFO
      this.logger.debug(`${r.logPrefix} - Not registering a pooled/account route from ${info.server_id}`);
      return false;
    }
    r.remoteId = info.server_id;
    r.remoteName = info.server_name ?? info.server_id;
    r.remoteCluster = info.cluster ?? "";
    r.connectURLs = info.ldm === true ? [] : info.connect_urls ?? [];
    r.routeURL = this.peerRouteURL(r, info);
    r.gatewayURL = info.gateway_url ?? "";
    r.leafURLs = info.leafnode_urls ?? [];
    if (r.configuredURL !== null) this.configuredPeer.set(r.configuredURL, r.remoteId);
    const existing = this.routes.get(r.remoteId);
    if (existing !== undefined) {
      // both sides dialed: keep the connection dialed by the server with the smaller id
      const dialer = (x: Route): string => (x.solicited ? this.srv.serverId : x.remoteId);
      const keepNew = dialer(r) !== dialer(existing) && dialer(r) < dialer(existing);
      const drop = keepNew ? existing : r;
      this.logger.debug(`${drop.logPrefix} - Removing duplicate route to ${r.remoteId}`);
      if (!keepNew) {
        drop.close("Duplicate Route");
        return false;
      }
      this.routes.delete(r.remoteId);
      drop.close("Duplicate Route");
    }
    this.routes.set(r.remoteId, r);
    for (const o of this.routeObservers) o.routeUp(r);
    this.logger.info(`${r.logPrefix} - Route connection created to ${r.remoteName} (${r.remoteId})`);
    this.local.sendAll(r);
    this.gossip(r);
    this.srv.clusterChanged();
    return true;
  }

  private peerRouteURL(r: Route, info: RouteInfo): string {
    if (r.solicited && r.dialedURL !== "") {
      const hp = parseRouteURL(r.dialedURL);
      if (hp !== null) return `nats-route://${hp.host}:${hp.port}/`;
    }
    if (info.ip !== undefined && parseRouteURL(info.ip) !== null) return info.ip;
    let host = info.host ?? "";
    if (host === "" || host === "0.0.0.0" || host === "::") host = shownHost(r.host);
    return `nats-route://${host}:${info.port ?? 0}/`;
  }

  /** Tells the other peers about a new one, so that they connect to it too. */
  private gossip(r: Route): void {
    const hp = parseRouteURL(r.routeURL);
    const info = {
      server_id: r.remoteId,
      server_name: r.remoteName,
      host: hp?.host ?? "",
      port: hp?.port ?? 0,
      cluster: r.remoteCluster,
      ip: r.routeURL,
      connect_urls: r.connectURLs,
    };
    const line = `INFO ${JSON.stringify(info)}\r\n`;
    for (const other of this.routes.values()) if (other !== r) other.sendText(line);
  }

  asyncInfo(r: Route, info: RouteInfo): void {
    if (info.gateway_cmd !== undefined) {
      for (const o of this.routeObservers) o.gatewayGossip(r, info);
      return;
    }
    if (info.server_id === r.remoteId) {
      if (info.ldm === true && r.connectURLs.length > 0) {
        this.logger.info(`${r.logPrefix} - Peer ${r.remoteName} entered lame duck mode`);
        r.connectURLs = [];
        this.srv.clusterChanged();
        return;
      }
      if (info.connect_urls !== undefined && JSON.stringify(info.connect_urls) !== JSON.stringify(r.connectURLs)) {
        r.connectURLs = info.connect_urls;
        this.srv.clusterChanged();
      }
      return;
    }
    const id = info.server_id;
    if (id === this.srv.serverId || this.routes.has(id) || this.stopped) return;
    let url = info.ip ?? "";
    if (url === "" && info.host !== undefined && info.port !== undefined) url = `nats-route://${info.host}:${info.port}/`;
    if (url === "" || this.dialer.dialingImplicit(url)) return;
    // a configured route to that address is kept up by its own dialer: a second dial from this
    // side would make two connections both dialed here, which the two ends may keep differently
    const where = hostPort(url);
    if (this.opts.routes.some((u) => hostPort(u) === where)) return;
    for (const c of this.connections) if (!c.closed && hostPort(c.dialedURL) === where) return;
    this.logger.debug(`${r.logPrefix} - Learned of route ${id} at ${url}`);
    this.dialer.solicitImplicit(url);
  }

  inbound(r: Route, account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (account !== GLOBAL) return;
    const shown = splitShownSubject(reply);
    this.srv.deliverFromRoute(r, subject, shown.reply, queues, hdrLen, payload, shown.presentAs);
  }

  closed(r: Route, reason: string): void {
    this.connections.delete(r);
    for (const sub of r.interest.all()) for (const o of this.remoteInterestObservers) o.removed(sub);
    this.logger.debug(`${r.logPrefix} - Router connection closed: ${reason}`);
    if (r.registered && this.routes.get(r.remoteId) === r) {
      this.routes.delete(r.remoteId);
      this.logger.info(`${r.logPrefix} - Route connection to ${r.remoteName} closed: ${reason}`);
      this.srv.clusterChanged();
    }
    for (const o of this.routeObservers) o.routeDown(r);
    r.onClosed?.();
  }

  /** Lame-duck mode: tell the peers, so that they stop advertising this server to clients. */
  lameDuck(): void {
    this.inLameDuck = true;
    const info = { server_id: this.srv.serverId, server_name: this.srv.serverName, cluster: this.name, ldm: true };
    const line = `INFO ${JSON.stringify(info)}\r\n`;
    for (const r of this.routes.values()) r.sendText(line);
  }

  // ---- messages ----

  forward(subject: string, reply: string | null, hdrLen: number, payload: Buffer, served: Set<string>): number {
    if (this.routes.size === 0) return 0;
    return forwardToRoutes(this.routes.values(), subject, reply, hdrLen, payload, served);
  }

  /** Each configured route URL (without credentials) and whether a route to its server is up. */
  configuredRoutes(): Array<{ url: string; up: boolean }> {
    return this.opts.routes.map((url) => {
      const peer = this.configuredPeer.get(url);
      return { url: url.replace(/\/\/[^@/]*@/, "//"), up: peer !== undefined && this.routes.has(peer) };
    });
  }

  hasInterest(subject: string): boolean {
    for (const r of this.routes.values()) if (r.interest.hasInterest(subject)) return true;
    return false;
  }

  /** connect_urls for client INFO: this server first, then the other members (none without peers). */
  clientConnectURLs(): string[] {
    if (this.opts.noAdvertise || this.routes.size === 0) return [];
    const urls = [this.srv.clientURL()];
    for (const r of this.routes.values()) for (const u of r.connectURLs) if (!urls.includes(u)) urls.push(u);
    return urls;
  }
}
