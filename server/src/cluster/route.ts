// One route connection to another server of the cluster: handshake (INFO / CONNECT / INFO),
// the remote server's interest (RS+/RS-), inbound messages, outbound RMSG/HMSG, PING/PONG.

import type { Publisher, Subscription } from "../client/subscription.js";
import type { LinkParseError } from "../link/framing.js";
import { LinkConnection } from "../link/link-connection.js";
import type { LinkLimits } from "../link/limits.js";
import { GLOBAL, msgLine } from "../link/msg-line.js";
import { RemoteInterestTable } from "../link/remote-interest.js";
import type { Logger } from "../logger.js";
import { Sublist, type SubLike } from "../sublist/sublist.js";
import { RouteParser, type RouteProtocolHandler } from "./parser.js";
import type { RouteSocket } from "./transport.js";

/** What a route INFO carries that natsts uses. */
export interface RouteInfo {
  server_id: string;
  server_name?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  host?: string;
  port?: number;
  ip?: string;
  connect_urls?: string[];
  auth_required?: boolean;
  /** a connection dedicated to one account (nats-server route pooling); natsts keeps one route per peer */
  route_account?: string;
  route_pool_idx?: number;
  /** the peer entered lame-duck mode: its clients are about to go */
  ldm?: boolean;
  /** host:port of the peer's gateway listener (a supercluster member) */
  gateway_url?: string;
  /** host:port of the peer's leafnode listener, for the spokes of this cluster */
  leafnode_urls?: string[];
  /** gateway gossip (1): a remote gateway some member of the cluster learned of */
  gateway_cmd?: number;
  gateway?: string;
  gateway_urls?: string[];
}

/** One subject (and queue group) the remote server has interest in. */
export class RemoteSub implements SubLike {
  constructor(
    readonly subject: string,
    readonly queue: string | null,
    public weight: number,
  ) {}
}

/** What a route needs from the route manager. */
export interface RouteHost {
  readonly logger: Logger;
  /** the settings routes run with (cluster block over the server's) */
  readonly limits: LinkLimits;
  /** INFO line this server sends on routes */
  routeInfo(): Buffer;
  /** CONNECT line for a solicited route (credentials from the URL or the cluster block) */
  connectLine(r: Route): Buffer;
  /** checks a CONNECT received on an accepted route; returns an error text to refuse it */
  checkConnect(r: Route, json: string): string | null;
  /** the first INFO from the peer: returns false when the route is refused (and closed) */
  register(r: Route, info: RouteInfo): boolean;
  /** a later INFO: an update from the peer or gossip about another server */
  asyncInfo(r: Route, info: RouteInfo): void;
  /** a message from the peer, to be delivered to local subscribers only */
  inbound(r: Route, account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
  closed(r: Route, reason: string): void;
}

export class Route extends LinkConnection implements RouteProtocolHandler, Publisher {
  readonly kind = "route";
  readonly opts = { echo: true, noResponders: false };
  remoteId = "";
  remoteName = "";
  remoteCluster = "";
  /** client URLs the peer advertises */
  connectURLs: string[] = [];
  /** nats-route://host:port/ where the peer listens for routes */
  routeURL = "";
  /** host:port of the peer's gateway listener, when it has one */
  gatewayURL = "";
  /** host:port of the peer's leafnode listener(s), advertised to this server's spokes */
  leafURLs: string[] = [];
  registered = false;
  /** the URL this server dialed (solicited routes) */
  dialedURL = "";
  /** called once after the route closed (the dialer's retry logic) */
  onClosed: (() => void) | null = null;
  /** remote interest in the global account */
  readonly interest = new Sublist<RemoteSub>();
  /** the peer's RS+/RS- by subject and queue group, kept in `interest` */
  private readonly announced = new RemoteInterestTable<RemoteSub>({
    create: (subject, queue, weight) => new RemoteSub(subject, queue, weight),
    added: (sub) => this.interest.insert(sub),
    removed: (sub) => this.interest.remove(sub),
  });
  protected readonly parser: RouteParser;
  private connectSeen = false;
  private infoSeen = false;

  constructor(
    cid: number,
    socket: RouteSocket,
    /** true when this server dialed the connection */
    readonly solicited: boolean,
    /** the configured route URL this connection serves, if any */
    readonly configuredURL: string | null,
    private readonly srv: RouteHost,
  ) {
    super(cid, socket, socket.remoteAddress ?? "", srv.limits, "Route", "rid");
    this.parser = new RouteParser(this, srv.limits.maxPayload);
  }

  remoteSubjects(): Array<{ subject: string; queue: string | null }> {
    return this.announced.subjects();
  }

  get subscriptionCount(): number {
    return this.announced.size;
  }

  begin(): void {
    this.readPeer();
    if (!this.solicited) this.send(this.srv.routeInfo());
    // a peer that never completes the handshake (a dialed one too: it may never send its INFO)
    this.link.startHandshakeTimer(() => {
      if (!this.registered) this.close(this.solicited ? "Route Handshake Timeout" : "Authentication Timeout");
    });
  }

  protected parseFailed(err: LinkParseError): void {
    this.srv.logger.error(`${this.logPrefix} - Route parser ERROR: ${err.message}`);
    this.closeWithErr("Unknown Protocol Operation", "Parse Error");
  }

  /** Accepted routes talk only after CONNECT; solicited ones only after the peer's INFO. */
  private ready(op: string): boolean {
    if (this.solicited ? this.infoSeen : this.connectSeen) return true;
    this.srv.logger.error(`${this.logPrefix} - ${op} before the route handshake`);
    this.closeWithErr("Authorization Violation", "Authentication Failure");
    return false;
  }

  // ---- RouteProtocolHandler ----

  onConnect(json: string): void {
    this.trace(`<<- [CONNECT ${json}]`);
    if (this.solicited || this.connectSeen) return;
    const err = this.srv.checkConnect(this, json);
    if (err !== null) {
      this.closeWithErr(err, err === "Authorization Violation" ? "Authentication Failure" : "Protocol Violation");
      return;
    }
    this.connectSeen = true;
  }

  onInfo(json: string): void {
    this.trace(`<<- [INFO ${json}]`);
    if (!this.solicited && !this.ready("INFO")) return;
    let info: RouteInfo;
    try {
      const v: unknown = JSON.parse(json);
      if (typeof v !== "object" || v === null || typeof (v as { server_id?: unknown }).server_id !== "string") {
        throw new Error("INFO without server_id");
      }
      info = v as RouteInfo;
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - bad route INFO: ${(err as Error).message}`);
      this.close("Protocol Violation");
      return;
    }
    if (!this.infoSeen) {
      this.infoSeen = true;
      if (this.solicited) {
        this.send(this.srv.connectLine(this));
        this.send(this.srv.routeInfo());
      }
      this.link.handshakeDone();
      if (this.srv.register(this, info)) {
        this.registered = true;
        this.link.sendPing();
      }
      return;
    }
    this.srv.asyncInfo(this, info);
  }

  onErr(text: string): void {
    this.srv.logger.error(`${this.logPrefix} - Route Error '${text}'`);
    this.close("Parse Error");
  }

  onSub(account: string, subject: string, queue: string | null, weight: number): void {
    this.trace(`<<- [RS+ ${account} ${subject}${queue !== null ? ` ${queue} ${weight}` : ""}]`);
    if (!this.ready("RS+") || account !== GLOBAL) return;
    this.announced.sub(subject, queue, weight);
  }

  onUnsub(account: string, subject: string, queue: string | null): void {
    this.trace(`<<- [RS- ${account} ${subject}${queue !== null ? ` ${queue}` : ""}]`);
    if (!this.ready("RS-") || account !== GLOBAL) return;
    this.announced.unsub(subject, queue);
  }

  onMsg(account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.srv.logger.traceEnabled) this.trace(`<<- [${hdrLen >= 0 ? "HMSG" : "RMSG"} ${account} ${subject}${reply !== null ? ` ${reply}` : ""}${queues.length > 0 ? ` ${queues.join(" ")}` : ""} ${payload.length}]`);
    if (!this.ready("RMSG")) return;
    this.inMsgs++;
    this.inBytes += payload.length;
    this.srv.inbound(this, account, subject, reply, queues, hdrLen, payload);
  }

  // ---- Publisher (route messages are published locally with the route as the producer) ----

  deliver(_sub: Subscription): boolean {
    return false;
  }

  // ---- outbound ----

  /** RMSG/HMSG to the peer; `queues` are the queue groups the peer is picked for. */
  sendMsg(subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.closed) return;
    this.sendMsgLine(msgLine(subject, reply, queues, hdrLen, payload.length), payload);
  }

  /** A message whose RMSG/HMSG line (with CRLF, from msgLine) is already built: one line for every route. */
  sendMsgLine(line: string, payload: Buffer): void {
    if (this.closed) return;
    if (this.srv.logger.traceEnabled) this.trace(`->> [${line.slice(0, -2)}]`);
    this.outMsgs++;
    this.outBytes += payload.length;
    if (this.link.appendMsg(line, payload)) this.link.queueFlush();
  }

  sendSub(subject: string, queue: string | null, weight: number): void {
    this.sendText(queue === null ? `RS+ ${GLOBAL} ${subject}\r\n` : `RS+ ${GLOBAL} ${subject} ${queue} ${weight}\r\n`);
  }

  sendUnsub(subject: string, queue: string | null): void {
    this.sendText(queue === null ? `RS- ${GLOBAL} ${subject}\r\n` : `RS- ${GLOBAL} ${subject} ${queue}\r\n`);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.link.close();
    this.srv.closed(this, reason);
  }
}
