// The gateway protocol parser: control lines (INFO, CONNECT, PING, PONG, +OK, -ERR, RS+/RS-,
// A+/A-) and messages with payloads (RMSG, HMSG). Input may be split anywhere across chunks.

import { type ControlOpHandler, readControlOp } from "../link/control-ops.js";
import { type FrameHandler, LineFraming, LinkParseError, PAYLOAD_SLACK } from "../link/framing.js";
import { type PendingLinkMsg, readMsgRouting, readSize } from "../link/msg-args.js";
import { readRSMinus, readRSPlus } from "../link/rs-args.js";

export interface GatewayProtocolHandler extends ControlOpHandler {
  onSub(account: string, subject: string, queue: string | null, weight: number): void;
  onUnsub(account: string, subject: string, queue: string | null): void;
  /** A+ (interest in the account again) or A- (no interest at all in the account) */
  onAccount(account: string, interested: boolean): void;
  /** payload = headers (hdrLen bytes, -1 when none) then body; valid only during the call */
  onMsg(account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
}

export class GatewayParseError extends LinkParseError {
  override name = "GatewayParseError";
}

const NO_QUEUES: readonly string[] = [];

/** a message line read on a route or gateway: with its account */
interface PendingMsg extends PendingLinkMsg {
  account: string;
}

export class GatewayParser implements FrameHandler<PendingMsg> {
  private readonly framing = new LineFraming<PendingMsg>(this, GatewayParseError);

  constructor(
    private readonly h: GatewayProtocolHandler,
    private readonly maxPayload: number,
  ) {}

  parse(chunk: Buffer): void {
    this.framing.parse(chunk);
  }

  // ---- FrameHandler ----

  controlLine(b: Buffer, start: number, end: number): void {
    this.line(b.toString("latin1", start, end));
  }

  payload(m: PendingMsg, payload: Buffer): void {
    this.h.onMsg(m.account, m.subject, m.reply, m.queues, m.hdrLen, payload);
  }

  private line(line: string): void {
    const sp = line.indexOf(" ");
    const op = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const rest = sp < 0 ? "" : line.slice(sp + 1).trim();
    const args = rest === "" ? [] : rest.split(/[ \t]+/);
    switch (op) {
      case "RS+": return readRSPlus(args, this.h, GatewayParseError);
      case "RS-": return readRSMinus(args, this.h, GatewayParseError);
      case "A+": case "A-":
        if (args.length !== 1) throw new GatewayParseError(`bad ${op} arguments: ${rest}`);
        return this.h.onAccount(args[0], op === "A+");
      case "RMSG": return this.startMsg(args, false);
      case "HMSG": return this.startMsg(args, true);
      default: return readControlOp(op, rest, line, this.h, GatewayParseError);
    }
  }

  private startMsg(args: string[], headers: boolean): void {
    const sizes = headers ? 2 : 1;
    if (args.length < 2 + sizes) throw new GatewayParseError(`bad message arguments: ${args.join(" ")}`);
    const size = readSize(args[args.length - 1], GatewayParseError);
    const hdrLen = headers ? readSize(args[args.length - 2], GatewayParseError) : -1;
    if (hdrLen > size) throw new GatewayParseError("header size larger than message size");
    if (size > this.maxPayload + PAYLOAD_SLACK) throw new GatewayParseError("message payload too large");
    const m: PendingMsg = { account: args[0], subject: args[1], reply: null, queues: NO_QUEUES, hdrLen, size };
    readMsgRouting(args, 2, args.length - sizes, m, true, GatewayParseError);
    this.framing.expectPayload(m);
  }
}
