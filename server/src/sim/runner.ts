// The per-seed runner shared by the simulation tests: which seeds to run (SIM_SEED, SIM_SEEDS,
// and SIM_SEED_FROM where a test takes it), Math.random seeded per run, fake timers cleared after
// each run, and the failure report (seed and last events; SIM_TRACE=1 prints those of a passing
// run too, SIM_TRACE_LINES how many).

import { afterEach, beforeEach, vi } from "vitest";
import type { Delivery } from "./node.js";
import { Prng } from "./prng.js";

/** What a simulated cluster or supercluster offers the runner once a seed has run. */
export interface SimRecord {
  readonly trace: { tail(lines: number): string };
  report(errors: string[], lines: number): string;
}

export type SimScenario<O> = (seed: number, advance: (ms: number) => void) => Promise<O>;

export interface SimRunnerOptions<O> {
  /** the seed count when SIM_SEEDS is not set */
  defaultSeeds: number;
  /** the first seed when SIM_SEED is not set */
  firstSeed: number;
  /** Math.random in a run is seeded with seed * 7919 + randomSalt */
  randomSalt: number;
  /** events printed for a passing run under SIM_TRACE=1 when SIM_TRACE_LINES is not set */
  passedTraceLines: number;
  /** the errors and the simulation of an outcome */
  view: (outcome: O) => { errors: string[]; sim: SimRecord };
}

/** true when SIM_SEED picks one seed */
export const ONE_SEED = process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== "";

/** the real one, taken before the timers are faked: lets the test runner breathe between seeds */
const realSetImmediate = globalThis.setImmediate;
const breathe = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

const advance = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

export class SimRunner<O> {
  /** seeds per property; SIM_SEEDS=<n> runs more (a longer hunt) */
  readonly seedCount: number;

  constructor(private readonly options: SimRunnerOptions<O>) {
    this.seedCount = Number(process.env.SIM_SEEDS ?? options.defaultSeeds);
  }

  seeds(): number[] {
    if (ONE_SEED) return [Number(process.env.SIM_SEED)];
    return Array.from({ length: this.seedCount }, (_, i) => i + this.options.firstSeed);
  }

  /** Runs one seed with Math.random (queue member and route picks) seeded too; timers are cleared after. */
  async runOne(scenario: SimScenario<O>, seed: number): Promise<O> {
    const pick = new Prng(seed * 7919 + this.options.randomSalt);
    const random = vi.spyOn(Math, "random").mockImplementation(() => pick.next());
    try {
      return await scenario(seed, advance);
    } finally {
      random.mockRestore();
      vi.clearAllTimers();
    }
  }

  /**
   * Runs a scenario for every seed, handing each outcome to `tally`; returns the reports of the
   * first failures (at most 3).
   */
  async runSeeds(scenario: SimScenario<O>, tally: (outcome: O) => void): Promise<string[]> {
    const failures: string[] = [];
    for (const seed of this.seeds()) {
      const outcome = await this.runOne(scenario, seed);
      tally(outcome);
      const { errors, sim } = this.options.view(outcome);
      if (errors.length > 0) failures.push(sim.report(errors, Number(process.env.SIM_TRACE_LINES ?? 80)));
      else if (process.env.SIM_TRACE === "1") console.log(`seed ${seed} passed; last events:\n${sim.trace.tail(Number(process.env.SIM_TRACE_LINES ?? this.options.passedTraceLines))}`);
      if (failures.length >= 3) break;
      await breathe();
    }
    return failures;
  }
}

/** Fakes the clock around each test of the calling describe block (the simulations run on it). */
export function useSimClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "Date", "performance"] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });
}

/** A run's events and deliveries, to compare two runs of one seed. */
export function fingerprint(sim: { readonly trace: { tail(lines: number): string }; readonly deliveries: readonly Delivery[] }): string {
  return `${sim.trace.tail(100_000)}\n${sim.deliveries.map((d) => `${d.node}/${d.sid}:${d.msg}`).join(" ")}`;
}
