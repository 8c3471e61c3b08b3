// Deterministic simulation of the route code (RouteManager, Route, parser, fan-out) over a seeded
// network with delays, chunking, cuts, partitions and crashes; time is vitest's fake clock.
// A failure prints the seed and the last events; SIM_SEED=<n> runs that seed alone (SIM_TRACE=1
// prints the events of a passing run too); SIM_SEEDS=<n> runs seeds 1..n instead of 1..200.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SimCluster } from "./cluster.js";
import { Prng } from "./prng.js";
import { chaos, duplicateRoutes, exactDelivery, gossipMesh, type Outcome } from "./scenarios.js";

/** seeds per property; SIM_SEEDS=<n> runs more (a longer hunt) */
const SEEDS = Number(process.env.SIM_SEEDS ?? 200);
/** the chaos runs take ~6 s each on an idle machine; room for a loaded one */
const CHAOS_TIMEOUT = 90_000;
const ONE_SEED = process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== "";

function seeds(): number[] {
  if (ONE_SEED) return [Number(process.env.SIM_SEED)];
  return Array.from({ length: SEEDS }, (_, i) => i + 1);
}

/** the real one, taken before the timers are faked: lets the test runner breathe between seeds */
const realSetImmediate = globalThis.setImmediate;
const breathe = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

const advance = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

type Scenario = (seed: number, advance: (ms: number) => void) => Promise<Outcome>;

interface Totals {
  cuts: number;
  partitions: number;
  crashes: number;
  routesLost: number;
  deliveries: number;
}

/** Runs one seed with Math.random (queue member and route picks) seeded too; timers are cleared after. */
async function runOne(scenario: Scenario, seed: number): Promise<Outcome> {
  const pick = new Prng(seed * 7919 + 1);
  const random = vi.spyOn(Math, "random").mockImplementation(() => pick.next());
  try {
    return await scenario(seed, advance);
  } finally {
    random.mockRestore();
    vi.clearAllTimers();
  }
}

/** Runs a scenario for every seed; returns the reports of the first failures and what the runs went through. */
async function runSeeds(scenario: Scenario): Promise<{ failures: string[]; totals: Totals }> {
  const failures: string[] = [];
  const totals: Totals = { cuts: 0, partitions: 0, crashes: 0, routesLost: 0, deliveries: 0 };
  for (const seed of seeds()) {
    const { errors, cluster } = await runOne(scenario, seed);
    totals.cuts += cluster.faults.cuts;
    totals.partitions += cluster.faults.partitions;
    totals.crashes += cluster.faults.crashes;
    totals.routesLost += cluster.routesLost();
    totals.deliveries += cluster.deliveries.length;
    if (errors.length > 0) failures.push(cluster.report(errors, Number(process.env.SIM_TRACE_LINES ?? 80)));
    else if (process.env.SIM_TRACE === "1") console.log(`seed ${seed} passed; last events:\n${cluster.trace.tail(Number(process.env.SIM_TRACE_LINES ?? 200))}`);
    if (failures.length >= 3) break;
    await breathe();
  }
  return { failures, totals };
}

function fingerprint(c: SimCluster): string {
  return `${c.trace.tail(100_000)}\n${c.deliveries.map((d) => `${d.node}/${d.sid}:${d.msg}`).join(" ")}`;
}

describe("route simulation", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "Date", "performance"] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it("a seed replays the same run", async () => {
    const seed = ONE_SEED ? Number(process.env.SIM_SEED) : 42;
    const first = await runOne(chaos, seed);
    const again = await runOne(chaos, seed);
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
