// The gateway INFO lines that are not a server's own INFO: interest-mode commands for an
// account, and gossip about a remote gateway (to another cluster, or to this cluster's routes).

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
