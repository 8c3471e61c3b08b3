// Dialing other cluster members: configured routes are kept up for as long as the server runs
// (redialed a second after they close, and after a failed attempt a second later again, or with
// connect_backoff doubling up to 30 s, as nats-server); routes learned by gossip are tried
// connect_retries + 1 times and not redialed once they close.

import { parseRouteURL } from "../config/cluster.js";
import type { ClusterOptions } from "../config/options.js";
import type { Logger } from "../logger.js";
import type { RouteSocket, RouteTransport } from "./transport.js";

const MAX_BACKOFF = 30_000;

/** What the dialer needs from the route manager. */
export interface DialHost {
  readonly logger: Logger;
  readonly opts: ClusterOptions;
  readonly transport: RouteTransport;
  isStopped(): boolean;
  /** whether a route to the server behind this configured URL is up (whoever dialed it) */
  configuredUp(url: string): boolean;
  /** a dialed connection is open: make it a route; `done(registered)` once it closes */
  dialed(socket: RouteSocket, url: string, configured: string | null, done: (registered: boolean) => void): void;
}

export class RouteDialer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly implicitDialing = new Set<string>();

  constructor(private readonly host: DialHost) {}

  /** A configured route: kept up for as long as the server runs. */
  solicitConfigured(url: string, attempt = 0): void {
    if (this.host.configuredUp(url)) {
      // connected (maybe by the peer's own dial): look again later
      this.later(1000, () => this.solicitConfigured(url, 0));
      return;
    }
    this.dial(url, url, (ok) => {
      const delay = ok ? 1000 : this.retryDelay(attempt);
      this.later(delay, () => this.solicitConfigured(url, ok ? 0 : attempt + 1));
    });
  }

  /** A route learned by gossip: tried connect_retries+1 times, not re-dialed once it closes. */
  solicitImplicit(url: string, attempt = 0): void {
    this.implicitDialing.add(url);
    this.dial(url, null, (ok) => {
      if (ok || attempt >= this.host.opts.connectRetries) {
        this.implicitDialing.delete(url);
        return;
      }
      this.later(this.retryDelay(attempt), () => this.solicitImplicit(url, attempt + 1));
    });
  }

  /** Whether a gossiped URL is being tried already. */
  dialingImplicit(url: string): boolean {
    return this.implicitDialing.has(url);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** As nats-server: a fixed second between attempts, doubling up to 30 s with connect_backoff. */
  private retryDelay(failedAttempt: number): number {
    if (this.host.opts.connectBackoff !== true) return 1000;
    return Math.min(MAX_BACKOFF, 1000 * 2 ** Math.min(failedAttempt, 5));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.host.isStopped()) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Dials `url`; `done(registered)` runs when the connection closes or fails. */
  private dial(url: string, configured: string | null, done: (wasRegistered: boolean) => void): void {
    const log = this.host.logger;
    const hp = parseRouteURL(url);
    if (hp === null) {
      log.error(`Error parsing route url ${JSON.stringify(url)}`);
      return;
    }
    log.debug(`Trying to connect to route on ${hp.host}:${hp.port}`);
    const socket = this.host.transport.connect(hp.host, hp.port);
    const onError = (err: Error): void => {
      log.debug(`Error trying to connect to route: ${err.message}`);
      done(false);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      if (this.host.isStopped()) {
        socket.destroy();
        return;
      }
      this.host.dialed(socket, url, configured, done);
    });
  }
}
