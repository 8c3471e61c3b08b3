// Helpers for cluster tests: starting members that route to a seed, waiting for the full mesh,
// and waiting until route interest has reached a publisher's server.

import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { afterAll } from "vitest";
import { rawConnect, untilLine } from "../lib/raw.js";
import { startServer, stopAll, type ServerKind, type ServerProcess } from "../lib/procs.js";

export const CLUSTER = "C1";

/** The route listener URL a server wrote to its ports file. */
export function clusterURL(p: ServerProcess): string {
  const url = p.ports.cluster?.[0];
  if (url === undefined) throw new Error(`${p.name}: no cluster URL in the ports file ${JSON.stringify(p.ports)}`);
  return url;
}

/** Starts a natsts cluster member; with a seed it routes to the seed. */
export function startMember(name: string, seed: ServerProcess | null, extra: readonly string[] = []): Promise<ServerProcess> {
  const args = ["--cluster", "nats://127.0.0.1:-1", "--cluster_name", CLUSTER, "-n", name, ...extra];
  if (seed !== null) args.push("--routes", clusterURL(seed));
  return startServer("natsts", { name, args });
}

/**
 * A reference nats-server member: with `pooled` false one route connection per peer (pool_size -1),
 * else nats-server's default pool (natsts, advertising no pool, still gets one connection).
 */
export function startReferenceMember(name: string, seed: ServerProcess | null, pooled = false): Promise<ServerProcess> {
  const routes = seed !== null ? `, routes: ["${clusterURL(seed)}"]` : "";
  const pool = pooled ? "" : ", pool_size: -1";
  const config = `server_name: ${name}\ncluster { name: ${CLUSTER}, listen: "127.0.0.1:-1"${pool}${routes} }\n`;
  return startServer("reference" satisfies ServerKind, { name, config });
}

/** connect_urls of the INFO a new client connection gets. */
export async function connectURLs(p: ServerProcess): Promise<string[]> {
  const host = /^nats:\/\/([^:]+):/.exec(p.url)?.[1] ?? "127.0.0.1";
  const c = await rawConnect(p.port, { host });
  try {
    const line = (await c.read(untilLine)).data.toString("utf8");
    const info = JSON.parse(line.slice(5)) as { connect_urls?: string[] };
    return info.connect_urls ?? [];
  } finally {
    c.close();
  }
}

export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every server's client INFO lists all the servers' client URLs (full mesh). */
export async function waitForMesh(servers: readonly ServerProcess[], timeoutMs = 15_000): Promise<void> {
  const want = servers.map((s) => `127.0.0.1:${s.port}`).sort();
  await waitFor(`a full mesh of ${servers.map((s) => s.name).join(", ")}`, async () => {
    for (const s of servers) {
      const urls = [...(await connectURLs(s))].sort();
      if (JSON.stringify(urls) !== JSON.stringify(want)) return false;
    }
    return true;
  }, timeoutMs);
}

export function collect(nc: NatsConnection, subject: string, queue?: string): Msg[] {
  const out: Msg[] = [];
  nc.subscribe(subject, { queue, callback: (err, m) => {
    if (err !== null) throw err;
    out.push(m);
  } });
  return out;
}

let probeSeq = 0;

/**
 * Subscribes every subscriber connection to a probe subject (after their other subscriptions, so
 * the probe's interest reaches other servers last) and publishes the probe from `pub` until all
 * of them got it: then the earlier interest has arrived at the publisher's server too.
 */
export async function waitInterest(pub: NatsConnection, subs: readonly NatsConnection[], timeoutMs = 10_000): Promise<void> {
  const subject = `probe.${process.pid}.${probeSeq++}`;
  const got = subs.map(() => false);
  const subscriptions = subs.map((nc, i) => nc.subscribe(subject, { callback: () => { got[i] = true; } }));
  await Promise.all(subs.map((nc) => nc.flush()));
  await waitFor(`interest in ${subject}`, async () => {
    pub.publish(subject);
    await pub.flush();
    await new Promise((r) => setTimeout(r, 50));
    return got.every((g) => g);
  }, timeoutMs);
  for (const s of subscriptions) s.unsubscribe();
}

export function conn(p: ServerProcess): Promise<NatsConnection> {
  return connect({ servers: p.url, reconnect: false });
}

/** The client connections of a test file, closed after its tests. */
export interface FileClients {
  /** An official client of `p` (no reconnect). */
  client(p: ServerProcess): Promise<NatsConnection>;
  /** Connections the file opened itself, to be closed as well. */
  track(...conns: NatsConnection[]): void;
}

/**
 * Registers a test file's clean-up: after all its tests the tracked connections close, then
 * `cleanup` runs (fake peers, proxies), then every server the harness started stops.
 */
export function closedAfterAll(cleanup?: () => void | Promise<void>): FileClients {
  const open: NatsConnection[] = [];
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await cleanup?.();
    await stopAll();
  });
  return {
    async client(p) {
      const nc = await conn(p);
      open.push(nc);
      return nc;
    },
    track(...conns) {
      open.push(...conns);
    },
  };
}
