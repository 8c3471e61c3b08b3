// Deterministic simulation of the route code (RouteManager, Route, parser, fan-out) over a seeded
// network with delays, chunking, cuts, partitions and crashes; time is vitest's fake clock.
// A failure prints the seed and the last events; SIM_SEED=<n> runs that seed alone.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Prng } from "./prng.js";
import { chaos, duplicateRoutes, exactDelivery, gossipMesh, type Outcome } from "./scenarios.js";

const SEEDS = 200;

function seeds(): number[] {
  const one = process.env.SIM_SEED;
  if (one !== undefined && one !== "") return [Number(one)];
  return Array.from({ length: SEEDS }, (_, i) => i + 1);
}

const advance = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

/** Runs a scenario for every seed; returns the reports of the first failures. */
async function runSeeds(scenario: (seed: number, advance: (ms: number) => void) => Promise<Outcome>): Promise<string[]> {
  const failures: string[] = [];
  for (const seed of seeds()) {
    // queue members and routes are picked with Math.random: seeded too
    const pick = new Prng(seed * 7919 + 1);
    const random = vi.spyOn(Math, "random").mockImplementation(() => pick.next());
    try {
      const { errors, cluster } = await scenario(seed, advance);
      if (errors.length > 0) failures.push(cluster.report(errors));
      else if (process.env.SIM_TRACE === "1") console.log(`seed ${seed} passed; last events:\n${cluster.trace.tail(Number(process.env.SIM_TRACE_LINES ?? 200))}`);
    } finally {
      random.mockRestore();
      vi.clearAllTimers();
    }
    if (failures.length >= 3) break;
  }
  return failures;
}

describe("route simulation", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "Date", "performance"] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it("interest views are exact and nothing is delivered twice after cuts, partitions and crashes", async () => {
    const failures = await runSeeds(chaos);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it("a connected mesh delivers each message once to every plain subscriber and queue group", async () => {
    const failures = await runSeeds(exactDelivery);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it("3 and 5 servers form a full mesh from one seed by gossip", async () => {
    const failures = await runSeeds(gossipMesh);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it("servers dialing each other at once end with one route per pair", async () => {
    const failures = await runSeeds(duplicateRoutes);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });
});
