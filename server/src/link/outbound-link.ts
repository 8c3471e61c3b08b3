// The outbound side shared by the server-to-server connections (routes, gateways, leaf nodes):
// bytes buffered and written once per event-loop turn (corked), the slow-consumer limit, PINGs
// with stale-connection detection and RTT, the handshake timer, traces, and the socket's end.
// Each connection kind owns one and keeps its protocol (ops, texts, close reasons) to itself.

import { Outbound } from "../client/outbound.js";
import type { RouteSocket } from "../cluster/transport.js";
import type { Logger } from "../logger.js";

const PING = Buffer.from("PING\r\n");
const PONG = Buffer.from("PONG\r\n");
const CRLF = Buffer.from("\r\n");

/** The server settings a link works with (the route, gateway and leafnode hosts all have them). */
export interface LinkSettings {
  readonly logger: Logger;
  /** outbound bytes a connection may have queued before it is closed as a slow consumer */
  readonly maxPending: number;
  readonly pingInterval: number;
  readonly pingMax: number;
  readonly authTimeout: number;
}

/** The connection a link serves. */
export interface LinkOwner {
  readonly logPrefix: string;
  close(reason: string): void;
  /** called before anything is queued or written: the connection adds what it holds back first */
  release?(): void;
}

export class OutboundLink {
  closed = false;
  /** ms of the last PING/PONG round trip (0 until one was measured) */
  rtt = 0;
  /** set while close() runs its last flush */
  private closing = false;
  private readonly out = new Outbound();
  private flushScheduled = false;
  private pingsOut = 0;
  private pingSentAt = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private readonly flushLater = (): void => this.flush();

  constructor(
    private readonly socket: RouteSocket,
    private readonly owner: LinkOwner,
    private readonly settings: LinkSettings,
    /** the connection kind in log texts: Route, Gateway, Leafnode */
    private readonly kindName: string,
  ) {}

  /** Starts reading: chunks go to `read`; a socket error or close closes the connection. */
  listen(read: (chunk: Buffer) => void): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.on("data", read);
    s.on("error", (err: Error) => {
      this.settings.logger.debug(`${this.owner.logPrefix} - ${this.kindName} connection error: ${err.message}`);
      this.owner.close("Read Error");
    });
    s.on("close", () => this.owner.close("Client Closed"));
  }

  /** Runs `expired` if the handshake is not over (handshakeDone) within the auth timeout (2s at least). */
  startHandshakeTimer(expired: () => void): void {
    this.handshakeTimer = setTimeout(expired, Math.max(this.settings.authTimeout, 2000));
  }

  handshakeDone(): void {
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  trace(msg: string): void {
    if (this.settings.logger.traceEnabled) this.settings.logger.trace(`${this.owner.logPrefix} - ${msg}`);
  }

  // ---- outbound bytes ----

  /** Protocol lines (each ending in CRLF), traced one by one. */
  sendText(s: string): void {
    if (this.closed) return;
    this.owner.release?.();
    if (this.settings.logger.traceEnabled) for (const l of s.split("\r\n")) if (l !== "") this.trace(`->> [${l}]`);
    this.out.appendString(s);
    this.queueFlush();
  }

  send(b: Buffer): void {
    if (this.closed) return;
    this.owner.release?.();
    this.out.append(b);
    this.queueFlush();
  }

  /** Written at once: a last -ERR before the connection closes. */
  sendNow(b: Buffer): void {
    if (this.closed) return;
    this.owner.release?.();
    this.out.append(b);
    this.flush();
  }

  /**
   * A message: its control line (with CRLF), payload and CRLF, to be flushed by the caller
   * (queueFlush). False when that went over max_pending: the connection is then closed as a slow consumer.
   */
  appendMsg(line: string, payload: Buffer): boolean {
    this.out.appendString(line);
    this.out.append(payload);
    this.out.append(CRLF);
    if (this.pending > this.settings.maxPending) {
      this.settings.logger.info(`${this.owner.logPrefix} - Slow Consumer Detected: MaxPending of ${this.settings.maxPending} Exceeded`);
      this.out.discard();
      // while the connection is already closing (its last flush), the reason it closes for stands
      if (!this.closing) this.owner.close("Slow Consumer (Pending Bytes)");
      return false;
    }
    return true;
  }

  /** bytes queued here and in the socket */
  get pending(): number {
    return this.out.pending + this.socket.writableLength;
  }

  /** Writes what is buffered once this event-loop turn is over. */
  queueFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushLater);
  }

  flush(): void {
    this.flushScheduled = false;
    this.owner.release?.();
    if (this.closed || this.out.pending === 0) return;
    const chunks = this.out.take();
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  // ---- liveness ----

  /** A PING now and every ping interval; the connection is closed once ping_max of them went unanswered. */
  sendPing(): void {
    if (this.closed) return;
    if (this.pingsOut >= this.settings.pingMax) {
      this.settings.logger.debug(`${this.owner.logPrefix} - Stale ${this.kindName} Connection - Closing`);
      this.owner.close("Stale Connection");
      return;
    }
    this.pingsOut++;
    this.pingSentAt = performance.now();
    this.send(PING);
    this.pingTimer = setTimeout(() => this.sendPing(), this.settings.pingInterval);
    this.pingTimer.unref();
  }

  /** The peer's PING: answered with a PONG. */
  receivedPing(): void {
    this.trace("<<- [PING]");
    this.send(PONG);
  }

  /** The peer's PONG: no ping is outstanding any more; `rtt` is measured when it answers ours. */
  receivedPong(): void {
    this.trace("<<- [PONG]");
    this.pingsOut = 0;
    if (this.pingSentAt !== 0) this.rtt = performance.now() - this.pingSentAt;
    this.pingSentAt = 0;
  }

  /** Flushes what is buffered, stops the timers and ends the socket (destroyed a second later). */
  close(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.flush();
    this.closed = true;
    for (const t of [this.pingTimer, this.handshakeTimer]) if (t !== null) clearTimeout(t);
    const s = this.socket;
    if (!s.destroyed) {
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    }
  }
}
