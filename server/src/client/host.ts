// What a client connection needs from its server: the settings, the sublist, the server-wide
// counters, authentication, message routing and the flush/close hand-offs.

import type { Options } from "../config/options.js";
import type { Logger } from "../logger.js";
import type { Sublist } from "../sublist/sublist.js";
import type { Client } from "./client.js";
import type { ConnectOptions } from "./connect.js";
import type { Publisher, Subscription } from "./subscription.js";

export interface ServerCounters {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
  staleConnections: number;
  stalledClients: number;
}

/** What a client needs from its server. */
export interface ClientHost {
  readonly options: Options;
  readonly logger: Logger;
  readonly sublist: Sublist<Subscription>;
  readonly counters: ServerCounters;
  authRequired(): boolean;
  authorize(opts: ConnectOptions): boolean;
  /** the INFO sent after the first PONG (connect_info, remote_account) */
  connectInfo(c: Client): Buffer;
  /** Routes one message; the payload is src[start..end) (headers first when hdrLen >= 0). */
  processMsg(from: Publisher, subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): number;
  scheduleFlush(c: Client): void;
  clientClosed(c: Client): void;
  /** hook for per-op parse-error metrics */
  parseError(kind: string): void;
}
