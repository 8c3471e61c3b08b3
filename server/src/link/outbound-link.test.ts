import { describe, expect, it } from "vitest";
import type { RouteSocket } from "../cluster/transport.js";
import { Logger } from "../logger.js";
import { OutboundLink, type LinkOwner } from "./outbound-link.js";

/** A socket that records what is written to it. */
class RecordingSocket implements RouteSocket {
  readonly written: Buffer[] = [];
  destroyed = false;
  ended = false;
  writableLength = 0;
  setNoDelay(): void {}
  write(chunk: Buffer): boolean {
    this.written.push(Buffer.from(chunk));
    return true;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  on(): void {}
  once(): void {}
  off(): void {}
  text(): string {
    return Buffer.concat(this.written).toString("latin1");
  }
}

const logger = new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" });
const settings = (maxPending: number) => ({ logger, maxPending, pingInterval: 60_000, pingMax: 2, authTimeout: 2 });

/** An owner that holds one message back until the link asks for it (as leaf connections do). */
class Owner implements LinkOwner {
  readonly logPrefix = "test";
  readonly closes: string[] = [];
  held: Buffer | null = null;
  link!: OutboundLink;
  close(reason: string): void {
    if (this.link.closed) return;
    this.closes.push(reason);
    this.link.close();
  }
  release(): void {
    const h = this.held;
    if (h === null) return;
    this.held = null;
    this.link.appendMsg("LMSG foo 3\r\n", h);
  }
}

function setup(maxPending: number): { socket: RecordingSocket; owner: Owner; link: OutboundLink } {
  const socket = new RecordingSocket();
  const owner = new Owner();
  const link = new OutboundLink(socket, owner, settings(maxPending), "Leafnode");
  owner.link = link;
  return { socket, owner, link };
}

describe("OutboundLink", () => {
  it("writes what was queued, the held-back message first, on flush", () => {
    const { socket, owner, link } = setup(1 << 20);
    owner.held = Buffer.from("abc");
    link.sendText("PING\r\n");
    expect(socket.text()).toBe("");
    link.flush();
    expect(socket.text()).toBe("LMSG foo 3\r\nabc\r\nPING\r\n");
  });

  it("closes a slow consumer once, with that reason", () => {
    const { socket, owner, link } = setup(8);
    expect(link.appendMsg("LMSG foo 16\r\n", Buffer.alloc(16))).toBe(false);
    expect(owner.closes).toEqual(["Slow Consumer (Pending Bytes)"]);
    expect(link.closed).toBe(true);
    expect(socket.ended).toBe(true);
    expect(socket.text()).toBe("");
  });

  it("a message released by the last flush of a closing connection does not close it a second time", () => {
    const { socket, owner, link } = setup(8);
    owner.held = Buffer.alloc(64);
    owner.close("Client Closed");
    expect(owner.closes).toEqual(["Client Closed"]);
    expect(link.closed).toBe(true);
    expect(socket.ended).toBe(true);
    // over max_pending: dropped, not written
    expect(socket.text()).toBe("");
  });

  it("answers a PING with a PONG and measures the round trip of its own PING", () => {
    const { socket, link } = setup(1 << 20);
    link.receivedPing();
    link.flush();
    expect(socket.text()).toBe("PONG\r\n");
    expect(link.rtt).toBe(0);
    link.sendPing();
    link.flush();
    expect(socket.text()).toBe("PONG\r\nPING\r\n");
    link.receivedPong();
    const rtt = link.rtt;
    expect(rtt).toBeGreaterThan(0);
    // a PONG with no PING of ours outstanding measures nothing
    link.receivedPong();
    expect(link.rtt).toBe(rtt);
    link.close();
  });
});
