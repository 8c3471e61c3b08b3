// The control operations the server-to-server protocols (routes, gateways, leaf nodes) share:
// PING, PONG, +OK, -ERR, INFO and CONNECT. Each protocol parser reads its own operations (interest,
// messages) first and hands anything else here.

import type { ParseErrorType } from "./framing.js";

/** What a connection does with the shared control operations. */
export interface ControlOpHandler {
  onInfo(json: string): void;
  onConnect(json: string): void;
  onPing(): void;
  onPong(): void;
  /** the -ERR text without its quotes */
  onErr(text: string): void;
}

/**
 * Reads `op` (upper case) with `rest`, the line after it; throws the protocol's parse error for
 * an operation that is none of the shared ones (`line` is the whole control line, for the text).
 */
export function readControlOp(op: string, rest: string, line: string, h: ControlOpHandler, ParseError: ParseErrorType): void {
  switch (op) {
    case "PING": return h.onPing();
    case "PONG": return h.onPong();
    case "+OK": return;
    case "-ERR": return h.onErr(rest.trim().replace(/^'|'$/g, ""));
    case "INFO": return h.onInfo(rest.trim());
    case "CONNECT": return h.onConnect(rest.trim());
    default:
      throw new ParseError(`unknown protocol operation ${JSON.stringify(line.slice(0, 32))}`);
  }
}
