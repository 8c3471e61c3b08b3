// Helpers for supercluster tests: servers with a cluster and a gateway block from configuration,
// the gateway port a server listens on (from its log), and waiting for gateway connections.

import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { clusterURL, waitFor } from "../cluster/helpers.js";

export interface RemoteGateway {
  readonly name: string;
  /** gateway URLs (nats://host:port) */
  readonly urls: readonly string[];
}

export interface MemberSpec {
  readonly kind?: ServerKind;
  /** server name */
  readonly name: string;
  /** cluster (= gateway) name */
  readonly cluster: string;
  /** a member of the same cluster to route to */
  readonly seed?: ServerProcess | null;
  readonly gateways?: readonly RemoteGateway[];
  /** extra lines inside the gateway block */
  readonly gatewayExtra?: string;
  readonly http?: boolean;
  /** a fixed gateway port (a restarted member keeps its address); -1 = random */
  readonly gatewayPort?: number;
}

/** The configuration text of a supercluster member. */
export function memberConfig(s: MemberSpec): string {
  const routes = s.seed !== undefined && s.seed !== null ? `, routes: ["${clusterURL(s.seed)}"]` : "";
  const pool = s.kind === "reference" ? ", pool_size: -1" : "";
  const gws = (s.gateways ?? []).map((g) => `{ name: ${g.name}, urls: [${g.urls.map((u) => `"${u}"`).join(", ")}] }`);
  return [
    `server_name: ${s.name}`,
    `cluster { name: ${s.cluster}, listen: "127.0.0.1:-1"${pool}${routes} }`,
    `gateway {`,
    `  name: ${s.cluster}`,
    `  listen: "127.0.0.1:${s.gatewayPort ?? -1}"`,
    gws.length > 0 ? `  gateways: [${gws.join(", ")}]` : "",
    s.gatewayExtra ?? "",
    `}`,
    "",
  ].join("\n");
}

export function startMember(s: MemberSpec): Promise<ServerProcess> {
  return startServer(s.kind ?? "natsts", { name: s.name, config: memberConfig(s), http: s.http });
}

/**
 * The gateway port, from the "Listening for gateways connections on host:port" log line (both
 * servers print it before they are ready; the log may reach the test a moment after the ports file).
 */
export async function gatewayPort(p: ServerProcess): Promise<number> {
  let port = 0;
  await waitFor(`${p.name}'s gateway listener in its log`, () => {
    const m = /Listening for gateways connections on [^\s]*:(\d+)/.exec(p.stderr() + p.stdout());
    if (m !== null) port = Number(m[1]);
    return m !== null;
  }, 10_000);
  return port;
}

export async function gatewayURL(p: ServerProcess): Promise<string> {
  return `nats://127.0.0.1:${await gatewayPort(p)}`;
}

interface Gatewayz {
  outbound_gateways: Record<string, unknown> | null;
  inbound_gateways: Record<string, unknown[]>;
}

export async function gatewayz(p: ServerProcess, query = ""): Promise<Gatewayz & Record<string, unknown>> {
  if (p.httpPort === undefined) throw new Error(`${p.name}: no monitoring port`);
  const r = await fetch(`http://127.0.0.1:${p.httpPort}/gatewayz${query}`, { signal: AbortSignal.timeout(5000) });
  return (await r.json()) as Gatewayz & Record<string, unknown>;
}

/** Waits until `p` has an outbound gateway connection to each of `clusters` (from /gatewayz). */
export async function waitOutbound(p: ServerProcess, clusters: readonly string[], timeoutMs = 20_000): Promise<void> {
  await waitFor(`${p.name} connected out to ${clusters.join(", ")}`, async () => {
    const gz = await gatewayz(p);
    const out = Object.keys(gz.outbound_gateways ?? {});
    return clusters.every((c) => out.includes(c));
  }, timeoutMs);
}

/** Counts the log lines of `p` matching `re`. */
export function logCount(p: ServerProcess, re: RegExp): number {
  return (p.stderr() + p.stdout()).split("\n").filter((l) => re.test(l)).length;
}
