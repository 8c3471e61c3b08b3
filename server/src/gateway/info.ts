// Gateway protocol lines built from data: the CONNECT of an outbound connection, and the INFO
// lines that are not a server's own INFO: interest-mode commands for an account, and gossip about
// a remote gateway (to another cluster, or to this cluster's routes).

import type { GatewayOptions } from "../config/options.js";

export const CMD_GOSSIP = 1;
export const CMD_ALL_SUBS_START = 2;
export const CMD_ALL_SUBS_COMPLETE = 3;

/** INFO with an interest-mode command for an account (payload: the account name, base64 as Go's []byte). */
export function cmdInfo(gateway: string, cmd: number, account: string): string {
  const info = {
    server_id: "", server_name: "", version: "", proto: 0, go: "", host: "", port: 0, headers: false, max_payload: 0,
    gateway, gateway_cmd: cmd, gateway_cmd_payload: Buffer.from(account, "utf8").toString("base64"),
  };
  return `INFO ${JSON.stringify(info)}\r\n`;
}

/** A remote gateway this cluster knows, for another cluster to connect to (server_id: the sender's, as nats-server). */
export function gossipInfo(serverId: string, gateway: string, urls: string[]): string {
  const info = {
    server_id: serverId, server_name: "", version: "", proto: 0, go: "", host: "", port: 0, headers: false, max_payload: 0,
    gateway, gateway_urls: urls, gateway_cmd: CMD_GOSSIP,
  };
  return `INFO ${JSON.stringify(info)}\r\n`;
}

/** Gateway gossip over a route: the members connect to the remote gateway too. */
export function routeGossipLine(serverId: string, gateway: string, urls: string[]): string {
  return `INFO ${JSON.stringify({ server_id: serverId, gateway, gateway_urls: urls, gateway_cmd: CMD_GOSSIP })}\r\n`;
}

export function decodeAccount(payload: string | undefined): string {
  return payload === undefined ? "" : Buffer.from(payload, "base64").toString("utf8");
}

/**
 * CONNECT for an outbound connection: credentials from the dialed URL, else from the gateway's
 * authorization block; the fields as nats-server sends them.
 */
export function connectLine(dialedURL: string, opts: GatewayOptions, serverId: string, warn: (msg: string) => void): Buffer {
  const m = /^[a-z-]+:\/\/([^:@/]*):([^@/]*)@/.exec(dialedURL);
  const user = m !== null ? decodeURLPart(m[1], warn) : opts.user;
  const pass = m !== null ? decodeURLPart(m[2], warn) : opts.password;
  const c: Record<string, unknown> = { echo: false, verbose: false, pedantic: false };
  if (user !== "") {
    c.user = user;
    c.pass = pass;
  }
  Object.assign(c, { tls_required: false, headers: false, name: serverId, cluster: "", gateway: opts.name });
  return Buffer.from(`CONNECT ${JSON.stringify(c)}\r\n`, "utf8");
}

/** A user or password from a URL, %-decoded when that is well-formed (else used as written, with a warning). */
function decodeURLPart(s: string, warn: (msg: string) => void): string {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    warn(`gateway URL credentials are not well-formed %-encoding (${(err as Error).message}); sending them as written`);
    return s;
  }
}
