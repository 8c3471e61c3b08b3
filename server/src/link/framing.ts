// The framing shared by the server-to-server protocols (routes, gateways, leaf nodes): bytes
// arriving in chunks split anywhere become control lines (up to CRLF, the CR optional) and, after
// a line announcing a message, its payload followed by CRLF. What a line means is the protocol
// parser's business; this only cuts the stream.

/** The protocol side of a framing: gets each control line and each message payload. */
export interface FrameHandler<M extends PendingPayload> {
  /** a control line: bytes [start, end) of `b`, without the line end; valid only during the call */
  controlLine(b: Buffer, start: number, end: number): void;
  /** the payload of `msg` (announced with expectPayload); valid only during the call */
  payload(msg: M, payload: Buffer): void;
}

/** A message whose control line was read and whose payload is awaited. */
export interface PendingPayload {
  /** payload bytes (headers included), not counting the CRLF after them */
  readonly size: number;
}

/** What the server-to-server parsers throw on bytes that break their protocol (each kind has its own subclass, for its name). */
export class LinkParseError extends Error {}

/** The protocol's parse error type, so framing errors close the connection like any other. */
export type ParseErrorType = new (message: string) => LinkParseError;

/** room over max_payload a message may take: its headers (nats-server checks the payload part) and a peer's own larger limit */
export const PAYLOAD_SLACK = 64 * 1024;

/** longest control line accepted while its end has not arrived */
export const MAX_CONTROL_LINE = 64 * 1024;

const EMPTY = Buffer.alloc(0);

export class LineFraming<M extends PendingPayload> {
  private buf: Buffer = EMPTY;
  private msg: M | null = null;

  constructor(
    private readonly h: FrameHandler<M>,
    private readonly ParseError: ParseErrorType,
  ) {}

  /** The next `msg.size` bytes (then CRLF) are the payload of `msg`: called from controlLine. */
  expectPayload(msg: M): void {
    this.msg = msg;
  }

  /** Adds a chunk read from the socket; throws the protocol's parse error on bad framing. */
  parse(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    const b = this.buf;
    for (;;) {
      if (this.msg !== null) {
        const m = this.msg;
        if (b.length - pos < m.size + 2) break;
        if (b[pos + m.size] !== 0x0d || b[pos + m.size + 1] !== 0x0a) throw new this.ParseError("payload not terminated by CRLF");
        const payload = b.subarray(pos, pos + m.size);
        pos += m.size + 2;
        this.msg = null;
        this.h.payload(m, payload);
        continue;
      }
      const nl = b.indexOf(0x0a, pos);
      if (nl < 0) {
        if (b.length - pos > MAX_CONTROL_LINE) throw new this.ParseError("control line too long");
        break;
      }
      const end = nl > pos && b[nl - 1] === 0x0d ? nl - 1 : nl;
      const start = pos;
      pos = nl + 1;
      this.h.controlLine(b, start, end);
    }
    this.buf = pos >= b.length ? EMPTY : b.subarray(pos);
  }
}
