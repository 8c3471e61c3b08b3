// Leaf nodes: the hub's listener (accepted spokes, authorized by the leafnodes authorization or,
// without one, the server's), the spoke's remotes (each solicited over its URLs and the hub's
// advertised leafnode_urls, reconnecting with backoff), the registry of connected leafs, and the
// wiring of interest and messages between them and the rest of the server.

import { randomBytes } from "node:crypto";
import { connect, type Server as NetServer, type Socket } from "node:net";
import { defaultConnectOptions } from "../client/connect.js";
import type { Publisher, Subscription } from "../client/subscription.js";
import type { RouteManager } from "../cluster/manager.js";
import { splitShownSubject } from "../cluster/shown-subject.js";
import { routedSubject } from "../deliver.js";
import { parseLeafURL } from "../config/leafnode.js";
import type { LeafNodeOptions } from "../config/options.js";
import { LinkLimits } from "../link/limits.js";
import { ManagerTimers } from "../link/timers.js";
import { type LinkCounts, LinkTotals } from "../link/totals.js";
import { listenTCP, reachableHost } from "../listen.js";
import type { Logger } from "../logger.js";
import type { NatsServer } from "../server.js";
import { COMPAT_VERSION } from "../version.js";
import { readCredentials, signNonce } from "./creds.js";
import { deliverFromLeaf } from "./inbound.js";
import { LeafInterest, tells } from "./interest.js";
import type { LeafHost, LeafPeerInfo } from "./host.js";
import { LeafConnection } from "./leafnode.js";
import { LeafSubscription, pickByWeight } from "./queue.js";
import { Remote } from "./remote.js";

const GLOBAL = "$G";
const LEAF_PROTO = 3;
const MAX_BACKOFF = 30_000;
const LOOP_DELAY = 30_000;
const PING_CAP = 30_000;

function nonce(): string {
  return randomBytes(11).toString("base64url");
}

export class LeafNodeManager implements LeafHost {
  /** leaf connections past their handshake */
  readonly leafs = new Set<LeafConnection>();
  private readonly connections = new Set<LeafConnection>();
  private readonly remoteOf = new Map<LeafConnection, Remote>();
  private readonly remotes: Remote[];
  private readonly interest = new LeafInterest(() => this.leafs.values(), false);
  private readonly routedInterest = new LeafInterest(() => this.leafs.values(), true);
  private readonly timers = new ManagerTimers();
  private listener: NetServer | null = null;
  private routes: RouteManager | null = null;
  private stopped = false;
  /** the leafnode_urls the spokes were last told of (space-separated) */
  private lastAdvertised = "";
  /** message and byte counts of the leaf connections closed so far (the live ones add theirs in totals()) */
  private readonly counted = new LinkTotals();
  /** the server's settings, with the ping interval capped and the leafnodes block's authorization timeout */
  readonly limits: LinkLimits;
  readonly loopSubject = `$LDS.${randomBytes(16).toString("base64url").replace(/[-_]/g, "x")}`;
  port = 0;

  constructor(
    private readonly srv: NatsServer,
    readonly opts: LeafNodeOptions,
  ) {
    this.limits = new LinkLimits(srv, PING_CAP, { authTimeout: () => (this.opts.authTimeout > 0 ? this.opts.authTimeout : undefined) });
    this.remotes = opts.remotes.map((r) => new Remote(r));
    srv.sublist.addObserver(this.interest);
  }

  /** The cluster's interest goes to the leafs too (call before the routes connect). */
  attachRoutes(routes: RouteManager): void {
    this.routes = routes;
    routes.remoteInterestObservers.push(this.routedInterest);
  }

  get logger(): Logger {
    return this.srv.logger;
  }

  /** Checks the accounts named in the block and opens the listener (when configured). */
  async listen(): Promise<void> {
    const o = this.opts;
    for (const r of o.remotes) {
      if (r.account !== "" && r.account !== GLOBAL) throw new Error(`cannot find local account "${r.account}" specified in leafnode remote`);
    }
    for (const a of [o.account, ...o.users.map((u) => u.account)]) {
      if (a !== "" && a !== GLOBAL) throw new Error(`cannot find local account "${a}" specified in leafnode authorization`);
    }
    if (o.port !== 0) {
      const { server, port } = await listenTCP(o.host, o.port, (socket) => this.accept(socket));
      this.listener = server;
      this.port = port;
      this.lastAdvertised = this.leafURL();
      this.logger.info(`Listening for leafnode connections on ${o.host}:${this.port}`);
    }
  }

  /** Starts soliciting the remotes. */
  start(): void {
    for (const r of this.remotes) this.solicit(r);
  }

  /**
   * The cluster's members changed: when the members' leafnode URLs did, the spokes get an INFO
   * with them (as nats-server: not for other changes, such as a member entering lame-duck mode,
   * and not while this server shuts down, which would leave its spokes with its URL alone).
   */
  clusterChanged(): void {
    if (this.opts.noAdvertise || this.srv.shuttingDown) return;
    const urls = this.advertisedURLs().join(" ");
    if (urls === this.lastAdvertised) return;
    this.lastAdvertised = urls;
    for (const l of this.leafs) if (!l.solicited) l.send(this.hubInfo(l, false, true));
  }

  /** leafnode_urls for the spokes: this server's, then the other cluster members'. */
  private advertisedURLs(): string[] {
    const urls = [this.leafURL()];
    if (this.routes !== null) for (const r of this.routes.routes.values()) for (const u of r.leafURLs) if (!urls.includes(u)) urls.push(u);
    return urls;
  }

  shutdown(): void {
    this.stopped = true;
    this.timers.stop();
    this.listener?.close();
    for (const l of [...this.connections]) l.close("Server Shutdown");
    this.srv.sublist.removeObserver(this.interest);
  }

  /** host:port spokes reach this server's leafnode listener on */
  leafURL(): string {
    if (this.opts.advertise !== "") return this.opts.advertise.includes(":") ? this.opts.advertise : `${this.opts.advertise}:${this.port}`;
    return `${reachableHost(this.opts.host)}:${this.port}`;
  }

  // ---- connections ----

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const l = new LeafConnection(this.srv.nextConnectionId(), socket, false, this);
    this.connections.add(l);
    this.logger.info(`${l.logPrefix} - Leafnode connection created`);
    l.begin();
  }

  /** Dials the remote's next URL; on failure or close, tries again after the reconnect delay (growing while it fails). */
  private solicit(r: Remote): void {
    const wait = r.notBefore - Date.now();
    if (wait > 0) {
      this.timers.later(wait, () => this.solicit(r));
      return;
    }
    const url = r.pickNext();
    if (url === undefined) return;
    const hp = parseLeafURL(url);
    if (hp === null) {
      this.logger.error(`Error parsing leafnode url ${JSON.stringify(url)}`);
      this.retry(r);
      return;
    }
    this.logger.debug(`Trying to connect as leafnode to remote server on "${hp.host}:${hp.port}"`);
    const socket = connect({ host: hp.host, port: hp.port, noDelay: true });
    const onError = (err: Error): void => {
      r.failures++;
      this.logger.error(`Error trying to connect as leafnode to remote server "${hp.host}:${hp.port}" (attempt ${r.failures}): ${err.message}`);
      this.retry(r);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      if (this.stopped) {
        socket.destroy();
        return;
      }
      const l = new LeafConnection(this.srv.nextConnectionId(), socket, true, this);
      l.dialedURL = url;
      r.conn = l;
      this.remoteOf.set(l, r);
      this.connections.add(l);
      l.begin();
    });
  }

  private retry(r: Remote): void {
    const urls = Math.max(1, r.candidates().length);
    const rounds = Math.floor(r.failures / urls);
    const delay = Math.min(MAX_BACKOFF, this.opts.reconnectDelay * 2 ** Math.min(rounds, 5));
    this.timers.later(delay, () => this.solicit(r));
  }

  // ---- LeafHost ----

  hubInfo(l: LeafConnection, afterConnect: boolean, update = false): Buffer {
    const o = this.srv.options;
    const info: Record<string, unknown> = {
      server_id: this.srv.serverId,
      server_name: this.srv.serverName,
      version: COMPAT_VERSION,
      proto: LEAF_PROTO,
      go: `node${process.version}`,
      host: this.opts.host,
      port: this.port,
      headers: true,
      auth_required: true,
      max_payload: o.maxPayload,
    };
    if (this.srv.jetStreamActive) info.jetstream = true;
    info.ip = this.leafURL();
    info.client_id = l.cid;
    if (afterConnect) {
      info.connect_info = true;
      info.remote_account = l.account;
    } else if (!update) {
      info.nonce = nonce();
    }
    if (this.routes !== null) info.cluster = this.routes.name;
    info.api_lvl = 3;
    info.info_on_connect = true;
    if (!this.opts.noAdvertise) info.leafnode_urls = this.advertisedURLs();
    return Buffer.from(`INFO ${JSON.stringify(info)} \r\n`, "utf8");
  }

  connectLine(l: LeafConnection, info: LeafPeerInfo): Buffer {
    const r = this.remoteOf.get(l);
    const c: Record<string, unknown> = { version: COMPAT_VERSION };
    const remote = r?.opts;
    const hp = parseLeafURL(l.dialedURL);
    if (remote !== undefined && remote.credentials !== "") {
      try {
        const creds = readCredentials(remote.credentials);
        c.jwt = creds.jwt;
        c.sig = signNonce(creds.seed, info.nonce ?? "").sig;
      } catch (err) {
        this.logger.error(`${l.logPrefix} - error reading leafnode credentials: ${(err as Error).message}`);
      }
    } else if (remote !== undefined && remote.nkey !== "") {
      const signed = signNonce(remote.nkey, info.nonce ?? "");
      c.nkey = signed.nkey;
      c.sig = signed.sig;
    }
    // a URL the hub advertised carries no credentials: those of the configured URLs go with it
    const withUser = hp !== null && hp.user !== "" ? hp : (remote?.urls ?? []).map(parseLeafURL).find((u) => u !== null && u.user !== "");
    if (withUser !== undefined && withUser !== null) {
      c.user = withUser.user;
      c.pass = withUser.pass;
    }
    c.server_id = this.srv.serverId;
    c.name = this.srv.serverName;
    // without a cluster nats-server names the spoke's "cluster" after the server
    c.cluster = this.routes !== null ? this.routes.name : this.srv.serverName;
    c.headers = true;
    if (this.srv.jetStreamActive) c.jetstream = true;
    c.remote_account = GLOBAL;
    c.protocol = LEAF_PROTO;
    return Buffer.from(`CONNECT ${JSON.stringify(c)}\r\n`, "utf8");
  }

  checkConnect(l: LeafConnection, c: LeafPeerInfo): string | null {
    if (!this.authorized(c)) {
      this.logger.error(`${l.logPrefix} - authentication error`);
      return "Authorization Violation";
    }
    const id = c.server_id ?? "";
    if (id !== "") {
      for (const other of this.leafs) {
        if (!other.solicited && other.remoteId === id && other.account === l.account) {
          this.logger.error(`${l.logPrefix} - Duplicate Remote LeafNode Connection - Account:${l.account}`);
          return "Duplicate Remote LeafNode Connection";
        }
      }
    }
    return null;
  }

  private authorized(c: LeafPeerInfo): boolean {
    const o = this.opts;
    if (o.users.length > 0) return o.users.some((u) => u.user === c.user && u.password === c.pass);
    if (o.user !== "") return c.user === o.user && c.pass === o.password;
    if (this.srv.authRequired()) return this.srv.authorize({ ...defaultConnectOptions(), user: c.user ?? "", pass: c.pass ?? "", authToken: c.auth_token ?? "" });
    return true;
  }

  register(l: LeafConnection): void {
    this.leafs.add(l);
    const r = this.remoteOf.get(l);
    r?.connected(l.dialedURL, l.hubURLs);
    this.logger.info(`${l.logPrefix} - Leafnode connection created for account: ${l.account}${l.remoteName !== "" ? ` (${l.remoteName})` : ""}`);
    const subs: Array<{ subject: string; queue: string | null }> = [];
    for (const s of this.srv.sublist.all()) if (tells(l, s, false)) subs.push(s);
    if (this.routes !== null) for (const s of this.routes.remoteInterest()) if (tells(l, s, true)) subs.push(s);
    l.sendAllInterest(subs);
  }

  asyncInfo(l: LeafConnection, info: LeafPeerInfo): void {
    const r = this.remoteOf.get(l);
    if (r !== undefined && info.leafnode_urls !== undefined) r.learned = info.leafnode_urls;
  }

  addSub(sub: Subscription): void {
    this.srv.sublist.insert(sub);
  }

  removeSub(sub: Subscription): void {
    this.srv.sublist.remove(sub);
  }

  pickQueueMember(sub: LeafSubscription, producer: Publisher | null): LeafSubscription | null {
    const queue = sub.queue;
    if (queue === null) return sub;
    const subject = routedSubject;
    if (this.routes !== null) {
      for (const r of this.routes.routes.values()) {
        if (r.interest.match(subject).qsubs.some((g) => g[0]?.queue === queue)) return null;
      }
    }
    const group = this.srv.sublist.match(subject).qsubs.find((g) => g[0]?.queue === queue) ?? [];
    const members: LeafSubscription[] = [];
    for (const m of group) if (m instanceof LeafSubscription && m.client !== producer && !m.leaf.closed) members.push(m);
    return pickByWeight(members) ?? sub;
  }

  inbound(l: LeafConnection, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    const c = this.srv.counters;
    c.inMsgs++;
    c.inBytes += payload.length;
    const shown = splitShownSubject(reply);
    deliverFromLeaf(this.srv.sublist, this.srv.forwarders, l, subject, shown.reply, queues, hdrLen, payload, shown.presentAs);
  }

  remoteError(l: LeafConnection, text: string): void {
    const r = this.remoteOf.get(l);
    if (r !== undefined && text.includes("Loop detected")) r.notBefore = Date.now() + LOOP_DELAY;
  }

  closed(l: LeafConnection, reason: string): void {
    this.connections.delete(l);
    this.counted.closed(l);
    const wasLeaf = this.leafs.delete(l);
    this.logger.info(`${l.logPrefix} - Leafnode connection closed: ${reason}${l.remoteName !== "" ? ` - Remote: ${l.remoteName}` : ""}`);
    const r = this.remoteOf.get(l);
    if (r === undefined) return;
    this.remoteOf.delete(l);
    if (r.conn === l) r.conn = null;
    if (this.stopped) return;
    if (!wasLeaf) r.failures++;
    this.retry(r);
  }

  /** Messages and bytes over every leaf connection since start (for the metrics). */
  totals(): LinkCounts {
    return this.counted.with(this.connections);
  }
}
