// A client connection's timers: the server's PINGs (held back while the client keeps talking),
// the stale-connection rule, the PING/PONG round-trip time and the authentication deadline.

import { ClosedReason, ERR_AUTH_TIMEOUT, ERR_STALE_CONNECTION } from "../protocol/errors.js";
import type { Client } from "./client.js";
import type { ClientHost } from "./host.js";

const PING = Buffer.from("PING\r\n");
const FIRST_PING_INTERVAL = 2000;

export class Liveness {
  /** round-trip time in ms, measured by the server's PINGs */
  rtt = 0;
  private pingsOut = 0;
  private pingSentAt = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private authTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: Client,
    private readonly srv: ClientHost,
  ) {}

  /** Arms the authentication deadline (when auth is required) and the first PING. */
  begin(): void {
    if (this.srv.authRequired()) {
      this.authTimer = setTimeout(() => this.authTimeout(), this.srv.options.authTimeout);
    }
    this.armPing(Math.min(FIRST_PING_INTERVAL, this.srv.options.pingInterval));
  }

  /** The client's CONNECT was accepted: the authentication deadline no longer applies. */
  connected(): void {
    if (this.authTimer !== null) {
      clearTimeout(this.authTimer);
      this.authTimer = null;
    }
  }

  /** A PONG arrived: nothing is outstanding, and the round trip of the last PING is measured. */
  pong(): void {
    this.pingsOut = 0;
    if (this.pingSentAt !== 0) {
      this.rtt = performance.now() - this.pingSentAt;
      this.pingSentAt = 0;
    }
  }

  /** The connection closed: no timer fires any more. */
  stop(): void {
    for (const t of [this.pingTimer, this.authTimer]) if (t !== null) clearTimeout(t);
    this.pingTimer = this.authTimer = null;
  }

  private armPing(ms: number): void {
    this.pingTimer = setTimeout(() => this.pingTick(), ms);
    this.pingTimer.unref();
  }

  private pingTick(): void {
    this.pingTimer = null;
    const c = this.client;
    if (c.closed) return;
    const o = this.srv.options;
    if (c.activitySincePing && this.pingsOut === 0 && c.connectReceived && this.rtt > 0) {
      // a client that keeps talking to us is alive; nats-server delays the PING the same way
      c.activitySincePing = false;
      this.armPing(o.pingInterval);
      return;
    }
    c.activitySincePing = false;
    if (this.pingsOut + 1 > o.pingMax) {
      this.srv.counters.staleConnections++;
      this.srv.logger.debug(`${c.logPrefix} - Stale Client Connection - Closing`);
      c.close(ClosedReason.StaleConnection, ERR_STALE_CONNECTION);
      return;
    }
    this.pingsOut++;
    this.pingSentAt = performance.now();
    c.outbound.append(PING);
    c.flush();
    this.armPing(o.pingInterval);
  }

  private authTimeout(): void {
    this.authTimer = null;
    const c = this.client;
    if (c.connectReceived || c.closed) return;
    c.close(ClosedReason.AuthenticationTimeout, ERR_AUTH_TIMEOUT);
  }
}
