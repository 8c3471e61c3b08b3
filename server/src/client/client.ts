// One client connection: handshake and auth hand-off, inbound ops, the outbound buffer and the
// slow-consumer rules. Its timers (PINGs, auth deadline) are in liveness.ts, CONNECT parsing and
// checks in connect.ts, what it needs from the server in host.ts.

import type { Socket } from "node:net";
import {
  ClosedReason,
  type ClosedReasonText,
  ERR_AUTH_VIOLATION,
  ERR_INVALID_PUB_SUBJECT,
  ERR_INVALID_SUBJECT,
  ERR_MAX_SUBS,
} from "../protocol/errors.js";
import { ClientParser, type ClientProtocolHandler, ParseFailure } from "../protocol/parser.js";
import { isValidLiteralSubject, isValidQueueName, isValidSubject } from "../sublist/subject.js";
import { coarseClock, tick } from "../clock.js";
import { ioPhase } from "../io-phase.js";
import { applyConnectJSON, type ConnectOptions, connectRejection, defaultConnectOptions } from "./connect.js";
import type { ClientHost } from "./host.js";
import { Liveness } from "./liveness.js";
import { Outbound } from "./outbound.js";
import { closedReasonFor } from "./parse-failure.js";
import { type ClientFacts, type Publisher, Subscription } from "./subscription.js";
import { msgTrace, payloadTrace, pubTrace } from "./trace.js";

const PONG = Buffer.from("PONG\r\n");
const OK = Buffer.from("+OK\r\n");
/** a producer is stalled when a subscriber's pending bytes pass this fraction of max_pending */
const STALL_FRACTION = 0.75;
const STALL_MAX_MS = 50;

export class Client implements ClientProtocolHandler, Publisher {
  readonly kind = "client";
  readonly start = new Date();
  lastActivity = Date.now();
  stop: Date | null = null;
  closeReason: ClosedReasonText | "" = "";
  opts: ConnectOptions = defaultConnectOptions();
  connectReceived = false;
  readonly subs = new Map<string, Subscription>();
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  readonly outbound = new Outbound();
  flushScheduled = false;
  closed = false;
  readonly host: string;
  readonly port: number;

  /** set by every read; the liveness timer holds its PING back while the client keeps talking */
  activitySincePing = false;

  private readonly parser: ClientParser;
  private readonly liveness: Liveness;
  private stalled = false;
  private firstPongSent = false;
  private deadlineTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cid: number,
    readonly socket: Socket,
    private readonly srv: ClientHost,
  ) {
    this.host = socket.remoteAddress ?? "";
    this.port = socket.remotePort ?? 0;
    this.parser = new ClientParser(this);
    this.liveness = new Liveness(this, srv);
  }

  /** round-trip time in ms, measured by the server's PINGs */
  get rtt(): number {
    return this.liveness.rtt;
  }

  clientFacts(): ClientFacts {
    const o = this.opts;
    return { start: this.start, host: this.host, id: this.cid, user: o.user, name: o.name, lang: o.lang, version: o.version, rtt: this.rtt };
  }

  /** "127.0.0.1:52000 - cid:5" as nats-server prefixes client log lines */
  get logPrefix(): string {
    return `${this.host}:${this.port} - cid:${this.cid}`;
  }

  /** Starts reading, sends INFO and arms the timers. */
  begin(info: Buffer): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.setMaxListeners(0);
    s.on("data", (chunk: Buffer) => this.onData(chunk));
    s.on("error", (err: Error) => {
      this.srv.logger.debug(`${this.logPrefix} - Client connection error: ${err.message}`);
      this.close(ClosedReason.ReadError);
    });
    s.on("close", () => this.close(ClosedReason.ClientClosed));
    s.on("drain", () => this.clearDeadline());
    this.outbound.append(info);
    this.flush();
    this.liveness.begin();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    tick();
    this.activitySincePing = true;
    ioPhase.reading++;
    try {
      this.parser.parse(chunk);
    } catch (err) {
      if (err instanceof ParseFailure) {
        this.srv.parseError(err.kind);
        this.srv.logger.error(`${this.logPrefix} - Client parser ERROR: ${err.message}`);
        this.close(closedReasonFor(err), err.errText);
        return;
      }
      throw err;
    } finally {
      ioPhase.reading--;
    }
  }

  // ---- ClientProtocolHandler ----

  connectRequired(): boolean {
    return !this.connectReceived && this.srv.authRequired();
  }
  headersEnabled(): boolean {
    return this.opts.headers;
  }
  maxPayload(): number {
    return this.srv.options.maxPayload;
  }
  maxControlLine(): number {
    return this.srv.options.maxControlLine;
  }

  onConnect(json: string): void {
    if (this.closed) return;
    this.trace(`<<- [CONNECT ${json}]`);
    let next: ConnectOptions;
    try {
      next = applyConnectJSON(this.opts, json);
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - ${(err as Error).message}`);
      this.close(ClosedReason.ProtocolViolation);
      return;
    }
    this.opts = next;
    this.lastActivity = Date.now();
    if (this.srv.authRequired() && !this.srv.authorize(next)) {
      this.srv.logger.error(`${this.logPrefix} - authentication error`);
      this.close(ClosedReason.AuthenticationViolation, ERR_AUTH_VIOLATION);
      return;
    }
    const rejection = connectRejection(next);
    if (rejection !== null) {
      this.close(rejection.reason, rejection.errText);
      return;
    }
    this.connectReceived = true;
    this.liveness.connected();
    if (next.verbose) this.sendOK();
  }

  onPub(subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): void {
    if (this.closed) return;
    const size = end - start;
    if (this.srv.logger.traceEnabled) {
      const payload = src.subarray(start, end);
      this.trace(`<<- ${pubTrace(subject, reply, hdrLen, payload.length)}`);
      this.trace(`<<- ${payloadTrace(payload)}`);
    }
    this.lastActivity = coarseClock.now;
    this.inMsgs++;
    this.inBytes += size;
    const c = this.srv.counters;
    c.inMsgs++;
    c.inBytes += size;
    // nats-server's order: the pedantic -ERR, then +OK, then the deliveries (the message is still routed)
    if (this.opts.pedantic && !isValidLiteralSubject(subject)) this.sendErr(ERR_INVALID_PUB_SUBJECT);
    if (this.opts.verbose) this.sendOK();
    this.srv.processMsg(this, subject, reply, hdrLen, src, start, end);
  }

  onSub(subject: string, queue: string | null, sid: string): void {
    if (this.closed) return;
    this.trace(`<<- [SUB ${subject}${queue !== null ? " " + queue : ""} ${sid}]`);
    this.lastActivity = Date.now();
    const max = this.srv.options.maxSubscriptions;
    if (max > 0 && this.subs.size >= max) {
      this.srv.logger.error(`${this.logPrefix} - Maximum Subscriptions Exceeded (max=${max})`);
      this.sendErr(ERR_MAX_SUBS);
      return;
    }
    if (!isValidSubject(subject) || (queue !== null && !isValidQueueName(queue))) {
      this.sendErr(ERR_INVALID_SUBJECT);
      return;
    }
    if (!this.subs.has(sid)) {
      const sub = new Subscription(this, subject, queue, sid);
      this.subs.set(sid, sub);
      this.srv.sublist.insert(sub);
    }
    if (this.opts.verbose) this.sendOK();
  }

  onUnsub(sid: string, max: number): void {
    if (this.closed) return;
    this.trace(`<<- [UNSUB ${sid}${max >= 0 ? " " + max : ""}]`);
    this.lastActivity = Date.now();
    const sub = this.subs.get(sid);
    if (sub !== undefined) {
      if (max > 0 && sub.delivered < max) sub.max = max;
      else this.removeSub(sub);
    }
    if (this.opts.verbose) this.sendOK();
  }

  onPing(): void {
    if (this.closed) return;
    this.trace("<<- [PING]");
    this.trace("->> [PONG]");
    this.outbound.append(PONG);
    if (!this.firstPongSent && this.connectReceived) {
      this.firstPongSent = true;
      // protocol-1 clients learn their account in an INFO right after the first PONG
      if (this.opts.protocol >= 1) this.outbound.append(this.srv.connectInfo(this));
    }
    this.queueFlush();
  }

  onPong(): void {
    this.trace("<<- [PONG]");
    this.liveness.pong();
  }

  onInfo(json: string): void {
    try {
      JSON.parse(json);
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - ${(err as Error).message}`);
      this.close(ClosedReason.ProtocolViolation);
    }
  }

  onClientErr(text: string): void {
    this.srv.logger.error(`${this.logPrefix} - Client Error ${text}`);
    this.close(ClosedReason.ParseError);
  }

  // ---- delivery ----

  /** Removes a subscription from this client and the sublist. */
  removeSub(sub: Subscription): void {
    if (this.subs.get(sub.sid) === sub) this.subs.delete(sub.sid);
    this.srv.sublist.remove(sub);
  }

  /** Queues a MSG/HMSG for this client; returns false if the client could not take it. */
  deliver(
    sub: Subscription,
    subject: string,
    reply: string | null,
    hdrLen: number,
    payload: Buffer,
    producer: Publisher | null = null,
  ): boolean {
    if (this.closed) return false;
    if (sub.max > 0) {
      if (sub.delivered >= sub.max) {
        this.removeSub(sub);
        return false;
      }
      sub.delivered++;
      if (sub.delivered >= sub.max) this.removeSub(sub);
    } else {
      sub.delivered++;
    }
    let body = payload;
    let hdr = hdrLen;
    if (hdrLen >= 0 && !this.opts.headers) {
      body = payload.subarray(hdrLen);
      hdr = -1;
    }
    this.outbound.appendMsg(subject, sub.sid, reply, hdr, body);
    this.lastActivity = coarseClock.now;
    this.outMsgs++;
    this.outBytes += body.length;
    const c = this.srv.counters;
    c.outMsgs++;
    c.outBytes += body.length;
    if (this.srv.logger.traceEnabled) {
      this.trace(`->> ${msgTrace(subject, sub.sid, reply, hdr, body.length)}`);
      this.trace(`->> ${payloadTrace(body)}`);
    }
    const pending = this.outbound.pending + this.socket.writableLength;
    const maxPending = this.srv.options.maxPending;
    if (pending > maxPending) {
      this.slowConsumer(ClosedReason.SlowConsumerPendingBytes, `MaxPending of ${maxPending} Exceeded`);
      return false;
    }
    if (producer instanceof Client && producer !== this && pending > maxPending * STALL_FRACTION) producer.stallOn(this);
    this.queueFlush();
    return true;
  }

  /**
   * Flow control towards a producer whose messages pile up at a subscriber: stop reading from
   * the producer until the subscriber's socket drains, for at most STALL_MAX_MS. A subscriber
   * that keeps not reading still reaches max_pending and is closed as a slow consumer.
   */
  stallOn(target: Client): void {
    if (this.stalled || this.closed) return;
    this.stalled = true;
    this.srv.counters.stalledClients++;
    this.socket.pause();
    const resume = (): void => {
      clearTimeout(timer);
      target.socket.off("drain", resume);
      target.socket.off("close", resume);
      this.stalled = false;
      if (!this.closed) this.socket.resume();
    };
    const timer = setTimeout(resume, STALL_MAX_MS);
    target.socket.once("drain", resume);
    target.socket.once("close", resume);
  }

  sendErr(text: string): void {
    this.outbound.appendString(`-ERR '${text}'\r\n`);
    this.queueFlush();
  }

  sendOK(): void {
    this.outbound.append(OK);
    this.queueFlush();
  }

  /** Sends protocol bytes (async INFO and the like). */
  sendRaw(data: Buffer): void {
    if (this.closed) return;
    this.outbound.append(data);
    this.queueFlush();
  }

  private queueFlush(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.srv.scheduleFlush(this);
    }
  }

  /** Hands buffered bytes to the socket. */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.outbound.pending === 0) return;
    const chunks = this.outbound.take();
    const s = this.socket;
    let ok = true;
    if (chunks.length === 1) {
      ok = s.write(chunks[0]);
    } else {
      s.cork();
      for (const c of chunks) ok = s.write(c);
      s.uncork();
    }
    if (!ok && this.deadlineTimer === null) {
      this.deadlineTimer = setTimeout(() => {
        this.deadlineTimer = null;
        if (this.socket.writableLength > 0) {
          this.slowConsumer(ClosedReason.SlowConsumerWriteDeadline, `WriteDeadline of ${this.srv.options.writeDeadline}ms Exceeded`);
        }
      }, this.srv.options.writeDeadline);
    }
  }

  private clearDeadline(): void {
    if (this.deadlineTimer !== null) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
    }
  }

  private slowConsumer(reason: ClosedReasonText, detail: string): void {
    if (this.closed) return;
    this.srv.counters.slowConsumers++;
    this.srv.logger.info(`${this.logPrefix} - Slow Consumer Detected: ${detail}`);
    this.outbound.discard();
    this.close(reason);
  }

  // ---- closing ----

  /** Closes the connection, sending `-ERR '<errText>'` first when given. */
  close(reason: ClosedReasonText, errText: string | null = null): void {
    if (this.closed) return;
    if (errText !== null) this.outbound.appendString(`-ERR '${errText}'\r\n`);
    const chunks = this.outbound.take();
    this.closed = true;
    this.closeReason = reason;
    this.stop = new Date();
    this.liveness.stop();
    this.clearDeadline();
    for (const sub of this.subs.values()) this.srv.sublist.remove(sub);
    const s = this.socket;
    if (!s.destroyed) {
      if (reason === ClosedReason.SlowConsumerPendingBytes || reason === ClosedReason.SlowConsumerWriteDeadline) {
        s.destroy();
      } else {
        for (const c of chunks) s.write(c);
        s.end();
      }
      // do not wait forever on a peer that does not read
      setTimeout(() => s.destroy(), 1000).unref();
    }
    this.srv.logger.debug(`${this.logPrefix} - Client connection closed: ${reason}`);
    this.srv.clientClosed(this);
  }

  private trace(msg: string): void {
    if (this.srv.logger.traceEnabled) this.srv.logger.trace(`${this.logPrefix} - ${msg}`);
  }
}
