// A raw TCP client for scripted protocol exchanges: write exact bytes, read until a condition, a quiet
// period or the server closing the connection. Reads never throw on timeout or close: they report what
// happened, so a differential test can show it instead of aborting.
import { connect as netConnect, type Socket } from "node:net";

/**
 * Decides whether enough has been read: given the unread bytes (and whether the peer closed), returns how
 * many bytes to consume, or -1 to keep waiting.
 */
export type Matcher = (unread: Buffer, closed: boolean) => number;

export interface ReadResult {
  /** The bytes consumed by this read. */
  readonly data: Buffer;
  /** The matcher was satisfied (false on close or timeout). */
  readonly matched: boolean;
  /** The connection is closed (by the server, a reset, or locally). */
  readonly closed: boolean;
  /** The read gave up at its time bound. */
  readonly timedOut: boolean;
}

/** Consumes up to and including the first occurrence of `text`. */
export function untilText(text: string | Buffer): Matcher {
  const needle = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  return (unread) => {
    const i = unread.indexOf(needle);
    return i < 0 ? -1 : i + needle.length;
  };
}

/** Consumes up to and including the `count`-th occurrence of `text`. */
export function untilCount(text: string, count: number): Matcher {
  const needle = Buffer.from(text, "latin1");
  return (unread) => {
    let from = 0;
    for (let n = 0; n < count; n++) {
      const i = unread.indexOf(needle, from);
      if (i < 0) return -1;
      from = i + needle.length;
    }
    return from;
  };
}

/** Consumes one line (through the first `\n`). */
export const untilLine: Matcher = untilText("\n");

/** Waits for the connection to close; consumes everything. */
export const untilClosed: Matcher = (unread, closed) => (closed ? unread.length : -1);

export interface ConnectOptions {
  readonly host?: string;
  readonly timeoutMs?: number;
}

export class RawConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private isClosed = false;
  private closeCause: string | undefined;
  private waiters: Array<() => void> = [];
  /** Every byte received, in order (also the consumed ones). */
  private all: Buffer[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.all.push(chunk);
      this.buffer = this.buffer.length === this.consumed ? chunk : Buffer.concat([this.buffer.subarray(this.consumed), chunk]);
      this.consumed = 0;
      this.wake();
    });
    socket.on("end", () => this.markClosed("end"));
    socket.on("close", () => this.markClosed("close"));
    socket.on("error", (err: NodeJS.ErrnoException) => this.markClosed(err.code ?? err.message));
  }

  /** Opens a TCP connection to host:port (default host 127.0.0.1, timeout 5000 ms). */
  static connect(port: number, options: ConnectOptions = {}): Promise<RawConnection> {
    const host = options.host ?? "127.0.0.1";
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`raw: connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(new Error(`raw: connect to ${host}:${port} failed: ${err.message}`));
      };
      socket.once("error", onError);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve(new RawConnection(socket));
      });
    });
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** How the connection closed ("end", "close", "ECONNRESET", "EPIPE", "local"), if it did. */
  get closedBy(): string | undefined {
    return this.closeCause;
  }

  /** Bytes received and not consumed by a read yet. */
  unread(): Buffer {
    return this.buffer.subarray(this.consumed);
  }

  /** Every byte received since connecting. */
  received(): Buffer {
    return Buffer.concat(this.all);
  }

  /**
   * Writes bytes (strings are sent as latin1, i.e. one byte per char code 0..255). Resolves when handed to
   * the kernel; resolves false (never rejects) when the connection is already closed or the write fails.
   */
  write(data: string | Uint8Array): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => {
        if (err) this.markClosed((err as NodeJS.ErrnoException).code ?? err.message);
        resolve(err === undefined || err === null);
      });
    });
  }

  /** Writes in pieces of `chunkSize` bytes with `pauseMs` between them (exercises split reads). */
  async writeChunked(data: string | Uint8Array, chunkSize: number, pauseMs = 2): Promise<boolean> {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
    for (let i = 0; i < bytes.length; i += chunkSize) {
      if (!(await this.write(bytes.subarray(i, i + chunkSize)))) return false;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    return true;
  }

  /** Reads until `matcher` is satisfied, the connection closes, or `timeoutMs` (default 2000) passes. */
  async read(matcher: Matcher, timeoutMs = 2000): Promise<ReadResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unread = this.unread();
      const n = matcher(unread, this.isClosed);
      if (n >= 0) return { data: this.take(n), matched: true, closed: this.isClosed, timedOut: false };
      if (this.isClosed) return { data: this.take(unread.length), matched: false, closed: true, timedOut: false };
      const left = deadline - Date.now();
      if (left <= 0) return { data: this.take(unread.length), matched: false, closed: false, timedOut: true };
      await this.waitForEvent(left);
    }
  }

  /** Reads until nothing arrives for `quietMs`, the connection closes, or `maxMs` passes. Consumes all. */
  async readQuiet(quietMs = 100, maxMs = 2000): Promise<ReadResult> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      if (this.isClosed) return { data: this.take(this.unread().length), matched: true, closed: true, timedOut: false };
      const left = deadline - Date.now();
      if (left <= 0) return { data: this.take(this.unread().length), matched: false, closed: false, timedOut: true };
      const wait = Math.min(quietMs, left);
      const got = await this.waitForEvent(wait);
      if (!got && wait === quietMs) {
        return { data: this.take(this.unread().length), matched: true, closed: this.isClosed, timedOut: false };
      }
    }
  }

  /** Waits until the server closes the connection; true if it did within `timeoutMs`. Consumes nothing. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isClosed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.waitForEvent(left);
    }
    return true;
  }

  /** Closes the connection from this side (FIN, then destroy). */
  close(): void {
    if (!this.isClosed) this.markClosed("local");
    this.socket.destroy();
  }

  private take(n: number): Buffer {
    const out = Buffer.from(this.buffer.subarray(this.consumed, this.consumed + n));
    this.consumed += n;
    return out;
  }

  private markClosed(cause: string): void {
    if (!this.isClosed) {
      this.isClosed = true;
      this.closeCause = cause;
    }
    this.wake();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  // Resolves true on new data / close, false on timeout.
  private waitForEvent(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onEvent);
        resolve(false);
      }, timeoutMs);
      const onEvent = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(onEvent);
    });
  }
}

/** Shorthand for RawConnection.connect. */
export function rawConnect(port: number, options: ConnectOptions = {}): Promise<RawConnection> {
  return RawConnection.connect(port, options);
}
