// Builders of the raw protocol text the differential cases send and expect.

import type { Case, ProfileName } from "./types.js";

const CRLF = "\r\n";

/** `CONNECT <json>\r\n` with the fields in the given order. */
export function connect(fields: Readonly<Record<string, unknown>>): string {
  return `CONNECT ${JSON.stringify(fields)}${CRLF}`;
}

/** `PUB subject [reply] <n>\r\n<payload>\r\n` */
export function pub(subject: string, payload: string, reply?: string): string {
  const n = Buffer.byteLength(payload, "latin1");
  return `PUB ${subject}${reply === undefined ? "" : ` ${reply}`} ${n}${CRLF}${payload}${CRLF}`;
}

/** A header block: `NATS/1.0[ status]\r\n(Key: Value\r\n)*\r\n` */
export function headers(lines: readonly string[], status = ""): string {
  return `NATS/1.0${status === "" ? "" : ` ${status}`}${CRLF}${lines.map((l) => l + CRLF).join("")}${CRLF}`;
}

/** `HPUB subject [reply] <hdr> <total>\r\n<hdr><payload>\r\n` */
export function hpub(subject: string, hdr: string, payload: string, reply?: string): string {
  const h = Buffer.byteLength(hdr, "latin1");
  const t = h + Buffer.byteLength(payload, "latin1");
  return `HPUB ${subject}${reply === undefined ? "" : ` ${reply}`} ${h} ${t}${CRLF}${hdr}${payload}${CRLF}`;
}

export const PING = `PING${CRLF}`;
/** Typical quiet client: no +OK, no subject checks. */
export const CONN = connect({ verbose: false, pedantic: false });
/** Quiet client with headers and no_responders (what nats.js / nats.go send, minus protocol). */
export const CONN_H = connect({ verbose: false, pedantic: false, headers: true, no_responders: true });

export const ERR_UNKNOWN = "-ERR 'Unknown Protocol Operation'\r\n";
export const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";
export const ERR_SUBJECT = "-ERR 'Invalid Subject'\r\n";
export const ERR_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";
export const ERR_MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
export const ERR_CONTROL_LINE = "-ERR 'maximum control line exceeded'\r\n";
export const OK = "+OK\r\n";
export const PONG = "PONG\r\n";

export function repeat(s: string, n: number): string {
  return s.repeat(n);
}

// Cases that must be answered by a protocol error and a close: one send, wait for the close.
export function closing(name: string, send: string, err: string | null, profile: ProfileName = "default", prefix = CONN): Case {
  return {
    name,
    profile,
    steps: [{ send: prefix + send, wait: "close" }],
    ref: err === null ? { closed: true, absent: ["-ERR", "PONG"] } : { contains: [err], closed: true },
  };
}
