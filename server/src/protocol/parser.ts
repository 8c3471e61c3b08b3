// The client-protocol parser: a state machine over Buffers. Control lines are found with
// indexOf('\n'); payloads are handed on as zero-copy slices of the socket's chunk whenever the
// whole message sits in one chunk, and assembled into one Buffer only when it spans chunks.
// Op names are checked byte by byte, so garbage fails at once, as nats-server does.

import { ERR_AUTH_VIOLATION, ERR_MAX_CONTROL_LINE, ERR_MAX_PAYLOAD, ERR_UNKNOWN_OP } from "./errors.js";

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** What the parser tells its connection. All strings are latin1 views of the wire bytes. */
export interface ClientProtocolHandler {
  onConnect(json: string): void;
  /**
   * hdrLen is -1 for PUB; src[start..end) holds headers + body (without the trailing CRLF). The
   * bytes are a view of the read buffer: valid during the call only, unless copied.
   */
  onPub(subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): void;
  onSub(subject: string, queue: string | null, sid: string): void;
  onUnsub(sid: string, max: number): void;
  onPing(): void;
  onPong(): void;
  onInfo(json: string): void;
  /** -ERR from a client: nats-server closes the connection */
  onClientErr(text: string): void;
  /** true while CONNECT is required before anything else (auth configured, not yet connected) */
  connectRequired(): boolean;
  /** whether HPUB is allowed (headers negotiated) */
  headersEnabled(): boolean;
  maxPayload(): number;
  maxControlLine(): number;
}

export type ParseFailureKind = "auth-violation" | "unknown-op" | "bad-args" | "max-payload" | "max-control-line" | "headers-not-supported";

/** A failure that ends the connection. `errText` is the -ERR text to send first, if any. */
export class ParseFailure extends Error {
  constructor(
    readonly kind: ParseFailureKind,
    readonly errText: string | null,
    detail: string,
  ) {
    super(detail);
  }
}

const enum Op {
  CONNECT,
  PUB,
  HPUB,
  SUB,
  UNSUB,
  PING,
  PONG,
  OK,
  ERR,
  INFO,
}

// Op names as upper-case byte strings, with whether the name alone completes the op
// (PING/PONG/+OK ignore anything up to the end of the line) and whether the argument may
// follow without a separator (CONNECT{...}, as nats-server accepts).
interface OpSpec {
  readonly name: string;
  readonly op: Op;
  readonly bare: boolean;
  readonly glued: boolean;
}
const OPS: readonly OpSpec[] = [
  { name: "CONNECT", op: Op.CONNECT, bare: false, glued: true },
  { name: "PUB", op: Op.PUB, bare: false, glued: false },
  { name: "HPUB", op: Op.HPUB, bare: false, glued: false },
  { name: "SUB", op: Op.SUB, bare: false, glued: false },
  { name: "UNSUB", op: Op.UNSUB, bare: false, glued: false },
  { name: "PING", op: Op.PING, bare: true, glued: false },
  { name: "PONG", op: Op.PONG, bare: true, glued: false },
  { name: "+OK", op: Op.OK, bare: true, glued: false },
  { name: "-ERR", op: Op.ERR, bare: false, glued: false },
  { name: "INFO", op: Op.INFO, bare: false, glued: false },
];

function upper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

function isSep(c: number): boolean {
  return c === SPACE || c === TAB;
}

const BY_FIRST: OpSpec[][] = Array.from({ length: 256 }, () => []);
for (const spec of OPS) BY_FIRST[spec.name.charCodeAt(0)].push(spec);

const SCAN_NEED_MORE = null;
const SCAN_BAD = undefined;
/** where the arguments of the op found by the last scanOp start (no allocation per op) */
let scanArgStart = 0;

/** Reads the op name at b[start]: the op (and sets scanArgStart), null = need more bytes, undefined = bad. */
function scanOp(b: Buffer, start: number, end: number): OpSpec | null | undefined {
  const candidates = BY_FIRST[upper(b[start])];
  let partial = false;
  for (let ci = 0; ci < candidates.length; ci++) {
    const spec = candidates[ci];
    const name = spec.name;
    let k = 1;
    while (k < name.length && start + k < end && upper(b[start + k]) === name.charCodeAt(k)) k++;
    if (k < name.length) {
      if (start + k >= end) partial = true;
      continue;
    }
    const i = start + k;
    if (spec.bare) {
      scanArgStart = i;
      return spec;
    }
    if (i >= end) {
      partial = true;
      continue;
    }
    const c = b[i];
    if (isSep(c)) {
      let j = i + 1;
      while (j < end && isSep(b[j])) j++;
      if (j >= end) return SCAN_NEED_MORE;
      scanArgStart = j;
      return spec;
    }
    if (spec.glued) {
      scanArgStart = i;
      return spec;
    }
  }
  return partial ? SCAN_NEED_MORE : SCAN_BAD;
}

/** Splits control-line arguments on spaces and tabs. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++;
    if (i >= n) break;
    const st = i;
    while (i < n && s.charCodeAt(i) !== SPACE && s.charCodeAt(i) !== TAB) i++;
    out.push(s.slice(st, i));
  }
  return out;
}

function pubFail(b: Buffer, start: number, end: number, headers: boolean, what: string): never {
  const op = headers ? "processHeaderPub" : "processPub";
  throw new ParseFailure("bad-args", null, `${op} ${what}: '${b.latin1Slice(start, end)}'`);
}

const TOKEN_STARTS = new Int32Array(5);
const TOKEN_ENDS = new Int32Array(5);

/** parseSize over bytes: decimal digits only, else -1. */
function parseSizeBytes(b: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** nats-server's parseSize: decimal digits only, else -1. */
export function parseSize(s: string): number {
  if (s.length === 0 || s.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export class ClientParser {
  /** bytes of an incomplete control line carried over from the previous chunk */
  private partial: Buffer | null = null;
  /** payload being assembled across chunks */
  private msg: Buffer | null = null;
  private msgFilled = 0;
  private pubSubject = "";
  private pubReply: string | null = null;
  private pubHdr = -1;

  constructor(private readonly h: ClientProtocolHandler) {}

  /** Feeds a chunk; throws ParseFailure when the connection must close. */
  parse(chunk: Buffer): void {
    let b = chunk;
    let pos = 0;
    if (this.msg !== null) {
      pos = this.fillPayload(b, 0);
      if (pos < 0) return;
    }
    if (this.partial !== null) {
      b = Buffer.concat([this.partial, b.subarray(pos)]);
      this.partial = null;
      pos = 0;
    }
    const end = b.length;
    while (pos < end) {
      if (upper(b[pos]) !== 0x43 /* C */ && this.h.connectRequired()) {
        throw new ParseFailure("auth-violation", ERR_AUTH_VIOLATION, "authorization violation");
      }
      const spec = scanOp(b, pos, end);
      if (spec === SCAN_BAD) throw new ParseFailure("unknown-op", ERR_UNKNOWN_OP, "unknown protocol operation");
      if (spec === SCAN_NEED_MORE) {
        if (end - pos > this.h.maxControlLine() + 16) {
          throw new ParseFailure("max-control-line", ERR_MAX_CONTROL_LINE, "maximum control line exceeded");
        }
        this.partial = Buffer.from(b.subarray(pos));
        return;
      }
      const argStart = scanArgStart;
      const lf = b.indexOf(LF, argStart);
      if (lf < 0) {
        if (!spec.bare && end - argStart > this.h.maxControlLine()) {
          throw new ParseFailure("max-control-line", ERR_MAX_CONTROL_LINE, "maximum control line exceeded");
        }
        this.partial = Buffer.from(b.subarray(pos));
        return;
      }
      const argEnd = lf > argStart && b[lf - 1] === CR ? lf - 1 : lf;
      const next = lf + 1;
      switch (spec.op) {
        case Op.PING:
          this.h.onPing();
          pos = next;
          continue;
        case Op.PONG:
          this.h.onPong();
          pos = next;
          continue;
        case Op.OK:
          pos = next;
          continue;
        default:
          break;
      }
      if (argEnd - argStart > this.h.maxControlLine()) {
        throw new ParseFailure("max-control-line", ERR_MAX_CONTROL_LINE, "maximum control line exceeded");
      }
      if (spec.op === Op.PUB || spec.op === Op.HPUB) {
        this.pubArgs(b, argStart, argEnd, spec.op === Op.HPUB);
        const size = this.pubSize;
        if (next + size + 2 <= end) {
          if (b[next + size] !== CR || b[next + size + 1] !== LF) {
            throw new ParseFailure("unknown-op", ERR_UNKNOWN_OP, "payload not followed by CRLF");
          }
          this.h.onPub(this.pubSubject, this.pubReply, this.pubHdr, b, next, next + size);
          pos = next + size + 2;
          continue;
        }
        // payload spans chunks: assemble it (size + CRLF)
        this.msg = Buffer.allocUnsafe(size + 2);
        this.msgFilled = 0;
        pos = this.fillPayload(b, next);
        if (pos < 0) return;
        continue;
      }
      const arg = b.latin1Slice(argStart, argEnd);
      switch (spec.op) {
        case Op.SUB: {
          const a = splitArgs(arg);
          if (a.length === 2) this.h.onSub(a[0], null, a[1]);
          else if (a.length === 3) this.h.onSub(a[0], a[1], a[2]);
          else throw new ParseFailure("bad-args", null, `processSub Parse Error: '${arg}'`);
          break;
        }
        case Op.UNSUB: {
          const a = splitArgs(arg);
          if (a.length === 1) this.h.onUnsub(a[0], -1);
          else if (a.length === 2) this.h.onUnsub(a[0], parseSize(a[1]));
          else throw new ParseFailure("bad-args", null, `processUnsub Parse Error: '${arg}'`);
          break;
        }
        case Op.CONNECT:
          this.h.onConnect(arg);
          break;
        case Op.INFO:
          this.h.onInfo(arg);
          break;
        case Op.ERR:
          this.h.onClientErr(arg);
          break;
        default:
          break;
      }
      pos = next;
    }
  }

  private pubSize = 0;

  /** PUB/HPUB arguments, tokenized straight from the bytes: only subject and reply become strings. */
  private pubArgs(b: Buffer, start: number, end: number, headers: boolean): void {
    if (headers && !this.h.headersEnabled()) {
      throw new ParseFailure("headers-not-supported", null, "message headers not supported");
    }
    const ts = TOKEN_STARTS;
    const te = TOKEN_ENDS;
    let n = 0;
    let i = start;
    while (i < end) {
      while (i < end && isSep(b[i])) i++;
      if (i >= end) break;
      if (n === 4) {
        n = 5;
        break;
      }
      ts[n] = i;
      while (i < end && !isSep(b[i])) i++;
      te[n++] = i;
    }
    let size: number;
    let hdr = -1;
    let reply: string | null = null;
    if (headers) {
      if (n === 3) {
        hdr = parseSizeBytes(b, ts[1], te[1]);
        size = parseSizeBytes(b, ts[2], te[2]);
      } else if (n === 4) {
        reply = b.latin1Slice(ts[1], te[1]);
        hdr = parseSizeBytes(b, ts[2], te[2]);
        size = parseSizeBytes(b, ts[3], te[3]);
      } else {
        return pubFail(b, start, end, headers, "Parse Error");
      }
      if (hdr < 0) pubFail(b, start, end, headers, "Bad or Missing Header Size");
      if (size < 0) pubFail(b, start, end, headers, "Bad or Missing Total Size");
      if (hdr > size) pubFail(b, start, end, headers, "Header Size larger then TotalSize");
      if (hdr === 0) hdr = -1; // an empty header block travels as a plain MSG
    } else {
      if (n === 2) {
        size = parseSizeBytes(b, ts[1], te[1]);
      } else if (n === 3) {
        reply = b.latin1Slice(ts[1], te[1]);
        size = parseSizeBytes(b, ts[2], te[2]);
      } else {
        return pubFail(b, start, end, headers, "Parse Error");
      }
      if (size < 0) pubFail(b, start, end, headers, "Bad or Missing Size");
    }
    if (size > this.h.maxPayload()) {
      throw new ParseFailure("max-payload", ERR_MAX_PAYLOAD, `maximum payload exceeded: ${size}`);
    }
    this.pubSubject = b.latin1Slice(ts[0], te[0]);
    this.pubReply = reply;
    this.pubHdr = hdr;
    this.pubSize = size;
  }

  /** Copies payload bytes from b[pos..]; returns the next position, or -1 when b ran out. */
  private fillPayload(b: Buffer, pos: number): number {
    const msg = this.msg;
    if (msg === null) return pos;
    const want = msg.length - this.msgFilled;
    const have = b.length - pos;
    const n = have < want ? have : want;
    b.copy(msg, this.msgFilled, pos, pos + n);
    this.msgFilled += n;
    const size = msg.length - 2;
    if (this.msgFilled < msg.length) {
      // fail as soon as the byte after the payload is there and is not CR, as nats-server does
      if (this.msgFilled > size && msg[size] !== CR) {
        throw new ParseFailure("unknown-op", ERR_UNKNOWN_OP, "payload not followed by CRLF");
      }
      return -1;
    }
    if (msg[size] !== CR || msg[size + 1] !== LF) {
      throw new ParseFailure("unknown-op", ERR_UNKNOWN_OP, "payload not followed by CRLF");
    }
    this.msg = null;
    this.h.onPub(this.pubSubject, this.pubReply, this.pubHdr, msg, 0, size);
    return pos + n;
  }
}
