// Helpers for leaf node tests: hubs (a leafnode listener on a random port, found in the server's
// log) and spokes (remotes to one or more hubs), for natsts and the reference nats-server alike.

import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { waitFor } from "../cluster/helpers.js";

/** The leafnode listener port, from the "Listening for leafnode connections on h:p" log line. */
export async function leafPort(p: ServerProcess): Promise<number> {
  let port = 0;
  await waitFor(`${p.name}'s leafnode listener`, () => {
    const m = /Listening for leafnode connections on [^\s]*:(\d+)/.exec(p.stderr());
    if (m !== null) port = Number(m[1]);
    return port !== 0;
  }, 10_000);
  return port;
}

export interface HubOptions {
  /** extra text inside the leafnodes block */
  readonly leafExtra?: string;
  /** extra top-level config */
  readonly extra?: string;
  /** a fixed leafnode port (restarts), else random */
  readonly port?: number;
  readonly http?: boolean;
}

export function startHub(kind: ServerKind, name: string, o: HubOptions = {}): Promise<ServerProcess> {
  const config = `server_name: ${name}\n${o.extra ?? ""}\nleafnodes { listen: "127.0.0.1:${o.port ?? -1}"\n${o.leafExtra ?? ""}\n}\n`;
  return startServer(kind, { name, config, http: o.http });
}

export interface SpokeOptions {
  /** extra text inside the remote entry */
  readonly remoteExtra?: string;
  readonly extra?: string;
  readonly http?: boolean;
  /** also a hub (a listener of its own) */
  readonly listen?: boolean;
}

/** A server with one remote per entry of `urls` (each an array of URLs for that remote). */
export function startSpoke(kind: ServerKind, name: string, remotes: readonly (readonly string[])[], o: SpokeOptions = {}): Promise<ServerProcess> {
  const entries = remotes.map((urls) => `{ urls: [${urls.map((u) => JSON.stringify(u)).join(", ")}]${o.remoteExtra !== undefined ? `, ${o.remoteExtra}` : ""} }`);
  const listen = o.listen === true ? `listen: "127.0.0.1:-1"\n` : "";
  const config = `server_name: ${name}\n${o.extra ?? ""}\nleafnodes { ${listen}reconnect: "250ms"\nremotes: [\n${entries.join("\n")}\n] }\n`;
  return startServer(kind, { name, config, http: o.http });
}

/** How many "Leafnode connection created" lines the server logged so far. */
export function leafConnects(p: ServerProcess): number {
  return p.stderr().split("\n").filter((l) => l.includes("Leafnode connection created for account")).length;
}

/** Waits until the server logged `n` leafnode connections made (spoke side). */
export async function waitLeafConnects(p: ServerProcess, n: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(`${p.name}: ${n} leafnode connection(s)`, () => leafConnects(p) >= n, timeoutMs);
}
