// /routez: natsts has no cluster routes yet, so this is nats-server's answer for a server without any.

import { preciseNow, rfc3339Nano } from "./format.js";
import { decodeSubs } from "./query.js";

export interface RoutezJSON {
  server_id: string;
  server_name: string;
  now: string;
  num_routes: number;
  routes: never[];
}

/** Validates the query (`subs` as for /connz) and builds the answer. */
export function buildRoutez(serverId: string, serverName: string, q: URLSearchParams, now = preciseNow()): RoutezJSON {
  decodeSubs(q);
  return { server_id: serverId, server_name: serverName, now: rfc3339Nano(now), num_routes: 0, routes: [] };
}
