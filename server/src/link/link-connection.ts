// What every server-to-server connection (route, gateway, leaf node) has alike: the peer's
// address, start and activity times, message counters, the outbound link (link/outbound-link.ts)
// with its PING/PONG answers and round trip, and the plain ways out (protocol text, bytes, a last
// -ERR). Each kind extends it once and keeps its handshake, protocol texts, interest and message
// handling, and its close, to itself.

import type { RouteSocket } from "../cluster/transport.js";
import { ioPhase } from "../io-phase.js";
import { LinkParseError } from "./framing.js";
import { type LinkOwner, type LinkSettings, OutboundLink } from "./outbound-link.js";

/** The peer's address as logs and monitoring show it: an IPv4-mapped IPv6 address without its prefix. */
export function shownHost(host: string): string {
  return host.startsWith("::ffff:") ? host.slice(7) : host;
}

export abstract class LinkConnection implements LinkOwner {
  readonly start = new Date();
  lastActivity = Date.now();
  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  readonly port: number;
  protected readonly link: OutboundLink;

  constructor(
    readonly cid: number,
    readonly socket: RouteSocket,
    /** the peer's address (as the connection kind keeps it) */
    readonly host: string,
    settings: LinkSettings,
    /** the connection kind in log texts: Route, Gateway, Leafnode */
    kindName: string,
    /** the id's tag in log prefixes: rid, gid, lid */
    private readonly idTag: string,
  ) {
    this.port = socket.remotePort ?? 0;
    this.link = new OutboundLink(socket, this, settings, kindName);
  }

  /** the kind's protocol parser, fed every byte the peer sends */
  protected abstract readonly parser: { parse(chunk: Buffer): void };

  /** Closes the connection: the kind's bookkeeping, then link.close(). */
  abstract close(reason: string): void;

  /** The peer's bytes broke the protocol: the kind logs it and closes as nats-server does. */
  protected abstract parseFailed(err: LinkParseError): void;

  /** Starts reading the peer's bytes into the parser. */
  protected readPeer(): void {
    this.link.listen((chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    // clients given messages from this read are flushed once the I/O phase is over (batched)
    ioPhase.reading++;
    try {
      this.parser.parse(chunk);
    } catch (err) {
      if (!(err instanceof LinkParseError)) throw err;
      this.parseFailed(err);
    } finally {
      ioPhase.reading--;
    }
  }

  get closed(): boolean {
    return this.link.closed;
  }

  get logPrefix(): string {
    return `${shownHost(this.host)}:${this.port} - ${this.idTag}:${this.cid}`;
  }

  /** ms of the last PING/PONG round trip (0 until one was measured) */
  get rtt(): number {
    return this.link.rtt;
  }

  onPing(): void {
    this.link.receivedPing();
  }

  onPong(): void {
    this.link.receivedPong();
  }

  /** Protocol lines (each ending in CRLF). */
  sendText(s: string): void {
    this.link.sendText(s);
  }

  send(b: Buffer): void {
    this.link.send(b);
  }

  /** Written at once: a last -ERR before the connection closes. */
  protected sendNow(b: Buffer): void {
    this.link.sendNow(b);
  }

  /** A last -ERR to the peer (written at once), then the connection closes for `reason`. */
  protected closeWithErr(text: string, reason: string): void {
    this.sendNow(Buffer.from(`-ERR '${text}'\r\n`));
    this.close(reason);
  }

  /** bytes queued for the peer */
  get pending(): number {
    return this.link.pending;
  }

  protected trace(msg: string): void {
    this.link.trace(msg);
  }
}
