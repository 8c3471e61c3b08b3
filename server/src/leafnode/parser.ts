// The leafnode protocol parser: control lines (INFO, CONNECT, PING, PONG, +OK, -ERR, LS+, LS-)
// and messages with payloads (LMSG without headers, HMSG with). Unlike routes, leaf lines carry
// no account: a leaf connection is bound to one account on each side. Input may be split
// anywhere across chunks.

import { type ControlOpHandler, readControlOp } from "../link/control-ops.js";
import { type FrameHandler, LineFraming, LinkParseError, PAYLOAD_SLACK } from "../link/framing.js";
import { type PendingLinkMsg, readMsgRouting, readSize } from "../link/msg-args.js";

export interface LeafProtocolHandler extends ControlOpHandler {
  onSub(subject: string, queue: string | null, weight: number): void;
  onUnsub(subject: string, queue: string | null): void;
  /**
   * payload = headers (hdrLen bytes, -1 when none) then body; valid only during the call.
   * `queues` are the queue groups the sender picked this server for (none: plain interest only).
   */
  onMsg(subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
}

export class LeafParseError extends LinkParseError {
  override name = "LeafParseError";
}

const NO_QUEUES: readonly string[] = [];

export class LeafParser implements FrameHandler<PendingLinkMsg> {
  private readonly framing = new LineFraming<PendingLinkMsg>(this, LeafParseError);

  constructor(
    private readonly h: LeafProtocolHandler,
    private readonly maxPayload: number,
  ) {}

  parse(chunk: Buffer): void {
    this.framing.parse(chunk);
  }

  // ---- FrameHandler ----

  controlLine(b: Buffer, start: number, end: number): void {
    this.line(b.toString("latin1", start, end));
  }

  payload(m: PendingLinkMsg, payload: Buffer): void {
    this.h.onMsg(m.subject, m.reply, m.queues, m.hdrLen, payload);
  }

  private line(line: string): void {
    const sp = line.search(/[ \t]/);
    const op = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const rest = sp < 0 ? "" : line.slice(sp + 1).trim();
    const args = rest === "" ? [] : rest.split(/[ \t]+/);
    switch (op) {
      case "LS+": return this.sub(args);
      case "LS-": return this.unsub(args);
      case "LMSG": return this.startMsg(args, false);
      case "HMSG": return this.startMsg(args, true);
      default: return readControlOp(op, rest, line, this.h, LeafParseError);
    }
  }

  private sub(args: string[]): void {
    if (args.length !== 1 && args.length !== 3) throw new LeafParseError(`bad LS+ arguments: ${args.join(" ")}`);
    // a queue weight that does not parse counts as 1 (nats-server does not refuse it)
    const w = args.length === 3 ? Number(args[2]) : 0;
    const weight = args.length === 3 && (!Number.isInteger(w) || w < 1) ? 1 : w;
    this.h.onSub(args[0], args.length === 3 ? args[1] : null, weight);
  }

  private unsub(args: string[]): void {
    if (args.length !== 1 && args.length !== 2) throw new LeafParseError(`bad LS- arguments: ${args.join(" ")}`);
    this.h.onUnsub(args[0], args.length === 2 ? args[1] : null);
  }

  private startMsg(args: string[], headers: boolean): void {
    const sizes = headers ? 2 : 1;
    if (args.length < 1 + sizes) throw new LeafParseError(`bad message arguments: ${args.join(" ")}`);
    const size = readSize(args[args.length - 1], LeafParseError);
    const hdrLen = headers ? readSize(args[args.length - 2], LeafParseError) : -1;
    if (hdrLen > size) throw new LeafParseError("header size larger than message size");
    if (size > this.maxPayload + PAYLOAD_SLACK) throw new LeafParseError("message payload too large");
    const m: PendingLinkMsg = { subject: args[0], reply: null, queues: NO_QUEUES, hdrLen, size };
    readMsgRouting(args, 1, args.length - sizes, m, false, LeafParseError);
    this.framing.expectPayload(m);
  }
}
