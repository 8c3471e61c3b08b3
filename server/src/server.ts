// The server: the client listener, the connection table, lifecycle (start, reload, lame duck,
// stop) and the wiring of sublist, clients and monitoring.

import { createCurve, createServer as createServerKey } from "@nats-io/nkeys";
import { writeFileSync, unlinkSync } from "node:fs";
import type { Server as NetServer, Socket } from "node:net";
import { basename, join } from "node:path";
import { ioPhase } from "./io-phase.js";
import { listenTCP, reachableHost } from "./listen.js";
import { Client } from "./client/client.js";
import type { ClientHost, ServerCounters } from "./client/host.js";
import type { ConnectOptions } from "./client/connect.js";
import type { Publisher, Subscription } from "./client/subscription.js";
import type { Options } from "./config/options.js";
import { RouteManager } from "./cluster/manager.js";
import { LeafNodeManager } from "./leafnode/manager.js";
import { GatewayManager } from "./gateway/manager.js";
import { validateGateway } from "./config/gateway.js";
import { processMsg, type Forwarder } from "./deliver.js";
import { InternalClient } from "./internal/client.js";
import { startJetStream } from "./jetstream/start.js";
import type { JetStream } from "./jetstream/jetstream.js";
import type { Shortcut } from "./internal/shortcut.js";
import type { Logger } from "./logger.js";
import { ClosedReason, ERR_MAX_CONNECTIONS } from "./protocol/errors.js";
import { Sublist } from "./sublist/sublist.js";
import { API_LEVEL, COMPAT_VERSION, NATSTS_VERSION, PROTO_VERSION } from "./version.js";

/** What /connz keeps of a closed connection. */
export interface ClosedClient {
  readonly client: Client;
  readonly subjects: string[];
}

/** Observers the monitoring layer attaches (metrics, etc.). */
export interface ServerHooks {
  parseError?: (kind: string) => void;
}

/** the one account until accounts arrive: nats-server's global account */
export const GLOBAL_ACCOUNT = "$G";

export interface MonitorHandle {
  readonly port: number;
  close(): Promise<void>;
}

export type MonitorStarter = (server: NatsServer) => Promise<MonitorHandle>;

export class NatsServer implements ClientHost {
  options: Options;
  readonly logger: Logger;
  readonly sublist: Sublist<Subscription>;
  readonly counters: ServerCounters = {
    inMsgs: 0,
    inBytes: 0,
    outMsgs: 0,
    outBytes: 0,
    slowConsumers: 0,
    staleConnections: 0,
    stalledClients: 0,
  };
  readonly serverId: string;
  readonly xkey: string;
  readonly startTime = new Date();
  configLoadTime = new Date();
  readonly clients = new Map<number, Client>();
  /** most recent closed connections, oldest first, at most max_closed_clients */
  readonly closedClients: ClosedClient[] = [];
  totalConnections = 0;
  readonly hooks: ServerHooks = {};
  /** port the client listener is bound to (after start) */
  port = 0;
  monitor: MonitorHandle | null = null;
  lameDuck = false;
  /** set once the JetStream subsystem runs; INFO advertises JetStream only then */
  jetStreamActive = false;
  jetstream: JetStream | null = null;
  /** the cluster's routes, when a cluster listener is configured */
  routes: RouteManager | null = null;
  /** leaf node connections (hub listener and/or remotes), when configured */
  leafnodes: LeafNodeManager | null = null;
  /** the gateways to other clusters, when a gateway is configured */
  gateways: GatewayManager | null = null;
  /** where a locally published message goes after local delivery: routes, then gateways */
  readonly forwarders: Forwarder[] = [];
  /** subjects a subsystem delivers without a sublist match when nothing else can want them (JetStream acks) */
  shortcut: Shortcut | null = null;

  private listener: NetServer | null = null;
  private nextCid = 1;
  private readonly flushQueue: Client[] = [];
  private flushPending = false;
  private portsFile = "";
  private stopped = false;
  /** shutdown has begun (subsystems stop telling peers about cluster changes) */
  get shuttingDown(): boolean {
    return this.stopped;
  }
  private readonly monitorStarter: MonitorStarter | null;

  constructor(options: Options, logger: Logger, monitorStarter: MonitorStarter | null = null) {
    this.options = options;
    this.logger = logger;
    this.sublist = new Sublist<Subscription>(!options.disableSublistCache);
    this.serverId = createServerKey().getPublicKey();
    this.xkey = createCurve().getPublicKey();
    this.monitorStarter = monitorStarter;
  }

  get serverName(): string {
    return this.options.serverName !== "" ? this.options.serverName : this.serverId;
  }

  async start(): Promise<void> {
    const o = this.options;
    // nats-server checks the gateway when it starts (not with -t)
    const gatewayErrors = validateGateway(o);
    if (gatewayErrors.length > 0) throw new Error(gatewayErrors.join("; "));
    this.logger.info(`Starting natsts-server`);
    this.logger.info(`  Version:  ${NATSTS_VERSION} (nats-server ${COMPAT_VERSION} protocol)`);
    this.logger.info(`  Name:     ${this.serverName}`);
    this.logger.info(`  ID:       ${this.serverId}`);
    if (o.configFile !== "") this.logger.info(`Using configuration file: ${o.configFile}`);
    if (o.pidFile !== "") writeFileSync(o.pidFile, String(process.pid));
    if (o.jetstream.enabled) {
      this.jetstream = await startJetStream(o.jetstream, this);
      this.jetStreamActive = true;
    }
    if (o.httpPort !== 0 && this.monitorStarter !== null) {
      this.monitor = await this.monitorStarter(this);
    }
    const { server: listener, port } = await listenTCP(o.host, o.port, (socket) => this.accept(socket));
    this.listener = listener;
    this.port = port;
    this.logger.info(`Listening for client connections on ${hostPort(o.host, this.port)}`);
    if (o.gateway.name !== "" && o.gateway.port !== 0) {
      this.gateways = new GatewayManager(this, o.gateway);
      await this.gateways.listen();
    }
    const leaf = o.leafnodes;
    if (leaf.port !== 0 || leaf.remotes.length > 0) {
      this.leafnodes = new LeafNodeManager(this, leaf);
      // listening before the routes connect: their INFO carries the leafnode URL
      await this.leafnodes.listen();
    }
    if (o.cluster.port !== 0) {
      this.routes = new RouteManager(this, o.cluster);
      this.leafnodes?.attachRoutes(this.routes);
      await this.routes.start();
      this.forwarders.push(this.routes);
    }
    if (this.gateways !== null) {
      this.gateways.start(this.routes);
      this.forwarders.push(this.gateways);
    }
    this.leafnodes?.start();
    this.writePortsFile();
    this.logger.info("Server is ready");
  }

  /** host:port spokes reach this server's leafnode listener on ("" without one, or with no_advertise) */
  leafURL(): string {
    const l = this.leafnodes;
    return l !== null && l.port !== 0 && !l.opts.noAdvertise ? l.leafURL() : "";
  }

  /** The URLs clients and monitors reach this server on (as in the ports file). */
  listenURLs(): { nats: string[]; monitoring: string[]; cluster?: string[] } {
    const nats = [`nats://${hostPort(this.advertiseHost(), this.port)}`];
    const monitoring = this.monitor !== null ? [`http://${hostPort(this.advertiseHost(this.options.httpHost), this.monitor.port)}`] : [];
    return this.routes !== null ? { nats, monitoring, cluster: [this.routes.listenURL()] } : { nats, monitoring };
  }

  /** host:port clients reach this server on (client_advertise, else the listen address) */
  clientURL(): string {
    const adv = this.options.clientAdvertise;
    if (adv !== "") return adv.includes(":") ? adv : `${adv}:${this.port}`;
    return hostPort(this.advertiseHost(), this.port);
  }

  nextConnectionId(): number {
    return this.nextCid++;
  }

  private advertiseHost(host = this.options.host): string {
    return reachableHost(host);
  }

  private writePortsFile(): void {
    const dir = this.options.portsFileDir;
    if (dir === "") return;
    const exe = basename(process.argv[1] ?? "natsts-server");
    this.portsFile = join(dir, `${exe}_${process.pid}.ports`);
    writeFileSync(this.portsFile, JSON.stringify(this.listenURLs()));
  }

  // ---- connections ----

  private accept(socket: Socket): void {
    if (this.stopped || this.lameDuck) {
      socket.destroy();
      return;
    }
    const cid = this.nextCid++;
    const client = new Client(cid, socket, this);
    this.totalConnections++;
    if (this.clients.size >= this.options.maxConnections) {
      this.logger.error(`${client.logPrefix} - maximum connections exceeded`);
      client.begin(this.infoFor(client));
      client.close(ClosedReason.MaxConnectionsExceeded, ERR_MAX_CONNECTIONS);
      return;
    }
    this.clients.set(cid, client);
    this.logger.debug(`${client.logPrefix} - Client connection created`);
    client.begin(this.infoFor(client));
  }

  /** INFO as nats-server sends it (note the space before CRLF). */
  infoFor(client: Client | null, extra: Record<string, unknown> = {}): Buffer {
    const o = this.options;
    const info: Record<string, unknown> = {
      server_id: this.serverId,
      server_name: this.serverName,
      version: COMPAT_VERSION,
      proto: PROTO_VERSION,
      go: `node${process.version}`,
      host: o.host,
      port: this.port,
      headers: !o.noHeaderSupport,
    };
    if (this.authRequired()) info.auth_required = true;
    info.max_payload = o.maxPayload;
    if (this.jetStreamActive) info.jetstream = true;
    if (client !== null) {
      info.client_id = client.cid;
      info.client_ip = client.host.startsWith("::ffff:") ? client.host.slice(7) : client.host;
    }
    if (this.routes !== null) {
      info.cluster = this.routes.name;
      const urls = this.routes.clientConnectURLs();
      if (urls.length > 0) info.connect_urls = urls;
    }
    if (this.lameDuck) info.ldm = true;
    Object.assign(info, extra);
    info.api_lvl = API_LEVEL;
    info.xkey = this.xkey;
    return Buffer.from(`INFO ${JSON.stringify(info)} \r\n`, "utf8");
  }

  connectInfo(c: Client): Buffer {
    return this.infoFor(c, { connect_info: true, remote_account: GLOBAL_ACCOUNT });
  }

  authRequired(): boolean {
    const a = this.options.authorization;
    return a.user !== "" || a.token !== "" || a.users.length > 0;
  }

  authorize(c: ConnectOptions): boolean {
    const a = this.options.authorization;
    if (a.token !== "") return c.authToken === a.token;
    if (a.user !== "") return c.user === a.user && c.pass === a.password;
    return a.users.some((u) => u.user === c.user && u.password === c.pass);
  }

  processMsg(
    from: Publisher,
    subject: string,
    reply: string | null,
    hdrLen: number,
    src: Buffer,
    start: number,
    end: number,
    presentAs: string | null = null,
  ): number {
    if (this.gateways !== null) {
      // a gateway reply, or the reply of another cluster's request: straight back to its cluster and server
      const routed = subject.startsWith("_GR_.") ? subject : this.gateways.routedReply(subject);
      if (routed !== undefined && this.gateways.handleReply(from, routed, reply, hdrLen, src.subarray(start, end), "client", presentAs)) return 1;
    }
    if (this.shortcut !== null && presentAs === null && this.forwarders.length === 0) {
      const n = this.shortcut.deliver(from, subject, reply, hdrLen, src, start, end);
      if (n >= 0) return n;
    }
    return processMsg(this.sublist, from, subject, reply, hdrLen, src, start, end, presentAs, this.forwarders);
  }

  /** host:port of the gateway listener ("" without a gateway), for route INFO */
  gatewayURL(): string {
    return this.gateways?.url() ?? "";
  }

  /** Whether a server behind a route (or another forwarder) has interest in `subject`. */
  remoteInterest(subject: string): boolean {
    for (const f of this.forwarders) if (f.hasInterest?.(subject) === true) return true;
    return false;
  }

  /**
   * A message from a route: local subscribers only, never forwarded again (one hop). `presentAs`:
   * a JetStream delivery routed on `subject`, shown as this subject.
   */
  deliverFromRoute(
    from: Publisher,
    subject: string,
    reply: string | null,
    queues: readonly string[],
    hdrLen: number,
    payload: Buffer,
    presentAs: string | null = null,
  ): void {
    this.counters.inMsgs++;
    this.counters.inBytes += payload.length;
    if (this.gateways !== null) {
      if (subject.startsWith("_GR_.") && this.gateways.handleReply(from, subject, reply, hdrLen, payload, "route", presentAs)) return;
      if (reply !== null && reply.startsWith("_GR_.")) reply = this.gateways.localReply(reply);
    }
    processMsg(this.sublist, from, subject, reply, hdrLen, payload, 0, payload.length, presentAs, null, queues);
  }

  /** Cluster members came or went: protocol-1 clients get an async INFO with the new connect_urls. */
  clusterChanged(): void {
    this.leafnodes?.clusterChanged();
    if (this.routes === null || this.routes.opts.noAdvertise) return;
    for (const c of this.clients.values()) {
      if (c.opts.protocol >= 1 && c.connectReceived) c.sendRaw(this.infoFor(c));
    }
  }

  /** A server-side client for a subsystem (JetStream, system services). */
  createInternalClient(name: string): InternalClient {
    return new InternalClient(this.nextCid++, name, this);
  }

  scheduleFlush(c: Client): void {
    this.flushQueue.push(c);
    if (!this.flushPending) {
      this.flushPending = true;
      if (ioPhase.reading > 0) setImmediate(this.flushAll);
      else queueMicrotask(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.flushPending = false;
    const q = this.flushQueue;
    // clients queued while flushing go in the next turn
    const n = q.length;
    for (let i = 0; i < n; i++) q[i].flush();
    q.splice(0, n);
  };

  clientClosed(c: Client): void {
    if (!this.clients.delete(c.cid)) return;
    const max = this.options.maxClosedClients;
    if (max > 0) {
      this.closedClients.push({ client: c, subjects: [...c.subs.values()].map((s) => s.subject) });
      if (this.closedClients.length > max) this.closedClients.splice(0, this.closedClients.length - max);
    }
  }

  parseError(kind: string): void {
    this.hooks.parseError?.(kind);
  }

  // ---- lifecycle ----

  /** Applies reloadable options (logging, limits) from a re-read configuration. */
  reload(next: Options): void {
    const prev = this.options;
    const changed: string[] = [];
    for (const key of Object.keys(next) as Array<keyof Options>) {
      if (JSON.stringify(next[key]) !== JSON.stringify(prev[key])) changed.push(key);
    }
    const notReloadable = changed.filter((k) =>
      ["host", "port", "httpPort", "httpHost", "jetstream", "cluster", "gateway", "leafnodes", "serverName", "portsFileDir", "pidFile"].includes(k),
    );
    if (notReloadable.length > 0) {
      throw new Error(`config reload not supported for ${notReloadable.join(", ")}`);
    }
    this.options = { ...next };
    this.logger.reconfigure({
      debug: next.debug,
      trace: next.trace,
      logtime: next.logtime,
      logtimeUTC: next.logtimeUTC,
      logFile: next.logFile,
    });
    this.configLoadTime = new Date();
    this.logger.info(`Reloaded server configuration`);
  }

  /** Lame-duck mode: stop accepting, tell clients, then close them spread over lame_duck_duration. */
  async enterLameDuckMode(): Promise<void> {
    if (this.lameDuck || this.stopped) return;
    this.lameDuck = true;
    this.logger.info("Entering lame duck mode, stop accepting new clients");
    this.listener?.close();
    this.routes?.lameDuck();
    for (const c of this.clients.values()) {
      if (c.opts.protocol >= 1) c.sendRaw(this.infoFor(c));
    }
    const o = this.options;
    let grace = o.lameDuckGracePeriod;
    let duration = o.lameDuckDuration;
    if (grace > duration) grace = duration;
    duration -= grace;
    this.logger.info(`Waiting ${grace}ms before closing clients`);
    await sleep(grace);
    const clients = [...this.clients.values()];
    if (clients.length > 0) {
      // spread the closes over the remaining duration, but at most a second apart (as nats-server)
      const step = Math.min(1000, Math.max(1, Math.floor(duration / clients.length)));
      this.logger.info(`Closing existing clients, one every ${step}ms`);
      for (let i = 0; i < clients.length && !this.stopped; i++) {
        if (i > 0) await sleep(step);
        clients[i].close(ClosedReason.ServerShutdown);
      }
    }
    await this.shutdown();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.logger.info("Initiating Shutdown...");
    this.listener?.close();
    this.routes?.shutdown();
    this.leafnodes?.shutdown();
    this.gateways?.shutdown();
    for (const c of [...this.clients.values()]) c.close(ClosedReason.ServerShutdown);
    if (this.jetstream !== null) await this.jetstream.stop();
    if (this.monitor !== null) await this.monitor.close();
    if (this.portsFile !== "") removeQuietly(this.portsFile, this.logger);
    if (this.options.pidFile !== "") removeQuietly(this.options.pidFile, this.logger);
    this.logger.info("Server Exiting..");
  }
}

function removeQuietly(path: string, logger: Logger): void {
  try {
    unlinkSync(path);
  } catch (err) {
    logger.warn(`could not remove ${path}: ${(err as Error).message}`);
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
