// The fields every INFO on routes and gateways starts with, in nats-server's order; each kind adds
// its own after them (a leaf hub's INFO orders its fields otherwise and builds its own).

import { COMPAT_VERSION } from "../version.js";

/** The route and gateway protocol version natsts speaks. */
const LINK_PROTO = 3;

export interface InfoServer {
  readonly serverId: string;
  readonly serverName: string;
}

/** server_id, server_name, version, proto, go, host, port, headers and max_payload. */
export function linkInfoHead(srv: InfoServer, host: string, port: number, maxPayload: number): Record<string, unknown> {
  return {
    server_id: srv.serverId,
    server_name: srv.serverName,
    version: COMPAT_VERSION,
    proto: LINK_PROTO,
    go: `node${process.version}`,
    host,
    port,
    headers: true,
    max_payload: maxPayload,
  };
}
