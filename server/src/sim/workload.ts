// The random client workload both simulations (routes, gateways) drive on their running servers:
// subscribe (plain or in a queue group), unsubscribe, publish, and a round that publishes every
// subject from every server and then checks that each arrived exactly once.

import type { Prng } from "./prng.js";

/** subjects subscribed to: literal, `*` and `>` */
export const SUB_SUBJECTS: readonly string[] = ["a", "a.b", "a.*", "a.>", "b.c", "*.c", ">", "c.d"];
/** subjects published to: some match several subscriptions, `d` only `>` */
export const PUB_SUBJECTS: readonly string[] = ["a", "a.b", "a.c", "b.c", "c.d", "d"];
export const QUEUES: readonly string[] = ["q1", "q2"];

/** A simulated server as the workload sees it: its clients' subscriptions. */
export interface WorkloadNode {
  readonly subs: ReadonlyMap<string, unknown>;
  subscribe(subject: string, queue: string | null): string;
  unsubscribe(sid: string): void;
}

/** A simulated cluster or supercluster as the workload sees it. */
export interface WorkloadSim<N extends WorkloadNode> {
  readonly prng: Prng;
  up(): N[];
  publish(n: N, subject: string): string;
  advance(ms: number): void;
  checkExactDelivery(): string[];
  checkNoDuplicates(): string[];
}

/** Subscribes a client of a random running server to a random subject, in a queue group 40% of the time. */
export function randomSubscribe<N extends WorkloadNode>(sim: WorkloadSim<N>, subjects: readonly string[] = SUB_SUBJECTS): void {
  const up = sim.up();
  if (up.length === 0) return;
  const n = sim.prng.pick(up);
  const queue = sim.prng.chance(0.4) ? sim.prng.pick(QUEUES) : null;
  n.subscribe(sim.prng.pick(subjects), queue);
}

/** Removes a random subscription of a random running server that has one. */
export function randomUnsubscribe<N extends WorkloadNode>(sim: WorkloadSim<N>): void {
  const withSubs = sim.up().filter((n) => n.subs.size > 0);
  if (withSubs.length === 0) return;
  const n = sim.prng.pick(withSubs);
  n.unsubscribe(sim.prng.pick([...n.subs.keys()]));
}

/** Publishes a random subject from a random running server. */
export function randomPublish<N extends WorkloadNode>(sim: WorkloadSim<N>): void {
  const up = sim.up();
  if (up.length > 0) sim.publish(sim.prng.pick(up), sim.prng.pick(PUB_SUBJECTS));
}

/** Publishes every subject from every running server, lets it arrive, checks exactly-once. */
export function publishRound<N extends WorkloadNode>(sim: WorkloadSim<N>): string[] {
  for (const n of sim.up()) for (const s of PUB_SUBJECTS) sim.publish(n, s);
  sim.advance(3000);
  return [...sim.checkExactDelivery(), ...sim.checkNoDuplicates()];
}
