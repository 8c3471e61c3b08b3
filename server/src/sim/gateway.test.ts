// Deterministic simulation of the gateway code (GatewayManager, Gateway connection, parser,
// interest, routing, reply map) with the route code, in a supercluster of 2-3 clusters of 2-3
// servers over a seeded network with delays, chunking, cuts, partitions and crashes; time is
// vitest's fake clock. A failure prints the seed and the last events; SIM_SEED=<n> runs that seed
// alone (SIM_TRACE=1 prints the events of a passing run too); SIM_SEEDS=<n> runs n seeds from 1 (or SIM_SEED_FROM).

import { describe, expect, it } from "vitest";
import { gatewayChaos, gatewayDelivery, type GatewayOutcome } from "./gateway-scenarios.js";
import { fingerprint, ONE_SEED, type SimScenario, SimRunner, useSimClock } from "./runner.js";

/** seeds per property: 80 (the file runs in ~20 s on an idle machine); SIM_SEEDS=<n> runs more; SIM_SEED_FROM=<k> starts the seeds at k (hunting past the usual ones) */
const runner = new SimRunner<GatewayOutcome>({
  defaultSeeds: 80,
  firstSeed: Number(process.env.SIM_SEED_FROM ?? 1),
  randomSalt: 3,
  passedTraceLines: 80,
  view: (o) => ({ errors: o.errors, sim: o.sc }),
});
/** a longer hunt gets the time it needs */
const TIMEOUT = Math.max(120_000, runner.seedCount * 1500);

interface Totals {
  cuts: number;
  gatewayCuts: number;
  gatewaysLost: number;
  crashes: number;
  partitions: number;
  deliveries: number;
  mappedReplies: number;
}

async function runSeeds(scenario: SimScenario<GatewayOutcome>): Promise<{ failures: string[]; totals: Totals }> {
  const totals: Totals = { cuts: 0, gatewayCuts: 0, gatewaysLost: 0, crashes: 0, partitions: 0, deliveries: 0, mappedReplies: 0 };
  const failures = await runner.runSeeds(scenario, ({ sc }) => {
    totals.cuts += sc.faults.cuts;
    totals.gatewayCuts += sc.faults.gatewayCuts;
    totals.gatewaysLost += sc.gatewaysLost();
    totals.crashes += sc.faults.crashes;
    totals.partitions += sc.faults.partitions;
    totals.deliveries += sc.deliveries.length;
    totals.mappedReplies += sc.replies.mapped;
  });
  return { failures, totals };
}

describe("gateway simulation", () => {
  useSimClock();

  it("a seed replays the same run", async () => {
    const seed = ONE_SEED ? Number(process.env.SIM_SEED) : 7;
    const first = await runner.runOne(gatewayChaos, seed);
    const again = await runner.runOne(gatewayChaos, seed);
    expect(first.sc.deliveries.length).toBeGreaterThan(0);
    expect(fingerprint(again.sc)).toBe(fingerprint(first.sc));
  });

  it("(5)(1)(2)(4) the mesh forms from sparse configuration and gossip; interest is exact; messages and requests arrive exactly once", async () => {
    const { failures, totals } = await runSeeds(gatewayDelivery);
    expect(failures, failures.join("\n\n")).toEqual([]);
    expect(totals.deliveries).toBeGreaterThan(0);
    if (!ONE_SEED) expect(totals.mappedReplies).toBeGreaterThan(0);
  }, TIMEOUT);

  it("(1)(3) after cuts, partitions and crashes of route and gateway connections: exact interest, no duplicates; healed: (2)(4)(5)", async () => {
    const { failures, totals } = await runSeeds(gatewayChaos);
    expect(failures, failures.join("\n\n")).toEqual([]);
    if (!ONE_SEED) {
      expect(totals.cuts).toBeGreaterThan(totals.gatewayCuts);
      expect(totals.gatewayCuts).toBeGreaterThan(0);
      expect(totals.gatewaysLost).toBeGreaterThan(0);
      expect(totals.crashes).toBeGreaterThan(0);
      expect(totals.partitions).toBeGreaterThan(0);
      expect(totals.mappedReplies).toBeGreaterThan(0);
    }
  }, TIMEOUT);

  it("(1)(3) the same with sparse configuration and gossiped gateways", async () => {
    const { failures, totals } = await runSeeds((seed, adv) => gatewayChaos(seed, adv, "sparse"));
    expect(failures, failures.join("\n\n")).toEqual([]);
    if (!ONE_SEED) expect(totals.gatewaysLost).toBeGreaterThan(0);
  }, TIMEOUT);
});
