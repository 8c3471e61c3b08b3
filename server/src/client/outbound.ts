// A connection's outbound buffer. Protocol lines and payloads are copied into large chunks;
// the bytes written since the last flush go to the socket as one write (or a corked run of
// writes) once per event-loop turn. A chunk already handed to the socket is never written
// over: new bytes go after the part the socket owns, and a fresh chunk is taken when it is full.

/** payloads larger than this are queued by reference instead of copied */
const CHUNK = 32 * 1024;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const CRLF_MSG_TAIL = 4; // "\r\n" after the line and after the payload

function digits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  if (n < 10000000) return 7;
  return String(n).length;
}

function writeUint(buf: Buffer, off: number, n: number, len: number): number {
  let p = off + len - 1;
  do {
    buf[p--] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return off + len;
}

/** Short strings are copied byte by byte: cheaper than a native call for the usual subjects and sids. */
function putLatin1(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n > 32) return p + buf.latin1Write(s, p);
  for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
  return p + n;
}

/** Small payloads are copied byte by byte for the same reason. */
function putBytes(buf: Buffer, p: number, src: Buffer): number {
  const n = src.length;
  if (n > 64) return p + src.copy(buf, p);
  for (let i = 0; i < n; i++) buf[p + i] = src[i];
  return p + n;
}

export interface OutboundSink {
  /** hands bytes to the socket; returns false when the socket is above its high-water mark */
  write(chunks: Buffer[]): boolean;
}

export class Outbound {
  private chunk: Buffer = EMPTY;
  /** size of the next chunk: grows while chunks fill up, so idle connections hold little */
  private chunkSize = MIN_CHUNK;
  /** start of the bytes not yet handed to the socket */
  private start = 0;
  private used = 0;
  /** earlier chunks (or big payloads) waiting for the next flush */
  private readonly queued: Buffer[] = [];
  /** bytes buffered here and not yet handed to the socket */
  pending = 0;

  private reserve(n: number): void {
    if (this.used + n <= this.chunk.length) return;
    if (this.used > this.start) this.queued.push(this.chunk.subarray(this.start, this.used));
    if (this.chunk.length > 0 && this.chunkSize < MAX_CHUNK) this.chunkSize *= 2;
    this.chunk = Buffer.allocUnsafe(n > this.chunkSize ? n : this.chunkSize);
    this.start = 0;
    this.used = 0;
  }

  /** Appends raw protocol bytes. */
  append(data: Buffer): void {
    const n = data.length;
    if (n > CHUNK) {
      if (this.used > this.start) {
        this.queued.push(this.chunk.subarray(this.start, this.used));
        this.start = this.used;
      }
      this.queued.push(data);
    } else {
      this.reserve(n);
      data.copy(this.chunk, this.used);
      this.used += n;
    }
    this.pending += n;
  }

  appendString(s: string): void {
    const n = Buffer.byteLength(s, "latin1");
    this.reserve(n);
    this.chunk.write(s, this.used, n, "latin1");
    this.used += n;
    this.pending += n;
  }

  /**
   * MSG/HMSG <subject> <sid> [reply] [<hdr>] <size>\r\n<payload>\r\n.
   * hdrLen < 0 writes MSG; otherwise HMSG with the header length.
   */
  appendMsg(subject: string, sid: string, reply: string | null, hdrLen: number, payload: Buffer): void {
    const size = payload.length;
    const sizeDigits = digits(size);
    const hdrDigits = hdrLen >= 0 ? digits(hdrLen) : 0;
    const lineLen =
      (hdrLen >= 0 ? 5 : 4) +
      subject.length +
      1 +
      sid.length +
      1 +
      (reply !== null ? reply.length + 1 : 0) +
      (hdrLen >= 0 ? hdrDigits + 1 : 0) +
      sizeDigits;
    const inlinePayload = size <= CHUNK;
    const total = lineLen + CRLF_MSG_TAIL + (inlinePayload ? size : 0);
    this.reserve(total);
    const buf = this.chunk;
    let p = this.used;
    if (hdrLen >= 0) {
      buf[p++] = 0x48; // H
    }
    buf[p++] = 0x4d; // M
    buf[p++] = 0x53; // S
    buf[p++] = 0x47; // G
    buf[p++] = 0x20;
    p = putLatin1(buf, p, subject);
    buf[p++] = 0x20;
    p = putLatin1(buf, p, sid);
    buf[p++] = 0x20;
    if (reply !== null) {
      p = putLatin1(buf, p, reply);
      buf[p++] = 0x20;
    }
    if (hdrLen >= 0) {
      p = writeUint(buf, p, hdrLen, hdrDigits);
      buf[p++] = 0x20;
    }
    p = writeUint(buf, p, size, sizeDigits);
    buf[p++] = 0x0d;
    buf[p++] = 0x0a;
    if (inlinePayload) {
      p = putBytes(buf, p, payload);
      buf[p++] = 0x0d;
      buf[p++] = 0x0a;
      this.used = p;
    } else {
      this.used = p;
      this.queued.push(buf.subarray(this.start, p));
      this.queued.push(payload);
      this.start = p;
      this.reserve(2);
      this.chunk[this.used++] = 0x0d;
      this.chunk[this.used++] = 0x0a;
    }
    this.pending += lineLen + CRLF_MSG_TAIL + size;
  }

  /** Takes everything buffered, for the socket. */
  take(): Buffer[] {
    const out = this.queued.splice(0);
    if (this.used > this.start) {
      out.push(this.chunk.subarray(this.start, this.used));
      this.start = this.used;
      // the socket now owns chunk[0..used); keep writing after it, or let go of the chunk when little is left
      if (this.chunk.length - this.used < this.chunk.length / 2) {
        this.chunk = EMPTY;
        this.start = 0;
        this.used = 0;
      }
    }
    this.pending = 0;
    return out;
  }

  /** Drops what is buffered (the connection is closing). */
  discard(): void {
    this.queued.length = 0;
    this.start = this.used;
    this.pending = 0;
  }
}
