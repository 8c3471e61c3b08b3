// Deterministic simulation of the gateway code (GatewayManager, Gateway connection, parser,
// interest, routing, reply map) with the route code, in a supercluster of 2-3 clusters of 2-3
// servers over a seeded network with delays, chunking, cuts, partitions and crashes; time is
// vitest's fake clock. A failure prints the seed and the last events; SIM_SEED=<n> runs that seed
// alone (SIM_TRACE=1 prints the events of a passing run too); SIM_SEEDS=<n> runs n seeds from 1 (or SIM_SEED_FROM).

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SimSupercluster } from "./gateway-cluster.js";
import { gatewayChaos, gatewayDelivery, type GatewayOutcome } from "./gateway-scenarios.js";
import { Prng } from "./prng.js";

/** seeds per property (the file runs in ~20 s on an idle machine); SIM_SEEDS=<n> runs more */
const SEEDS = Number(process.env.SIM_SEEDS ?? 80);
/** a longer hunt gets the time it needs */
const TIMEOUT = Math.max(120_000, SEEDS * 1500);
/** SIM_SEED_FROM=<k> starts the seeds at k (hunting past the usual ones) */
const FIRST = Number(process.env.SIM_SEED_FROM ?? 1);
const ONE_SEED = process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== "";

function seeds(): number[] {
  if (ONE_SEED) return [Number(process.env.SIM_SEED)];
  return Array.from({ length: SEEDS }, (_, i) => i + FIRST);
}

const realSetImmediate = globalThis.setImmediate;
const breathe = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

const advance = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

type Scenario = (seed: number, advance: (ms: number) => void) => Promise<GatewayOutcome>;

interface Totals {
  cuts: number;
  gatewayCuts: number;
  gatewaysLost: number;
  crashes: number;
  partitions: number;
  deliveries: number;
  mappedReplies: number;
}

async function runOne(scenario: Scenario, seed: number): Promise<GatewayOutcome> {
  const pick = new Prng(seed * 7919 + 3);
  const random = vi.spyOn(Math, "random").mockImplementation(() => pick.next());
  try {
    return await scenario(seed, advance);
  } finally {
    random.mockRestore();
    vi.clearAllTimers();
  }
}

async function runSeeds(scenario: Scenario): Promise<{ failures: string[]; totals: Totals }> {
  const failures: string[] = [];
  const totals: Totals = { cuts: 0, gatewayCuts: 0, gatewaysLost: 0, crashes: 0, partitions: 0, deliveries: 0, mappedReplies: 0 };
  for (const seed of seeds()) {
    const { errors, sc } = await runOne(scenario, seed);
    totals.cuts += sc.faults.cuts;
    totals.gatewayCuts += sc.faults.gatewayCuts;
    totals.gatewaysLost += sc.gatewaysLost();
    totals.crashes += sc.faults.crashes;
    totals.partitions += sc.faults.partitions;
    totals.deliveries += sc.deliveries.length;
    totals.mappedReplies += sc.replies.mapped;
    const lines = Number(process.env.SIM_TRACE_LINES ?? 80);
    if (errors.length > 0) failures.push(sc.report(errors, lines));
    else if (process.env.SIM_TRACE === "1") console.log(`seed ${seed} passed; last events:\n${sc.trace.tail(lines)}`);
    if (failures.length >= 3) break;
    await breathe();
  }
  return { failures, totals };
}

function fingerprint(sc: SimSupercluster): string {
  return `${sc.trace.tail(100_000)}\n${sc.deliveries.map((d) => `${d.node}/${d.sid}:${d.msg}`).join(" ")}`;
}

describe("gateway simulation", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "Date", "performance"] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it("a seed replays the same run", async () => {
    const seed = ONE_SEED ? Number(process.env.SIM_SEED) : 7;
    const first = await runOne(gatewayChaos, seed);
    const again = await runOne(gatewayChaos, seed);
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
