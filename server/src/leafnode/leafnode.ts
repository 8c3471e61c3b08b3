// One leaf node connection, either side: the hub's accepted connection (INFO with a nonce, then
// the spoke's CONNECT) or the spoke's solicited one (the hub's INFO, then our CONNECT). The remote
// side's interest (LS+/LS-) becomes subscriptions of this connection in the server's sublist, so
// local deliveries, routes and other leaf connections see it; this server's interest goes out as
// LS+/LS-; messages go out as LMSG/HMSG, one per message with the queue groups picked here.

import type { Socket } from "node:net";
import type { Publisher, Subscription } from "../client/subscription.js";
import { messageSeq, replyWithShownSubject, routedSubject } from "../deliver.js";
import type { LinkParseError } from "../link/framing.js";
import { LinkConnection } from "../link/link-connection.js";
import { msgArgs } from "../link/msg-line.js";
import { interestKey, RemoteInterestTable } from "../link/remote-interest.js";
import { isValidQueueName, isValidSubject } from "../sublist/subject.js";
import type { LeafHost, LeafPeerInfo } from "./host.js";
import { LeafParser, type LeafProtocolHandler } from "./parser.js";
import { LeafSubscription, weighsLeafMembers } from "./queue.js";

const INVALID_SUB = Buffer.from("-ERR 'Invalid Subscription'\r\n");
const NO_QUEUES: readonly string[] = [];

/** One message being collected for the remote: every delivery of one routed message goes into one LMSG. */
interface PendingOut {
  seq: number;
  /** the subject the message is routed on */
  routed: string;
  /** the subject its subscribers see (differs for JetStream deliveries) */
  subject: string;
  reply: string | null;
  hdrLen: number;
  payload: Buffer;
  plain: boolean;
  queues: string[];
}

export class LeafConnection extends LinkConnection implements LeafProtocolHandler, Publisher {
  readonly kind = "leaf";
  /** never back to the connection a message came from */
  readonly opts = { echo: false, noResponders: false };
  remoteId = "";
  remoteName = "";
  remoteCluster = "";
  /** the account this connection is bound to on this server */
  account = "$G";
  registered = false;
  closeReason = "";
  /** the URL dialed (spoke side) */
  dialedURL = "";
  /** the hub's nonce (spoke side) */
  nonce = "";
  /** leafnode_urls the hub advertised (spoke side) */
  hubURLs: string[] = [];
  /** the other side offered compression (natsts never compresses: /leafz shows "off", else "not supported") */
  peerCompression = false;
  /** the remote's interest (LS+/LS-), as subscriptions of this connection in the server's sublist */
  private readonly remoteSubs = new RemoteInterestTable<LeafSubscription>({
    create: (subject, queue, weight, key) => {
      const sub = new LeafSubscription(this, subject, queue, key);
      sub.weight = weight;
      return sub;
    },
    added: (sub) => this.srv.addSub(sub),
    removed: (sub) => this.srv.removeSub(sub),
  });
  /** this server's interest as told to the remote: subscription count per subject/queue */
  private readonly told = new Map<string, { subject: string; queue: string | null; count: number }>();
  protected readonly parser: LeafParser;
  private pendingOut: PendingOut | null = null;
  private connectSeen = false;
  private infoSeen = false;

  constructor(
    cid: number,
    socket: Socket,
    /** true on the spoke (this server dialed the hub) */
    readonly solicited: boolean,
    private readonly srv: LeafHost,
  ) {
    super(cid, socket, (socket.remoteAddress ?? "").replace(/^::ffff:/, ""), srv.limits, "Leafnode", "lid");
    this.parser = new LeafParser(this, srv.limits.maxPayload);
  }

  /** the remote's interest (subject and queue) */
  remoteSubjects(): Array<{ subject: string; queue: string | null }> {
    return this.remoteSubs.subjects();
  }

  get compression(): string {
    return this.peerCompression ? "off" : "not supported";
  }

  get subscriptionCount(): number {
    return this.remoteSubs.size;
  }

  begin(): void {
    this.readPeer();
    if (!this.solicited) this.send(this.srv.hubInfo(this, false));
    this.link.startHandshakeTimer(() => {
      if (!this.registered) {
        this.srv.logger.error(`${this.logPrefix} - ${this.solicited ? "no INFO from the hub" : "authentication timeout"}`);
        this.close("Authentication Timeout");
      }
    });
  }

  protected parseFailed(err: LinkParseError): void {
    this.srv.logger.error(`${this.logPrefix} - Leafnode parser ERROR: ${err.message}`);
    if (this.registered || this.solicited) this.closeWithErr("Unknown Protocol Operation", "Protocol Violation");
    else this.authViolation();
  }

  private authViolation(): void {
    this.srv.logger.error(`${this.logPrefix} - authentication error`);
    this.closeWithErr("Authorization Violation", "Authentication Failure");
  }

  /** The hub talks only after the spoke's CONNECT; the spoke only after the hub's INFO. */
  private ready(): boolean {
    if (this.registered) return true;
    if (this.solicited) {
      this.srv.logger.error(`${this.logPrefix} - protocol before the hub's INFO`);
      this.closeWithErr("Unknown Protocol Operation", "Protocol Violation");
    } else {
      this.authViolation();
    }
    return false;
  }

  // ---- LeafProtocolHandler ----

  onConnect(json: string): void {
    this.trace(`<<- [CONNECT ${json}]`);
    if (this.solicited) return;
    if (this.connectSeen) return;
    let c: LeafPeerInfo;
    try {
      const v: unknown = JSON.parse(json);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("CONNECT is not a JSON object");
      c = v as LeafPeerInfo;
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - ${(err as Error).message}`);
      this.close("Protocol Violation");
      return;
    }
    this.connectSeen = true;
    const refused = this.srv.checkConnect(this, c);
    if (refused !== null) {
      this.closeWithErr(refused, refused === "Authorization Violation" ? "Authentication Failure" : refused);
      return;
    }
    this.remoteId = c.server_id ?? "";
    this.remoteName = c.name ?? this.remoteId;
    this.remoteCluster = c.cluster ?? "";
    this.peerCompression = typeof c.compress_mode === "string" && c.compress_mode !== "";
    this.send(this.srv.hubInfo(this, true));
    this.handshakeDone();
  }

  onInfo(json: string): void {
    this.trace(`<<- [INFO ${json}]`);
    let info: LeafPeerInfo;
    try {
      const v: unknown = JSON.parse(json);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("INFO is not a JSON object");
      info = v as LeafPeerInfo;
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - bad leafnode INFO: ${(err as Error).message}`);
      this.close("Protocol Violation");
      return;
    }
    if (!this.solicited) return;
    if (!this.infoSeen) {
      this.infoSeen = true;
      this.remoteId = info.server_id ?? "";
      this.remoteName = info.server_name ?? this.remoteId;
      this.remoteCluster = info.cluster ?? "";
      this.nonce = info.nonce ?? "";
      this.hubURLs = info.leafnode_urls ?? [];
      this.peerCompression = typeof info.compression === "string" && info.compression !== "";
      this.send(this.srv.connectLine(this, info));
      this.handshakeDone();
      return;
    }
    if (info.leafnode_urls !== undefined) this.hubURLs = info.leafnode_urls;
    this.srv.asyncInfo(this, info);
  }

  private handshakeDone(): void {
    if (this.closed) return;
    this.link.handshakeDone();
    this.registered = true;
    this.srv.register(this);
    if (this.closed) return;
    this.link.sendPing();
  }

  onErr(text: string): void {
    this.srv.logger.error(`${this.logPrefix} - Leafnode Error '${text}'`);
    this.srv.remoteError(this, text);
    this.close("Client Closed");
  }

  onSub(subject: string, queue: string | null, weight: number): void {
    this.trace(`<<- [LS+ ${subject}${queue !== null ? ` ${queue} ${weight}` : ""}]`);
    if (!this.ready()) return;
    if (subject === this.srv.loopSubject) {
      this.loopDetected();
      return;
    }
    if (!isValidSubject(subject) || (queue !== null && !isValidQueueName(queue))) {
      // as nats-server: refused, and the connection goes on
      this.srv.logger.error(`${this.logPrefix} - Could not insert subscription: sublist: invalid subject`);
      this.send(INVALID_SUB);
      return;
    }
    // new interest, or a queue group's LS+ again: its new weight (1 at least)
    this.remoteSubs.sub(subject, queue, Math.max(1, weight));
  }

  onUnsub(subject: string, queue: string | null): void {
    this.trace(`<<- [LS- ${subject}${queue !== null ? ` ${queue}` : ""}]`);
    if (!this.ready()) return;
    this.remoteSubs.unsub(subject, queue);
  }

  onMsg(subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.srv.logger.traceEnabled) {
      this.trace(`<<- [${hdrLen >= 0 ? "HMSG" : "LMSG"} ${msgArgs(subject, reply, queues)} ${hdrLen >= 0 ? `${hdrLen} ` : ""}${payload.length}]`);
    }
    if (!this.ready()) return;
    this.inMsgs++;
    this.inBytes += payload.length;
    this.srv.inbound(this, subject, reply, queues, hdrLen, payload);
  }

  private loopDetected(): void {
    const text = `Loop detected for leafnode account="${this.account}". Delaying attempt to reconnect for 30s`;
    this.srv.logger.error(`${this.logPrefix} - ${text}`);
    this.sendNow(Buffer.from(`-ERR '${text}'\r\n`));
    this.srv.remoteError(this, text);
    this.close("Protocol Violation");
  }

  // ---- interest sent to the remote ----

  /** A subscription of this server (or one learned over a route) came (+1) or went (-1). */
  interestChanged(subject: string, queue: string | null, delta: number): void {
    const key = interestKey(subject, queue);
    let t = this.told.get(key);
    if (t === undefined) {
      if (delta <= 0) return;
      t = { subject, queue, count: 0 };
      this.told.set(key, t);
    }
    t.count += delta;
    if (t.count <= 0) {
      this.told.delete(key);
      this.sendText(queue === null ? `LS- ${subject}\r\n` : `LS- ${subject} ${queue}\r\n`);
    } else if (queue !== null) {
      this.sendText(`LS+ ${subject} ${queue} ${t.count}\r\n`);
    } else if (t.count === delta) {
      this.sendText(`LS+ ${subject}\r\n`);
    }
  }

  /** Everything this server is interested in, right after the handshake (and our loop-detection subject). */
  sendAllInterest(subs: Iterable<{ subject: string; queue: string | null }>): void {
    for (const s of subs) {
      const key = interestKey(s.subject, s.queue);
      const t = this.told.get(key);
      if (t === undefined) this.told.set(key, { subject: s.subject, queue: s.queue, count: 1 });
      else t.count++;
    }
    const lines: string[] = [`LS+ ${this.srv.loopSubject}\r\n`];
    for (const t of this.told.values()) lines.push(t.queue === null ? `LS+ ${t.subject}\r\n` : `LS+ ${t.subject} ${t.queue} ${t.count}\r\n`);
    this.sendText(lines.join(""));
  }

  // ---- deliveries (SubscriptionOwner) ----

  /** A hub's interest stays on this server: not announced to routes (as nats-server). */
  get notRouted(): boolean {
    return this.solicited;
  }

  /**
   * Collects the deliveries of one routed message into one LMSG/HMSG (plain interest and/or queue
   * groups). A message from a route does not go to a hub: the member it was published on has its
   * own way there.
   */
  deliver(sub: Subscription, subject: string, reply: string | null, hdrLen: number, payload: Buffer, producer?: Publisher | null): boolean {
    if (this.closed) return false;
    if (this.solicited && producer?.kind === "route") return false;
    if (sub.queue !== null && sub instanceof LeafSubscription && weighsLeafMembers(producer)) {
      // the group has no member on this server: a route's member, else a leaf connection by weight (queue.ts)
      const picked = this.srv.pickQueueMember(sub, producer ?? null);
      return picked !== null && picked.leaf.collect(picked, subject, reply, hdrLen, payload);
    }
    return this.collect(sub, subject, reply, hdrLen, payload);
  }

  /** Adds a delivery for `sub` to the LMSG being collected (see deliver). */
  collect(sub: Subscription, subject: string, reply: string | null, hdrLen: number, payload: Buffer): boolean {
    if (this.closed) return false;
    const p = this.pendingOut;
    if (p !== null && p.seq === messageSeq && p.subject === subject) {
      if (sub.queue === null) p.plain = true;
      else if (!p.queues.includes(sub.queue)) p.queues.push(sub.queue);
      return true;
    }
    if (p !== null) this.writePending();
    this.pendingOut = { seq: messageSeq, routed: routedSubject, subject, reply, hdrLen, payload, plain: sub.queue === null, queues: sub.queue === null ? [] : [sub.queue] };
    this.link.queueFlush();
    return true;
  }

  /** LinkOwner: the LMSG being collected goes out before anything else is queued or written. */
  release(): void {
    this.writePending();
  }

  private writePending(): void {
    const p = this.pendingOut;
    if (p === null) return;
    this.pendingOut = null;
    const queues = p.queues.length > 0 ? p.queues : NO_QUEUES;
    const sizes = p.hdrLen >= 0 ? `${p.hdrLen} ${p.payload.length}` : `${p.payload.length}`;
    // a delivery shown under another subject goes routed on its own, the shown one after an `@` in the reply
    const shown = p.routed !== p.subject && p.routed !== "" ? p.subject : null;
    const args = msgArgs(shown !== null ? p.routed : p.subject, replyWithShownSubject(p.reply, shown), queues);
    const line = `${p.hdrLen >= 0 ? "HMSG" : "LMSG"} ${args} ${sizes}`;
    this.trace(`->> [${line}]`);
    this.outMsgs++;
    this.outBytes += p.payload.length;
    this.link.appendMsg(`${line}\r\n`, p.payload);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.link.close();
    this.closeReason = reason;
    this.remoteSubs.clear();
    this.srv.closed(this, reason);
  }
}
