// The fields /routez, /gatewayz and /leafz show alike for a server-to-server connection, in
// nats-server's order; each endpoint puts them among its own fields.

import { shownHost } from "../link/link-connection.js";
import { goDurationMs, rfc3339Nano, uptime } from "./format.js";

/** A connection's message and payload byte counts. */
export interface LinkCountsView {
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
}

/** What the address and times of a connection are read from. */
export interface LinkTimesView {
  readonly host: string;
  readonly port: number;
  readonly start: Date;
  readonly lastActivity: number;
  /** ms of the last PING/PONG round trip */
  readonly rtt: number;
}

/** ip, port, start, last_activity, rtt, uptime, idle */
export function linkTimesJSON(c: LinkTimesView, now: number): Record<string, unknown> {
  return {
    ip: shownHost(c.host),
    port: c.port,
    start: rfc3339Nano(c.start.getTime()),
    last_activity: rfc3339Nano(c.lastActivity),
    rtt: goDurationMs(c.rtt),
    uptime: uptime(now - c.start.getTime()),
    idle: uptime(now - c.lastActivity),
  };
}

/** in_msgs, out_msgs, in_bytes, out_bytes */
export function linkCountsJSON(c: LinkCountsView): Record<string, unknown> {
  return { in_msgs: c.inMsgs, out_msgs: c.outMsgs, in_bytes: c.inBytes, out_bytes: c.outBytes };
}
