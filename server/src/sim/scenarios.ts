// The seeded scenarios behind the route properties. Each returns the errors found (empty: the
// property held) and the cluster, whose report() tells the seed and the last events.

import { CALM, ROUGH, STORMY } from "./network.js";
import { SimCluster, type Topology } from "./cluster.js";
import { publishRound, randomPublish, randomSubscribe, randomUnsubscribe } from "./workload.js";

export interface Outcome {
  errors: string[];
  cluster: SimCluster;
}

/** After this long with the network healed, every route is redialed, resent and settled. */
const SETTLE = 25_000;

/**
 * (1)(3), then (2): subscribe/unsubscribe (plain and queue) on random servers while the network
 * delays, splits, cuts, partitions, heals and crashes; once healed and quiet, interest views are
 * exact, no message was delivered twice, and (with every route configured) the mesh is whole
 * again and new messages arrive exactly once. With the seed topology, routes learned by gossip
 * are not redialed once they close (as nats-server), so only the routes that are up are checked.
 */
export async function chaos(seed: number, advance: (ms: number) => void, topology: Topology = "full"): Promise<Outcome> {
  const c = new SimCluster({ seed, servers: 3 + (seed % 3), topology, profile: ROUGH, advance });
  await c.startAll(50);
  c.advance(3000);
  if (c.prng.chance(0.5)) c.net.setProfile(STORMY);
  const steps = c.prng.int(30, 80);
  for (let i = 0; i < steps; i++) {
    const x = c.prng.next();
    if (x < 0.3) randomSubscribe(c);
    else if (x < 0.45) randomUnsubscribe(c);
    else if (x < 0.62) randomPublish(c);
    else if (x < 0.7) c.cut();
    else if (x < 0.75) {
      c.partition();
      // long enough, now and then, for pings to give up on the stalled routes
      c.advance(c.prng.int(0, 8000));
    } else if (x < 0.8) c.net.heal();
    else if (x < 0.84) {
      const up = c.up();
      if (up.length > 1) c.crash(c.nodes.indexOf(c.prng.pick(up)));
    } else if (x < 0.9) {
      const down = c.nodes.map((n, j) => (n.up ? -1 : j)).filter((j) => j >= 0);
      if (down.length > 0) await c.restart(c.prng.pick(down));
    } else {
      c.advance(c.prng.int(1000, 8000));
    }
    c.advance(c.prng.int(0, 300));
  }
  c.net.setProfile(ROUGH);
  c.net.heal();
  for (let j = 0; j < c.nodes.length; j++) await c.restart(j);
  c.advance(SETTLE);
  const errors = [...c.checkInterest(), ...c.checkNoDuplicates()];
  if (topology === "full") errors.push(...c.checkFullMesh());
  c.checkExactDelivery(); // messages sent while the network was broken may be lost: not checked
  if (errors.length === 0 && topology === "full") {
    // healed and settled, the mesh stays as it is
    const churn = c.churn();
    errors.push(...publishRound(c));
    c.advance(10_000);
    errors.push(...c.checkNoRouteLost(churn), ...c.checkFullMesh());
  }
  return { errors, cluster: c };
}

/**
 * (2) With the mesh connected: subscription churn under delays and chunking, then every publish
 * reaches each matching plain subscriber once and each queue group once (a local member first).
 */
export async function exactDelivery(seed: number, advance: (ms: number) => void): Promise<Outcome> {
  const c = new SimCluster({ seed, servers: 3, topology: seed % 2 === 0 ? "full" : "seed", profile: ROUGH, advance });
  await c.startAll(100);
  c.advance(5000);
  const churn = c.prng.int(10, 30);
  for (let i = 0; i < churn; i++) {
    if (c.prng.chance(0.7)) randomSubscribe(c);
    else randomUnsubscribe(c);
    c.advance(c.prng.int(0, 50));
  }
  c.advance(3000);
  const errors = [...c.checkFullMesh(), ...c.checkInterest(), ...c.checkNoRouteLost()];
  if (errors.length > 0) return { errors, cluster: c };
  const pubs = c.prng.int(10, 30);
  for (let i = 0; i < pubs; i++) {
    randomPublish(c);
    c.advance(c.prng.int(0, 20));
  }
  c.advance(3000);
  errors.push(...c.checkExactDelivery(), ...c.checkNoDuplicates(), ...publishRound(c));
  return { errors, cluster: c };
}

/** (4) From a single seed server, 3 or 5 servers form a full mesh by gossip under delays and chunking. */
export async function gossipMesh(seed: number, advance: (ms: number) => void): Promise<Outcome> {
  const c = new SimCluster({ seed, servers: seed % 2 === 0 ? 3 : 5, topology: "seed", profile: ROUGH, advance });
  await c.startAll(c.prng.pick([0, 50, 500]));
  c.advance(20_000);
  return { errors: [...c.checkFullMesh(), ...c.checkNoRouteLost()], cluster: c };
}

/** (5) Servers configured with each other and started together dial each other at once: one route per pair. */
export async function duplicateRoutes(seed: number, advance: (ms: number) => void): Promise<Outcome> {
  const c = new SimCluster({ seed, servers: seed % 2 === 0 ? 2 : 3, topology: "full", profile: seed % 4 < 2 ? CALM : ROUGH, advance });
  await c.startAll(0);
  c.advance(15_000);
  return { errors: [...c.checkFullMesh(), ...c.checkNoRouteLost()], cluster: c };
}
