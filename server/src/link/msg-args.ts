// The part of a server-to-server message line between the subject and the sizes, the same for
// RMSG, HMSG and LMSG: nothing, `<reply>`, `+ <reply> <queue>...` or `| <queue>...`.

import type { ParseErrorType, PendingPayload } from "./framing.js";

/** Where the reply and the queue groups of a message being read go. */
export interface MsgRouting {
  reply: string | null;
  queues: readonly string[];
}

/** A message line read, its payload awaited (hdrLen -1 without headers). */
export interface PendingLinkMsg extends MsgRouting, PendingPayload {
  subject: string;
  hdrLen: number;
  size: number;
}

/**
 * Reads args[from, to) into `m` (left as is when the range is empty). With `queueRequired`
 * (gateways) a `+` needs a queue group after the reply and a `|` at least one.
 */
export function readMsgRouting(args: string[], from: number, to: number, m: MsgRouting, queueRequired: boolean, ParseError: ParseErrorType): void {
  const n = to - from;
  if (n <= 0) return;
  const first = args[from];
  if (first === "+") {
    if (n < (queueRequired ? 3 : 2)) throw new ParseError(queueRequired ? "missing reply or queue after +" : "missing reply after +");
    m.reply = args[from + 1];
    m.queues = args.slice(from + 2, to);
  } else if (first === "|") {
    if (queueRequired && n < 2) throw new ParseError("missing queue after |");
    m.queues = args.slice(from + 1, to);
  } else if (n === 1) {
    m.reply = first;
  } else {
    throw new ParseError(`bad message arguments: ${args.join(" ")}`);
  }
}

/** A message line's size (or header size): decimal digits only. */
export function readSize(s: string | undefined, ParseError: ParseErrorType): number {
  if (s === undefined || !/^\d+$/.test(s)) throw new ParseError(`bad size ${String(s)}`);
  return Number(s);
}
