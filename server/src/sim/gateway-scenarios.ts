// The seeded scenarios behind the gateway properties. Each returns the errors found (empty: the
// property held) and the supercluster, whose report() tells the seed and the last events.

import { ROUGH, STORMY } from "./network.js";
import { SimSupercluster, type GatewayTopology } from "./gateway-cluster.js";
import { publishRound, randomPublish, randomSubscribe as subscribeTo, randomUnsubscribe, SUB_SUBJECTS } from "./workload.js";

export interface GatewayOutcome {
  errors: string[];
  sc: SimSupercluster;
}

/** After this long with the network healed, routes and gateways are redialed and settled (gateway backoff tops at 5 s). */
const SETTLE = 30_000;

/** the workload's subjects plus the responders' `svc.*` */
const GW_SUB_SUBJECTS = [...SUB_SUBJECTS, "svc.*"];
const randomSubscribe = (sc: SimSupercluster): void => subscribeTo(sc, GW_SUB_SUBJECTS);

/**
 * (4) Responders (plain and queue) on random servers, requests from random servers: each response
 * comes back to the requester once, over the `_GR_.` mapping when the responder is in another cluster.
 */
function requestRound(sc: SimSupercluster): string[] {
  const up = sc.up();
  const responders: Array<{ sid: string; n: (typeof up)[number] }> = [];
  const count = sc.prng.int(1, 4);
  for (let i = 0; i < count; i++) {
    const n = sc.prng.pick(up);
    responders.push({ n, sid: n.subscribe("svc.*", sc.prng.chance(0.5) ? "svcq" : null) });
  }
  const requests = sc.prng.int(2, 6);
  const made = [];
  for (let i = 0; i < requests; i++) made.push(sc.request(sc.prng.pick(up)));
  // the inboxes' and responders' interest reaches the other clusters
  sc.advance(2000);
  sc.responding = true;
  made.forEach((r, i) => {
    sc.publish(r.node, `svc.${i}`, { reply: r.inbox });
  });
  sc.advance(3000);
  sc.responding = false;
  const errors = [...sc.checkReplies(), ...sc.checkExactDelivery(), ...sc.checkNoDuplicates()];
  if (made.every((r) => r.responses.length === 0)) errors.push("no request got a response");
  for (const r of responders) r.n.unsubscribe(r.sid);
  for (const r of made) r.node.unsubscribe(r.sid);
  return errors;
}

/** A request from a random server on a random `svc.` subject, its inbox subscribed just before. */
function randomRequest(sc: SimSupercluster): void {
  const up = sc.up();
  if (up.length === 0) return;
  const n = sc.prng.pick(up);
  const r = sc.request(n);
  sc.publish(n, `svc.${sc.prng.int(0, 3)}`, { reply: r.inbox });
}

function shape(seed: number): { clusters: number; servers: number } {
  return { clusters: 2 + (seed % 2), servers: 2 + (Math.floor(seed / 2) % 2) };
}

/**
 * (1)(3), then (2)(4)(5): subscription churn and publishes on random servers while the network
 * delays, splits, cuts route and gateway connections, partitions and crashes servers; once healed
 * and quiet, gateway interest views are exact, nothing was delivered twice, the gateway mesh is
 * whole, and new messages and requests are delivered exactly once (with every gateway configured).
 */
export async function gatewayChaos(seed: number, advance: (ms: number) => void, topology: GatewayTopology = "full"): Promise<GatewayOutcome> {
  const sc = new SimSupercluster({ seed, ...shape(seed), topology, profile: ROUGH, advance });
  await sc.startAll(50);
  sc.advance(5000);
  if (sc.prng.chance(0.3)) sc.net.setProfile(STORMY);
  const steps = sc.prng.int(30, 70);
  // responders answer requests throughout: `_GR_.` replies cross the faults too
  sc.responding = true;
  for (let i = 0; i < steps; i++) {
    const x = sc.prng.next();
    if (x < 0.05) randomRequest(sc);
    else if (x < 0.3) randomSubscribe(sc);
    else if (x < 0.42) randomUnsubscribe(sc);
    else if (x < 0.62) randomPublish(sc);
    else if (x < 0.74) sc.cut();
    else if (x < 0.78) {
      sc.partition();
      sc.advance(sc.prng.int(0, 8000));
    } else if (x < 0.82) sc.net.heal();
    else if (x < 0.86) {
      const up = sc.up();
      if (up.length > 1) sc.crash(sc.prng.pick(up));
    } else if (x < 0.9) await sc.restartAll();
    else sc.advance(sc.prng.int(1000, 8000));
    sc.advance(sc.prng.int(0, 300));
  }
  sc.net.setProfile(ROUGH);
  sc.net.heal();
  await sc.restartAll();
  sc.advance(SETTLE);
  sc.responding = false;
  sc.forgetRequests();
  const errors = [...sc.checkInterest(), ...sc.checkNoDuplicates()];
  sc.checkExactDelivery(); // messages sent while something was down may be lost: not checked
  // an implicit (gossiped) gateway is given up after its retries, as nats-server: only the
  // connections that are up are checked then
  if (topology === "sparse") return { errors, sc };
  errors.push(...sc.checkMesh());
  if (errors.length === 0) errors.push(...publishRound(sc));
  if (errors.length === 0) errors.push(...requestRound(sc));
  return { errors, sc };
}

/**
 * (5)(1)(2)(4) without faults: the mesh forms from a sparse configuration plus gossip under delays
 * and chunking, interest views are exact, and messages and requests are delivered exactly once.
 */
export async function gatewayDelivery(seed: number, advance: (ms: number) => void, topology: GatewayTopology = "sparse"): Promise<GatewayOutcome> {
  const sc = new SimSupercluster({ seed, ...shape(seed), topology, profile: ROUGH, advance });
  await sc.startAll(sc.prng.pick([0, 50, 500]));
  sc.advance(15_000);
  const churn = sc.prng.int(10, 30);
  for (let i = 0; i < churn; i++) {
    if (sc.prng.chance(0.7)) randomSubscribe(sc);
    else randomUnsubscribe(sc);
    sc.advance(sc.prng.int(0, 50));
  }
  sc.advance(3000);
  const errors = [...sc.checkMesh(), ...sc.checkInterest()];
  // no fault: a gateway connection, once registered, stays
  if (sc.gatewaysLost() > 0) errors.push(`${sc.gatewaysLost()} registered gateway connections closed without any fault`);
  if (errors.length > 0) return { errors, sc };
  const pubs = sc.prng.int(10, 30);
  for (let i = 0; i < pubs; i++) {
    randomPublish(sc);
    sc.advance(sc.prng.int(0, 20));
  }
  sc.advance(3000);
  errors.push(...sc.checkExactDelivery(), ...sc.checkNoDuplicates(), ...publishRound(sc));
  if (errors.length === 0) errors.push(...requestRound(sc));
  return { errors, sc };
}
