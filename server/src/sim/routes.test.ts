// Deterministic simulation of the route code (RouteManager, Route, parser, fan-out) over a seeded
// network with delays, chunking, cuts, partitions and crashes; time is vitest's fake clock.
// A failure prints the seed and the last events; SIM_SEED=<n> runs that seed alone (SIM_TRACE=1
// prints the events of a passing run too); SIM_SEEDS=<n> runs seeds 1..n instead of 1..200.

import { describe, expect, it } from "vitest";
import { fingerprint, ONE_SEED, type SimScenario, SimRunner, useSimClock } from "./runner.js";
import { chaos, duplicateRoutes, exactDelivery, gossipMesh, type Outcome } from "./scenarios.js";

/** seeds per property: 200; SIM_SEEDS=<n> runs more (a longer hunt) */
const runner = new SimRunner<Outcome>({
  defaultSeeds: 200,
  firstSeed: 1,
  randomSalt: 1,
  passedTraceLines: 200,
  view: (o) => ({ errors: o.errors, sim: o.cluster }),
});
/** the chaos runs take ~6 s each on an idle machine; room for a loaded one */
const CHAOS_TIMEOUT = 90_000;

interface Totals {
  cuts: number;
  partitions: number;
  crashes: number;
  routesLost: number;
  deliveries: number;
}

/** Runs a scenario for every seed; returns the reports of the first failures and what the runs went through. */
async function runSeeds(scenario: SimScenario<Outcome>): Promise<{ failures: string[]; totals: Totals }> {
  const totals: Totals = { cuts: 0, partitions: 0, crashes: 0, routesLost: 0, deliveries: 0 };
  const failures = await runner.runSeeds(scenario, ({ cluster }) => {
    totals.cuts += cluster.faults.cuts;
    totals.partitions += cluster.faults.partitions;
    totals.crashes += cluster.faults.crashes;
    totals.routesLost += cluster.routesLost();
    totals.deliveries += cluster.deliveries.length;
  });
  return { failures, totals };
}

describe("route simulation", () => {
  useSimClock();

  it("a seed replays the same run", async () => {
    const seed = ONE_SEED ? Number(process.env.SIM_SEED) : 42;
    const first = await runner.runOne(chaos, seed);
    const again = await runner.runOne(chaos, seed);
    expect(first.cluster.deliveries.length).toBeGreaterThan(0);
    expect(fingerprint(again.cluster)).toBe(fingerprint(first.cluster));
  });

  it("(1)(3) interest views are exact and nothing is delivered twice after cuts, partitions and crashes (all routes configured)", async () => {
    const { failures, totals } = await runSeeds(chaos);
    expect(failures, failures.join("\n\n")).toEqual([]);
    if (!ONE_SEED) {
      // the runs did go through faults that took routes down, and delivered messages
      expect(totals.cuts).toBeGreaterThan(0);
      expect(totals.partitions).toBeGreaterThan(0);
      expect(totals.crashes).toBeGreaterThan(0);
      expect(totals.routesLost).toBeGreaterThan(0);
      expect(totals.deliveries).toBeGreaterThan(0);
    }
  }, CHAOS_TIMEOUT);

  it("(1)(3) the same with a seed server and gossiped routes", async () => {
    const { failures, totals } = await runSeeds((seed, adv) => chaos(seed, adv, "seed"));
    expect(failures, failures.join("\n\n")).toEqual([]);
    if (!ONE_SEED) expect(totals.routesLost).toBeGreaterThan(0);
  }, CHAOS_TIMEOUT);

  it("(2) a connected mesh delivers each message once to every plain subscriber and queue group", async () => {
    const { failures, totals } = await runSeeds(exactDelivery);
    expect(failures, failures.join("\n\n")).toEqual([]);
    expect(totals.deliveries).toBeGreaterThan(0);
  });

  it("(4) 3 and 5 servers form a full mesh from one seed by gossip", async () => {
    const { failures } = await runSeeds(gossipMesh);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it("(5) servers dialing each other at once end with one route per pair", async () => {
    const { failures } = await runSeeds(duplicateRoutes);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });
});
