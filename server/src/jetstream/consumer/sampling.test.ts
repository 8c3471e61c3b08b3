import { describe, expect, it } from "vitest";
import { samplingRate, shouldSample } from "./sampling.js";

describe("ack sampling", () => {
  it("reads sample_freq with and without the percent sign", () => {
    expect(samplingRate(undefined)).toBe(0);
    expect(samplingRate("")).toBe(0);
    expect(samplingRate("30")).toBe(30);
    expect(samplingRate("30%")).toBe(30);
    expect(samplingRate("100%")).toBe(100);
    expect(samplingRate("+7")).toBe(7);
  });

  it("samples nothing at 0, everything from 100, and draws in between", () => {
    expect(shouldSample(0, () => 0)).toBe(false);
    expect(shouldSample(100, () => 0.999)).toBe(true);
    expect(shouldSample(250, () => 0.999)).toBe(true);
    // a draw of 0..99 is sampled when it is at most the rate
    expect(shouldSample(30, () => 0.30)).toBe(true);
    expect(shouldSample(30, () => 0.31)).toBe(false);
    expect(shouldSample(1, () => 0)).toBe(true);
  });
});
