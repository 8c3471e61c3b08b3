import { describe, expect, it } from "vitest";
import {
  formatGoDuration,
  goQuote,
  nsToMs,
  parseGoBool,
  parseGoDuration,
  parseGoInt,
  parseJetStreamSizeString,
  sizeSuffixMultiplier,
} from "./units.js";

describe("size suffixes", () => {
  const table: Array<[string, bigint | undefined]> = [
    ["k", 1000n], ["K", 1000n], ["kb", 1024n], ["KB", 1024n], ["ki", 1024n], ["Ki", 1024n], ["kib", 1024n], ["KiB", 1024n],
    ["m", 1000n ** 2n], ["mb", 1024n ** 2n], ["mi", 1024n ** 2n], ["MiB", 1024n ** 2n],
    ["g", 1000n ** 3n], ["GB", 1024n ** 3n], ["gi", 1024n ** 3n], ["gib", 1024n ** 3n],
    ["t", 1000n ** 4n], ["tb", 1024n ** 4n], ["p", 1000n ** 5n], ["pb", 1024n ** 5n],
    ["e", 1000n ** 6n], ["eb", 1024n ** 6n], ["EiB", 1024n ** 6n],
    ["b", undefined], ["x", undefined], ["kbb", undefined], ["", undefined], ["s", undefined],
  ];
  it.each(table)("%s", (suffix, want) => {
    expect(sizeSuffixMultiplier(suffix)).toBe(want);
  });
});

describe("JetStream size strings", () => {
  const ok: Array<[string, number]> = [["1K", 1024], ["2M", 2 * 1024 ** 2], ["1G", 1024 ** 3], ["3T", 3 * 1024 ** 4]];
  it.each(ok)("%s", (s, want) => {
    expect(parseJetStreamSizeString("max_mem_store", s)).toBe(want);
  });
  const bad: Array<[string, string]> = [
    ["1GB", 'max_mem_store strconv.ParseInt: parsing "1G": invalid syntax'],
    ["1.5G", 'max_mem_store strconv.ParseInt: parsing "1.5": invalid syntax'],
    ["G", 'max_mem_store strconv.ParseInt: parsing "": invalid syntax'],
    ["12", "max_mem_store sizes defined as strings must end in K, M, G, T"],
    ["1g", "max_mem_store sizes defined as strings must end in K, M, G, T"],
    ["1P", "max_mem_store sizes defined as strings must end in K, M, G, T"],
  ];
  it.each(bad)("%s fails", (s, msg) => {
    expect(() => parseJetStreamSizeString("max_mem_store", s)).toThrow(msg);
  });
});

describe("Go durations", () => {
  const S = 1_000_000_000n;
  const ok: Array<[string, bigint]> = [
    ["0", 0n], ["-0", 0n], ["2m", 120n * S], ["1h30m", 5400n * S], ["500ms", 500_000_000n], ["1.5s", 1_500_000_000n],
    ["1us", 1000n], ["1\u00b5s", 1000n], ["1\u03bcs", 1000n], ["3ns", 3n], ["+5s", 5n * S], ["-2m", -120n * S],
    [".5s", 500_000_000n], ["5.s", 5n * S], ["1h1h", 7200n * S], ["1m1.25s", 61_250_000_000n],
  ];
  it.each(ok)("%s", (s, want) => {
    expect(parseGoDuration(s)).toBe(want);
  });
  const bad: Array<[string, string]> = [
    ["", 'time: invalid duration ""'],
    ["x", 'time: invalid duration "x"'],
    ["5", 'time: missing unit in duration "5"'],
    ["2x", 'time: unknown unit "x" in duration "2x"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["5 s", 'time: unknown unit " s" in duration "5 s"'],
    [".", 'time: invalid duration "."'],
    ["1h-1m", 'time: unknown unit "h-" in duration "1h-1m"'],
    ["9999999999h", 'time: invalid duration "9999999999h"'],
  ];
  it.each(bad)("%j fails", (s, msg) => {
    expect(() => parseGoDuration(s)).toThrow(msg);
  });

  const fmt: Array<[bigint, string]> = [
    [0n, "0s"], [5n * S, "5s"], [29n * S, "29s"], [-S, "-1s"], [60n * S, "1m0s"], [5400n * S, "1h30m0s"],
    [1_500_000_000n, "1.5s"], [500_000_000n, "500ms"], [1500n, "1.5\u00b5s"], [7n, "7ns"], [3661n * S + 1n, "1h1m1.000000001s"],
  ];
  it.each(fmt)("format %s", (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
  });

  it("converts to milliseconds", () => {
    expect(nsToMs(2n * S)).toBe(2000);
    expect(nsToMs(1500n)).toBe(0.0015);
  });
});

describe("Go ints and bools (flags)", () => {
  const ints: Array<[string, number | string]> = [
    ["4222", 4222], ["-1", -1], ["+5", 5], ["0x10", 16], ["017", 15], ["0o17", 15], ["0b101", 5], ["1_000", 1000], ["0", 0],
    ["abc", "parse error"], ["", "parse error"], ["1e3", "parse error"], [" 5", "parse error"], ["8222x", "parse error"],
    ["1__0", "parse error"], ["_1", "parse error"], ["1_", "parse error"],
    ["99999999999999999999", "value out of range"], ["9223372036854775807", 9223372036854775807],
  ];
  it.each(ints)("int %j", (s, want) => {
    const r = parseGoInt(s);
    if (typeof want === "number") expect(r).toEqual({ ok: true, value: want });
    else expect(r).toEqual({ ok: false, reason: want });
  });
  const bools: Array<[string, boolean | undefined]> = [
    ["1", true], ["t", true], ["T", true], ["true", true], ["TRUE", true], ["True", true],
    ["0", false], ["f", false], ["F", false], ["false", false], ["FALSE", false], ["False", false],
    ["yes", undefined], ["on", undefined], ["tRUE", undefined], ["", undefined],
  ];
  it.each(bools)("bool %j", (s, want) => {
    expect(parseGoBool(s)).toBe(want);
  });
});

describe("goQuote", () => {
  const table: Array<[string, string]> = [
    ["foo", '"foo"'], ['a"b', '"a\\"b"'], ["a\\tb", '"a\\\\tb"'], ["a\nb", '"a\\nb"'], ["\t", '"\\t"'],
    ["\u0001", '"\\x01"'], ["\ufeffport", '"\\ufeffport"'], ["é€", '"é€"'], ["", '""'],
  ];
  it.each(table)("%j", (s, want) => {
    expect(goQuote(s)).toBe(want);
  });
});
