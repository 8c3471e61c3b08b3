// The settings a connection kind's links run with: the server's (read each time, a reload may
// change them) with the kind's own cap on the ping interval and, where its block has them, its own
// ping interval, ping count and handshake timeout. The rules stay with each manager; this only
// reads them.

import type { Logger } from "../logger.js";
import type { LinkSettings } from "./outbound-link.js";

/** The server options the links start from. */
export interface LinkServerOptions {
  readonly maxPayload: number;
  readonly maxPending: number;
  readonly pingInterval: number;
  readonly pingMax: number;
  readonly authTimeout: number;
}

/** The server a connection kind runs in. */
export interface LinkServer {
  readonly logger: Logger;
  readonly options: LinkServerOptions;
}

/** A connection kind's own settings; each returns undefined where the server's apply. */
export interface LinkOverrides {
  /** ms between PINGs (capped all the same) */
  pingInterval?(): number | undefined;
  pingMax?(): number | undefined;
  /** ms the handshake may take */
  authTimeout?(): number | undefined;
}

const NONE: LinkOverrides = {};

export class LinkLimits implements LinkSettings {
  constructor(
    private readonly srv: LinkServer,
    /** the kind's longest ping interval (ms) */
    private readonly pingCap: number,
    private readonly own: LinkOverrides = NONE,
  ) {}

  get logger(): Logger {
    return this.srv.logger;
  }
  get maxPayload(): number {
    return this.srv.options.maxPayload;
  }
  /** outbound bytes a connection may have queued before it is closed as a slow consumer */
  get maxPending(): number {
    return this.srv.options.maxPending;
  }
  get pingInterval(): number {
    return Math.min(this.own.pingInterval?.() ?? this.srv.options.pingInterval, this.pingCap);
  }
  get pingMax(): number {
    return this.own.pingMax?.() ?? this.srv.options.pingMax;
  }
  get authTimeout(): number {
    return this.own.authTimeout?.() ?? this.srv.options.authTimeout;
  }
}
