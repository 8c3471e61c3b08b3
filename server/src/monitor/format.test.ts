import { describe, expect, it } from "vitest";
import { durationNs, goDuration, goDurationMs, goJSON, rfc3339Nano, uptime } from "./format.js";

describe("goDuration (Go time.Duration.String)", () => {
  it.each([
    [0n, "0s"],
    [1n, "1ns"],
    [999n, "999ns"],
    [1_000n, "1µs"],
    [1_500n, "1.5µs"],
    [261_000n, "261µs"],
    [261_123n, "261.123µs"],
    [1_000_000n, "1ms"],
    [1_234_000n, "1.234ms"],
    [1_234_567n, "1.234567ms"],
    [999_999_999n, "999.999999ms"],
    [1_000_000_000n, "1s"],
    [1_500_000_000n, "1.5s"],
    [4_000_000_001n, "4.000000001s"],
    [62_000_000_000n, "1m2s"],
    [60_000_000_000n, "1m0s"],
    [3_600_000_000_000n, "1h0m0s"],
    [3_600_500_000_000n, "1h0m0.5s"],
    [90_061_000_000_000n, "25h1m1s"],
    [-1_500n, "-1.5µs"],
    [-62_000_000_000n, "-1m2s"],
  ])("%s ns -> %s", (ns, text) => {
    expect(goDuration(ns)).toBe(text);
  });

  it("takes fractional milliseconds", () => {
    expect(goDurationMs(0.261)).toBe("261µs");
    expect(goDurationMs(12)).toBe("12ms");
    expect(goDurationMs(0)).toBe("0s");
  });

  it("converts option milliseconds to JSON nanoseconds", () => {
    expect(durationNs(120_000)).toBe(120_000_000_000);
    expect(durationNs(10_000)).toBe(10_000_000_000);
  });
});

describe("uptime (nats-server's coarse uptime)", () => {
  const S = 1000;
  const M = 60 * S;
  const H = 60 * M;
  const D = 24 * H;
  it.each([
    [0, "0s"],
    [999, "0s"],
    [1_999, "1s"],
    [59 * S, "59s"],
    [M + 2 * S, "1m2s"],
    [H, "1h0m0s"],
    [3 * H + 7 * S, "3h0m7s"],
    [2 * D + H, "2d1h0m0s"],
    [364 * D + 23 * H + 59 * M + 59 * S, "364d23h59m59s"],
    [365 * D, "1y0d0h0m0s"],
    [365 * D + 2 * D + 3 * H + 4 * M + 5 * S, "1y2d3h4m5s"],
    [-5, "0s"],
  ])("%s ms -> %s", (ms, text) => {
    expect(uptime(ms)).toBe(text);
  });
});

describe("rfc3339Nano", () => {
  const t = Date.UTC(2026, 10, 22, 0, 53, 18, 203);
  it("trims trailing zeros of the fraction", () => {
    expect(rfc3339Nano(t)).toBe("2026-11-22T00:53:18.203Z");
    expect(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5, 200))).toBe("2026-01-02T03:04:05.2Z");
  });
  it("omits a zero fraction", () => {
    expect(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5, 0))).toBe("2026-01-02T03:04:05Z");
  });
  it("keeps sub-millisecond precision", () => {
    expect(rfc3339Nano(t + 0.246)).toBe("2026-11-22T00:53:18.203246Z");
    expect(rfc3339Nano(t + 0.005)).toBe("2026-11-22T00:53:18.203005Z");
  });
  it("never rounds into the next millisecond", () => {
    expect(rfc3339Nano(t + 0.9996)).toBe("2026-11-22T00:53:18.203999Z");
  });
});

describe("goJSON", () => {
  it("pretty-prints with two spaces like MarshalIndent", () => {
    expect(goJSON({ a: 1, b: [], c: {}, d: ["x"] }, true)).toBe('{\n  "a": 1,\n  "b": [],\n  "c": {},\n  "d": [\n    "x"\n  ]\n}');
  });
  it("escapes HTML-unsafe characters as Go does", () => {
    expect(goJSON({ s: "foo.> <a & b>\u2028" }, false)).toBe('{"s":"foo.\\u003e \\u003ca \\u0026 b\\u003e\\u2028"}');
    expect(JSON.parse(goJSON({ s: "a>b" }, true))).toEqual({ s: "a>b" });
  });
  it("drops undefined fields (omitempty)", () => {
    expect(goJSON({ a: undefined, b: 2 }, false)).toBe('{"b":2}');
  });
});
