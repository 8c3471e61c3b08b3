import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CpuSampler, diskAvailable, jetStreamStoreDir } from "./varz.js";

describe("varz helpers", () => {
  it("reports the JetStream store directory as nats-server does", () => {
    expect(jetStreamStoreDir("")).toBe(join(tmpdir(), "nats", "jetstream"));
    expect(jetStreamStoreDir("/data")).toBe("/data/jetstream");
    expect(jetStreamStoreDir("/data/jetstream")).toBe("/data/jetstream/jetstream");
  });

  it("finds free disk space through the nearest existing directory", () => {
    const free = diskAvailable(join(tmpdir(), "does", "not", "exist", "yet"));
    expect(free).not.toBeNull();
    expect(free as number).toBeGreaterThan(0);
  });

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
