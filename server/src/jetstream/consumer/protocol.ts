// The consumer wire formats: ack reply subjects, ack payloads and pull requests.

import { parseGoDuration, UnitError } from "../../config/units.js";

export const ACK_PREFIX = "$JS.ACK.";

/** `$JS.ACK.<stream>.<consumer>.<delivered count>.<stream seq>.<consumer seq>.<ts ns>.<pending>` (v1). */
export function ackSubject(stream: string, consumer: string, dc: number, sseq: number, dseq: number, tsNs: bigint, pending: number): string {
  return `${ACK_PREFIX}${stream}.${consumer}.${dc}.${sseq}.${dseq}.${tsNs}.${pending}`;
}

/** subject[start, end) as a number, as Number() reads it ("" is 0, anything else not a number is NaN). */
function tokenNumber(subject: string, start: number, end: number): number {
  if (end - start > 15) return Number(subject.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = subject.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return Number(subject.slice(start, end));
    n = n * 10 + c;
  }
  return n;
}

/**
 * The delivery count, stream and consumer sequences of a v1 ack subject (its 5th, 6th and 7th
 * tokens), written into `out`; false when the subject has fewer than 9 tokens. Scans the subject
 * once, without split().
 */
export function ackSubjectSeqs(subject: string, out: { dc: number; sseq: number; dseq: number }): boolean {
  let dots = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const n = subject.length;
  for (let i = 0; i < n; i++) {
    if (subject.charCodeAt(i) !== 0x2e) continue;
    dots++;
    if (dots === 4) s4 = i + 1;
    else if (dots === 5) s5 = i + 1;
    else if (dots === 6) s6 = i + 1;
    else if (dots === 7) s7 = i + 1;
    else if (dots === 8) {
      out.dc = tokenNumber(subject, s4, s5 - 1);
      out.sseq = tokenNumber(subject, s5, s6 - 1);
      out.dseq = tokenNumber(subject, s6, s7 - 1);
      return true;
    }
  }
  return false;
}

export interface AckReplyInfo {
  stream: string;
  consumer: string;
  deliveryCount: number;
  streamSeq: number;
  consumerSeq: number;
}

/** Parses a v1 ack subject; null when it is not one. */
export function parseAckSubject(subject: string): AckReplyInfo | null {
  if (!subject.startsWith(ACK_PREFIX)) return null;
  const t = subject.slice(ACK_PREFIX.length).split(".");
  if (t.length !== 7) return null;
  const dc = Number(t[2]);
  const sseq = Number(t[3]);
  const dseq = Number(t[4]);
  if (!Number.isSafeInteger(dc) || !Number.isSafeInteger(sseq) || !Number.isSafeInteger(dseq)) return null;
  return { stream: t[0], consumer: t[1], deliveryCount: dc, streamSeq: sseq, consumerSeq: dseq };
}

export type AckKind =
  | { kind: "ack" }
  | { kind: "nak"; delayNs: bigint }
  | { kind: "progress" }
  | { kind: "term"; reason: string }
  | { kind: "next"; request: Buffer };

const ACK: AckKind = { kind: "ack" };

/** Reads an ack payload: empty/+ACK/+OK, -NAK [delay], +WPI, +TERM [reason], +NXT [request]. */
export function parseAck(data: Buffer): AckKind | null {
  // the usual ones first, without decoding: empty and "+ACK"
  if (data.length === 0) return ACK;
  if (data.length === 4 && data[0] === 0x2b && data[1] === 0x41 && data[2] === 0x43 && data[3] === 0x4b) return ACK;
  const text = data.latin1Slice(0, data.length);
  if (text === "+OK") return ACK;
  if (text.startsWith("-NAK")) {
    const rest = text.slice(4).trim();
    if (rest === "") return { kind: "nak", delayNs: 0n };
    if (rest.startsWith("{")) {
      try {
        const doc = JSON.parse(rest) as { delay?: unknown };
        const d = typeof doc.delay === "number" && doc.delay > 0 ? BigInt(Math.floor(doc.delay)) : 0n;
        return { kind: "nak", delayNs: d };
      } catch {
        return { kind: "nak", delayNs: 0n }; // nats-server treats an unreadable delay as none
      }
    }
    try {
      return { kind: "nak", delayNs: parseGoDuration(rest) };
    } catch (err) {
      if (err instanceof UnitError) return { kind: "nak", delayNs: 0n };
      throw err;
    }
  }
  if (text === "+WPI") return { kind: "progress" };
  if (text.startsWith("+TERM")) return { kind: "term", reason: text.slice(5).trim() };
  if (text.startsWith("+NXT")) return { kind: "next", request: Buffer.from(text.slice(4).trim(), "latin1") };
  if (text.startsWith("+ACK")) return ACK;
  return null;
}

export interface PullRequest {
  batch: number;
  /** 0 = no expiry */
  expiresNs: bigint;
  maxBytes: number;
  noWait: boolean;
  heartbeatNs: bigint;
}

/** A pull request body: empty = batch 1; a number = batch N; else JSON. Error text for 400 replies. */
export function parsePullRequest(data: Buffer): PullRequest | { error: string } {
  const text = data.toString("utf8").trim();
  const req: PullRequest = { batch: 1, expiresNs: 0n, maxBytes: 0, noWait: false, heartbeatNs: 0n };
  if (text === "") return req;
  if (/^\d+$/.test(text)) {
    req.batch = Math.max(1, Number(text));
    return req;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (typeof doc !== "object" || doc === null) return { error: "invalid request" };
  const d = doc as Record<string, unknown>;
  const num = (k: string): number => (typeof d[k] === "number" ? (d[k] as number) : 0);
  req.batch = num("batch") > 0 ? Math.floor(num("batch")) : 1;
  req.expiresNs = num("expires") > 0 ? BigInt(Math.floor(num("expires"))) : 0n;
  req.maxBytes = num("max_bytes") > 0 ? Math.floor(num("max_bytes")) : 0;
  req.noWait = d["no_wait"] === true;
  req.heartbeatNs = num("idle_heartbeat") > 0 ? BigInt(Math.floor(num("idle_heartbeat"))) : 0n;
  if (req.heartbeatNs > 0n && req.heartbeatNs * 2n > req.expiresNs) {
    return { error: "heartbeat value too large" };
  }
  return req;
}
