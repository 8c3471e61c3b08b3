// The route protocol parser: control lines (INFO, CONNECT, PING, PONG, -ERR, +OK, RS+/RS-, LS+/LS-)
// and messages with payloads (RMSG, HMSG, LMSG). Input may be split anywhere across chunks
// (link/framing.ts cuts it into lines and payloads).

import { type ControlOpHandler, readControlOp } from "../link/control-ops.js";
import { type FrameHandler, LineFraming, LinkParseError, PAYLOAD_SLACK } from "../link/framing.js";
import { type PendingLinkMsg, readMsgRouting } from "../link/msg-args.js";
import { readRSMinus, readRSPlus } from "../link/rs-args.js";

export interface RouteProtocolHandler extends ControlOpHandler {
  onSub(account: string, subject: string, queue: string | null, weight: number): void;
  onUnsub(account: string, subject: string, queue: string | null): void;
  /** payload = headers (hdrLen bytes, -1 when none) then body; valid only during the call */
  onMsg(account: string, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
}

export class RouteParseError extends LinkParseError {
  override name = "RouteParseError";
}

const NO_QUEUES: readonly string[] = [];

/** a message line read on a route or gateway: with its account */
interface PendingMsg extends PendingLinkMsg {
  account: string;
}

export class RouteParser implements FrameHandler<PendingMsg> {
  private readonly framing = new LineFraming<PendingMsg>(this, RouteParseError);
  /** token boundaries of the message line being read (plainRMSG) */
  private readonly cuts = new Int32Array(8);

  constructor(
    private readonly h: RouteProtocolHandler,
    private readonly maxPayload: number,
  ) {}

  parse(chunk: Buffer): void {
    this.framing.parse(chunk);
  }

  // ---- FrameHandler ----

  controlLine(b: Buffer, start: number, end: number): void {
    // the common message, `RMSG <account> <subject> [<reply>] <size>`, read from the bytes
    if (b[start] === 0x52 && b[start + 1] === 0x4d && b[start + 2] === 0x53 && b[start + 3] === 0x47 && b[start + 4] === 0x20) {
      if (this.plainRMSG(b, start + 5, end)) return;
    }
    this.line(b.toString("latin1", start, end));
  }

  payload(m: PendingMsg, payload: Buffer): void {
    this.h.onMsg(m.account, m.subject, m.reply, m.queues, m.hdrLen, payload);
  }

  /**
   * RMSG arguments without queue groups, separated by single spaces; false (nothing consumed) for
   * anything else, which the general path then reads.
   */
  private plainRMSG(b: Buffer, from: number, end: number): boolean {
    const cuts = this.cuts;
    let n = 0;
    let tokenStart = from;
    for (let i = from; i <= end; i++) {
      const c = i === end ? 0x20 : b[i];
      if (c === 0x09) return false;
      if (c !== 0x20) continue;
      if (i === tokenStart || n === 4) return false;
      cuts[n * 2] = tokenStart;
      cuts[n * 2 + 1] = i;
      n++;
      tokenStart = i + 1;
    }
    if (n !== 3 && n !== 4) return false;
    // `+`/`|` markers (queue groups) go the general way
    if (n === 4 && cuts[5] - cuts[4] === 1 && (b[cuts[4]] === 0x2b || b[cuts[4]] === 0x7c)) return false;
    let size = 0;
    const sizeFrom = cuts[(n - 1) * 2];
    const sizeTo = cuts[(n - 1) * 2 + 1];
    if (sizeTo - sizeFrom > 15) return false;
    for (let i = sizeFrom; i < sizeTo; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) return false;
      size = size * 10 + d;
    }
    if (size > this.maxPayload + PAYLOAD_SLACK) throw new RouteParseError("message payload too large");
    const account = cuts[1] - cuts[0] === 2 && b[cuts[0]] === 0x24 && b[cuts[0] + 1] === 0x47 ? "$G" : b.toString("latin1", cuts[0], cuts[1]);
    const subject = b.toString("latin1", cuts[2], cuts[3]);
    const reply = n === 4 ? b.toString("latin1", cuts[4], cuts[5]) : null;
    this.framing.expectPayload({ account, subject, reply, queues: NO_QUEUES, hdrLen: -1, size });
    return true;
  }

  private line(line: string): void {
    let sp = line.indexOf(" ");
    const tab = line.indexOf("\t");
    if (tab >= 0 && (sp < 0 || tab < sp)) sp = tab;
    const word = sp < 0 ? line : line.slice(0, sp);
    // messages come in upper case; anything else is normalised
    const op = word === "RMSG" || word === "HMSG" ? word : word.toUpperCase();
    const rest = sp < 0 ? "" : line.slice(sp + 1);
    const args = splitArgs(rest);
    switch (op) {
      case "RS+": return readRSPlus(args, this.h, RouteParseError);
      case "LS+": return readRSPlus(args.slice(1), this.h, RouteParseError);
      case "RS-": return readRSMinus(args, this.h, RouteParseError);
      // the origin cluster is in LS- only for peers that advertise lnocu (natsts does not)
      case "LS-": return readRSMinus(args, this.h, RouteParseError);
      case "RMSG": return this.startMsg(args, false);
      case "HMSG": return this.startMsg(args, true);
      // LMSG always carries a header size (0 when there are no headers)
      case "LMSG": return this.startMsg(args.slice(1), true);
      default: return readControlOp(op, rest, line, this.h, RouteParseError);
    }
  }

  private startMsg(args: string[], headers: boolean): void {
    const sizes = headers ? 2 : 1;
    if (args.length < 2 + sizes) throw new RouteParseError(`bad message arguments: ${args.join(" ")}`);
    const size = toSize(args[args.length - 1]);
    const hdrLen = headers ? toSize(args[args.length - 2]) : -1;
    if (hdrLen > size) throw new RouteParseError("header size larger than message size");
    if (size > this.maxPayload + PAYLOAD_SLACK) throw new RouteParseError("message payload too large");
    // LMSG header size 0 means no headers
    const m: PendingMsg = { account: args[0], subject: args[1], reply: null, queues: NO_QUEUES, hdrLen: headers && hdrLen > 0 ? hdrLen : -1, size };
    readMsgRouting(args, 2, args.length - sizes, m, false, RouteParseError);
    this.framing.expectPayload(m);
  }
}

/** The space- or tab-separated words of a control line's arguments (no regular expression: hot path). */
function splitArgs(rest: string): string[] {
  const out: string[] = [];
  const n = rest.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = rest.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      if (start >= 0) {
        out.push(rest.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(rest.slice(start));
  return out;
}

function toSize(s: string | undefined): number {
  if (s === undefined || s.length === 0 || s.length > 15) throw new RouteParseError(`bad size ${String(s)}`);
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new RouteParseError(`bad size ${s}`);
    v = v * 10 + d;
  }
  return v;
}
