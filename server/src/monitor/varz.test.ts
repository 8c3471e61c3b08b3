import { describe, expect, it } from "vitest";
import { CpuSampler } from "./varz.js";

describe("varz helpers", () => {
  it("samples process CPU use in percent", () => {
    const cpu = new CpuSampler();
    const until = performance.now() + 60;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    cpu.sample();
    expect(x).toBeGreaterThan(0);
    expect(cpu.percent).toBeGreaterThan(20);
    expect(cpu.percent).toBeLessThan(100 * 64);
  });
});
