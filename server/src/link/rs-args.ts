// RS+ and RS- as routes and gateways send them: `RS+ <account> <subject> [<queue> <weight>]`,
// `RS- <account> <subject> [<queue>]`.

import type { ParseErrorType } from "./framing.js";

/** What reads a peer's interest in an account's subject (and queue group). */
export interface RemoteInterestHandler {
  onSub(account: string, subject: string, queue: string | null, weight: number): void;
  onUnsub(account: string, subject: string, queue: string | null): void;
}

export function readRSPlus(args: string[], h: RemoteInterestHandler, ParseError: ParseErrorType): void {
  if (args.length !== 2 && args.length !== 4) throw new ParseError(`bad RS+ arguments: ${args.join(" ")}`);
  const weight = args.length === 4 ? Number(args[3]) : 0;
  if (!Number.isInteger(weight) || weight < 0) throw new ParseError(`bad queue weight ${args[3]}`);
  h.onSub(args[0], args[1], args.length === 4 ? args[2] : null, weight);
}

export function readRSMinus(args: string[], h: RemoteInterestHandler, ParseError: ParseErrorType): void {
  if (args.length !== 2 && args.length !== 3) throw new ParseError(`bad RS- arguments: ${args.join(" ")}`);
  h.onUnsub(args[0], args[1], args.length === 3 ? args[2] : null);
}
