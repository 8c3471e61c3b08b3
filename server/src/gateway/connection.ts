// One gateway connection to a server of another cluster. An outbound connection (dialed here)
// carries this server's messages to the remote cluster and brings back the remote's interest;
// an inbound one (accepted) brings the remote's messages and carries this cluster's interest.
// Handshake: the accepting side sends INFO; the dialer answers CONNECT then its own INFO.

import type { RouteSocket } from "../cluster/transport.js";
import type { Publisher, Subscription } from "../client/subscription.js";
import type { LinkParseError } from "../link/framing.js";
import { LinkConnection } from "../link/link-connection.js";
import type { LinkLimits } from "../link/limits.js";
import { GLOBAL, msgLine } from "../link/msg-line.js";
import type { Logger } from "../logger.js";
import { OutboundInterest } from "./interest.js";
import { GatewayParser, type GatewayProtocolHandler } from "./parser.js";

/** What a gateway INFO carries that natsts uses. */
export interface GatewayInfo {
  server_id?: string;
  server_name?: string;
  gateway?: string;
  gateway_urls?: string[];
  gateway_url?: string;
  gateway_nrp?: boolean;
  gateway_iom?: boolean;
  gateway_cmd?: number;
  /** base64 of the account name (gateway_cmd 2 and 3) */
  gateway_cmd_payload?: string;
  auth_required?: boolean;
  host?: string;
  port?: number;
}

export interface GatewayConnect {
  name?: string;
  gateway?: string;
  user?: string;
  pass?: string;
}

export interface Refusal {
  /** the -ERR text sent to the peer */
  readonly text: string;
  /** the closed-connection reason */
  readonly reason: string;
}

/** What a gateway connection needs from the gateway manager. */
export interface GatewayHost {
  readonly logger: Logger;
  /** the settings gateway connections run with */
  readonly limits: LinkLimits;
  /** the INFO this server sends on gateway connections */
  gatewayInfo(): Buffer;
  /** CONNECT for an outbound connection */
  connectLine(g: Gateway): Buffer;
  /** CONNECT on an inbound connection: registers it; returns the -ERR text and close reason to refuse it */
  inboundConnect(g: Gateway, c: GatewayConnect): Refusal | null;
  /** the first INFO on an outbound connection: returns false when refused (and closed) */
  outboundInfo(g: Gateway, info: GatewayInfo): boolean;
  /** any later INFO (gossip, interest-mode commands, the inbound peer's INFO) */
  laterInfo(g: Gateway, info: GatewayInfo): void;
  /** interest from the remote changed (outbound connections) */
  interestChanged(g: Gateway): void;
  /** a message from the remote cluster (inbound connections) */
  message(g: Gateway, account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
  closed(g: Gateway, reason: string): void;
}

export class Gateway extends LinkConnection implements GatewayProtocolHandler, Publisher {
  readonly kind = "gateway";
  readonly opts = { echo: true, noResponders: false };
  /** remote gateway (cluster) name */
  remoteName = "";
  remoteId = "";
  remoteServerName = "";
  /** host:port URLs of the remote cluster's gateway listeners, as the remote told */
  remoteURLs: string[] = [];
  registered = false;
  /** the URL dialed (outbound) */
  dialedURL = "";
  onClosed: (() => void) | null = null;
  closeReason = "";
  /** the remote's interest in the global account (outbound connections) */
  interest = new OutboundInterest(false);
  /** accounts the remote was told this cluster has no interest in (A-), inbound connections */
  readonly accountsRefused = new Set<string>();
  /** the remote takes `_GR_.` replies (gateway_nrp) */
  newReplyPrefix = true;
  protected readonly parser: GatewayParser;
  private connectSeen = false;
  private infoSeen = false;

  constructor(
    cid: number,
    socket: RouteSocket,
    /** true when this server dialed the connection (outbound) */
    readonly outbound: boolean,
    private readonly srv: GatewayHost,
  ) {
    super(cid, socket, socket.remoteAddress ?? "", srv.limits, "Gateway", "gid");
    this.parser = new GatewayParser(this, srv.limits.maxPayload);
  }

  begin(): void {
    this.readPeer();
    if (!this.outbound) this.send(this.srv.gatewayInfo());
    this.link.startHandshakeTimer(() => {
      if (!this.registered) {
        this.srv.logger.error(`${this.logPrefix} - Gateway handshake timeout`);
        this.close("Authentication Timeout");
      }
    });
  }

  protected parseFailed(err: LinkParseError): void {
    this.srv.logger.error(`${this.logPrefix} - Gateway parser ERROR: ${err.message}`);
    // before the handshake anything but CONNECT is an authorization violation (as nats-server)
    if (!this.registered && !this.outbound) this.closeWithErr("Authorization Violation", "Authentication Failure");
    else this.closeWithErr("Unknown Protocol Operation", "Parse Error");
  }

  /** Inbound connections talk only after CONNECT; outbound ones only after the remote's INFO. */
  private ready(op: string): boolean {
    if (this.outbound ? this.infoSeen : this.connectSeen) return true;
    this.srv.logger.error(`${this.logPrefix} - ${op} before the gateway handshake`);
    this.closeWithErr("Authorization Violation", "Authentication Failure");
    return false;
  }

  // ---- GatewayProtocolHandler ----

  onConnect(json: string): void {
    this.trace(`<<- [CONNECT ${redact(json)}]`);
    if (this.outbound || this.connectSeen) return;
    let c: GatewayConnect;
    try {
      const v: unknown = JSON.parse(json);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("CONNECT is not an object");
      for (const k of ["name", "gateway", "user", "pass"]) {
        const f = (v as Record<string, unknown>)[k];
        if (f !== undefined && typeof f !== "string") throw new Error(`bad ${k}`);
      }
      c = v as GatewayConnect;
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - bad gateway CONNECT: ${(err as Error).message}`);
      this.closeWithErr("Protocol Violation", "Protocol Violation");
      return;
    }
    const refused = this.srv.inboundConnect(this, c);
    if (refused !== null) {
      this.closeWithErr(refused.text, refused.reason);
      return;
    }
    this.connectSeen = true;
    this.registered = true;
    this.link.handshakeDone();
    this.link.sendPing();
  }

  onInfo(json: string): void {
    this.trace(`<<- [INFO ${json}]`);
    if (!this.outbound && !this.ready("INFO")) return;
    let info: GatewayInfo;
    try {
      const v: unknown = JSON.parse(json);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("INFO is not an object");
      const bad = badInfoField(v as Record<string, unknown>);
      if (bad !== null) throw new Error(`bad ${bad}`);
      info = v as GatewayInfo;
    } catch (err) {
      this.srv.logger.error(`${this.logPrefix} - bad gateway INFO: ${(err as Error).message}`);
      this.close("Protocol Violation");
      return;
    }
    if (this.outbound && !this.infoSeen) {
      this.infoSeen = true;
      if (typeof info.server_id !== "string" || typeof info.gateway !== "string") {
        this.srv.logger.error(`${this.logPrefix} - gateway INFO without server_id or gateway name`);
        this.close("Protocol Violation");
        return;
      }
      this.link.handshakeDone();
      if (this.srv.outboundInfo(this, info)) {
        this.registered = true;
        this.link.sendPing();
      }
      return;
    }
    this.srv.laterInfo(this, info);
  }

  onErr(text: string): void {
    this.srv.logger.error(`${this.logPrefix} - Gateway Error '${text}'`);
    this.close("Parse Error");
  }

  onSub(account: string, subject: string, queue: string | null, weight: number): void {
    this.trace(`<<- [RS+ ${account} ${subject}${queue !== null ? ` ${queue} ${weight}` : ""}]`);
    if (!this.ready("RS+") || account !== GLOBAL || !this.outbound) return;
    this.interest.sub(subject, queue);
    this.srv.interestChanged(this);
  }

  onUnsub(account: string, subject: string, queue: string | null): void {
    this.trace(`<<- [RS- ${account} ${subject}${queue !== null ? ` ${queue}` : ""}]`);
    if (!this.ready("RS-") || account !== GLOBAL || !this.outbound) return;
    this.interest.unsub(subject, queue);
    this.srv.interestChanged(this);
  }

  onAccount(account: string, interested: boolean): void {
    this.trace(`<<- [${interested ? "A+" : "A-"} ${account}]`);
    if (!this.ready(interested ? "A+" : "A-") || account !== GLOBAL || !this.outbound) return;
    this.interest.account(interested);
    this.srv.interestChanged(this);
  }

  onMsg(account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.srv.logger.traceEnabled) {
      this.trace(`<<- [${hdrLen >= 0 ? "HMSG" : "RMSG"} ${account} ${subject}${reply !== null ? ` ${reply}` : ""}${queues.length > 0 ? ` ${queues.join(" ")}` : ""} ${payload.length}]`);
    }
    if (!this.ready("RMSG")) return;
    this.inMsgs++;
    this.inBytes += payload.length;
    this.srv.message(this, account, subject, reply, queues, hdrLen, payload);
  }

  // ---- Publisher (gateway messages are published locally with the gateway as the producer) ----

  deliver(_sub: Subscription): boolean {
    return false;
  }

  // ---- outbound ----

  /** RMSG/HMSG to the remote; `queues` are the queue groups the remote cluster is picked for. */
  sendMsg(subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void {
    if (this.closed) return;
    const line = msgLine(subject, reply, queues, hdrLen, payload.length);
    if (this.srv.logger.traceEnabled) this.trace(`->> [${line.slice(0, -2)}]`);
    this.outMsgs++;
    this.outBytes += payload.length;
    if (this.link.appendMsg(line, payload)) this.link.queueFlush();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.link.close();
    this.closeReason = reason;
    this.srv.closed(this, reason);
  }
}

const INFO_STRINGS = ["server_id", "server_name", "gateway", "gateway_url", "gateway_cmd_payload", "host"];
const INFO_BOOLEANS = ["gateway_nrp", "gateway_iom", "auth_required"];

/** The first INFO field natsts reads that has the wrong type, or null. */
function badInfoField(v: Record<string, unknown>): string | null {
  for (const k of INFO_STRINGS) if (v[k] !== undefined && typeof v[k] !== "string") return k;
  for (const k of INFO_BOOLEANS) if (v[k] !== undefined && typeof v[k] !== "boolean") return k;
  for (const k of ["gateway_cmd", "port"]) if (v[k] !== undefined && typeof v[k] !== "number") return k;
  const urls = v.gateway_urls;
  if (urls !== undefined && urls !== null && (!Array.isArray(urls) || urls.some((u) => typeof u !== "string"))) return "gateway_urls";
  return null;
}

/** CONNECT JSON with the password hidden, for traces. */
function redact(json: string): string {
  return json.replace(/("pass"\s*:\s*")[^"]*"/, '$1[REDACTED]"');
}
