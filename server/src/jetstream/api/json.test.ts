import { describe, expect, it } from "vitest";
import { GoBool, GoInt, GoString, decodeGo, goEnum, type GoStruct } from "./json-decode.js";
import { goQuote, goQuoteBytes, goUtf8 } from "./json-scan.js";
import { GO_ZERO_TIME_NANOS, formatGoDuration, formatRFC3339Nano, formatUnixNanos, goJsonString, marshalGo, nowUnixNanos, parseGoTimeText, parseJsonLossless, parseRFC3339, sortedMap } from "./json.js";

describe("Go durations", () => {
  it.each([
    [0, "0s"], [1, "1ns"], [999, "999ns"], [1500, "1.5µs"], [100_000_000, "100ms"], [1_500_000, "1.5ms"],
    [1_000_000_000, "1s"], [1_500_000_000, "1.5s"], [10_000_000_000, "10s"], [60_000_000_000, "1m0s"], [90_000_000_000, "1m30s"],
    [120_000_000_000, "2m0s"], [3_600_000_000_000, "1h0m0s"], [7_384_500_000_000, "2h3m4.5s"], [-5_000_000_000, "-5s"], [1_000_000_001, "1.000000001s"],
  ])("%d ns is %s", (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it("formats bigint durations", () => {
    expect(formatGoDuration(9_223_372_036_854_775_807n)).toBe("2562047h47m16.854775807s");
  });
});

describe("Go times", () => {
  it("keeps nanoseconds and the zone offset", () => {
    const t = parseRFC3339("2020-01-01T00:00:00.123456789+01:00");
    expect(t).toEqual({ unixNanos: 1_577_833_200_123_456_789n, offsetSeconds: 3600 });
    expect(formatRFC3339Nano(t)).toBe("2020-01-01T00:00:00.123456789+01:00");
  });

  it("trims fraction zeros and writes Z for a zero offset", () => {
    expect(formatRFC3339Nano(parseRFC3339("2020-01-01T00:00:00.500000000-00:00"))).toBe("2020-01-01T00:00:00.5Z");
    expect(formatUnixNanos(0n)).toBe("1970-01-01T00:00:00Z");
    expect(formatUnixNanos(GO_ZERO_TIME_NANOS)).toBe("0001-01-01T00:00:00Z");
    expect(formatUnixNanos(-1n)).toBe("1969-12-31T23:59:59.999999999Z");
  });

  it("accepts what Go's RFC3339 layout accepts", () => {
    const ok = (s: string): string => {
      const r = parseGoTimeText(s);
      if ("error" in r) throw new Error(r.error);
      return formatRFC3339Nano(r.time);
    };
    expect(ok("2020-01-01T1:00:00Z")).toBe("2020-01-01T01:00:00Z");
    expect(ok("2020-01-01T00:00:00,5Z")).toBe("2020-01-01T00:00:00.5Z");
    expect(ok("2020-01-01T00:00:00.1234567891234Z")).toBe("2020-01-01T00:00:00.123456789Z");
    expect(ok("2020-01-01T00:00:00+01:60")).toBe("2020-01-01T00:00:00+02:00");
    expect(ok("2024-02-29T12:00:00Z")).toBe("2024-02-29T12:00:00Z");
  });

  it("reports Go's parse errors", () => {
    const err = (s: string): string => {
      const r = parseGoTimeText(s);
      return "error" in r ? r.error : "accepted";
    };
    expect(err("bad")).toBe('parsing time "bad" as "2006-01-02T15:04:05Z07:00": cannot parse "bad" as "2006"');
    expect(err("2020-01-01")).toBe('parsing time "2020-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"');
    expect(err("2020-01-01T00:00:00")).toBe('parsing time "2020-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
    expect(err("2020-13-01T00:00:00Z")).toBe('parsing time "2020-13-01T00:00:00Z": month out of range');
    expect(err("2021-02-29T00:00:00Z")).toBe('parsing time "2021-02-29T00:00:00Z": day out of range');
    expect(err("2020-01-01T00:00:00Zx")).toBe('parsing time "2020-01-01T00:00:00Zx": extra text: "x"');
    expect(err("2020-01-01T00:00:00.Z")).toBe('parsing time "2020-01-01T00:00:00.Z" as "2006-01-02T15:04:05Z07:00": cannot parse ".Z" as "Z07:00"');
    expect(err("2020-01-01T00:00:00+25:00")).toBe('parsing time "2020-01-01T00:00:00+25:00": time zone offset hour out of range');
    expect(err("2020-01-01T00:00:00\xe9")).toBe('parsing time "2020-01-01T00:00:00\\xe9" as "2006-01-02T15:04:05Z07:00": cannot parse "\\xe9" as "Z07:00"');
  });

  it("gives a monotonic nanosecond clock near the wall clock", () => {
    const a = nowUnixNanos();
    const b = nowUnixNanos();
    expect(b >= a).toBe(true);
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(a > wall - 1_000_000_000n && a < wall + 1_000_000_000n).toBe(true);
  });
});

describe("Go JSON output", () => {
  it("escapes like Go's HTML-safe encoder", () => {
    expect(goJsonString("a<b>&c\u2028\u2029\"\\\n\u0001é")).toBe('"a\\u003cb\\u003e\\u0026c\\u2028\\u2029\\"\\\\\\n\\u0001é"');
    expect(goJsonString("\ud800x")).toBe('"\ufffdx"');
  });

  it("keeps struct order, sorts map fields, writes bigints", () => {
    const v = { z: 1, a: { b: 2 }, metadata: { b: "1", "10": "x", "9": "y", a: "2" }, big: 9_223_372_036_854_775_807n, skip: undefined, list: [null, true] };
    expect(marshalGo(v)).toBe('{"z":1,"a":{"b":2},"metadata":{"10":"x","9":"y","a":"2","b":"1"},"big":9223372036854775807,"list":[null,true]}');
    expect(marshalGo({ x: 1.5 })).toBe('{"x":1.5}');
    expect(() => marshalGo({ x: Number.NaN })).toThrow();
  });

  it("parses JSON without losing large integers", () => {
    const v = parseJsonLossless('{"a":9223372036854775807,"b":1,"c":1.5,"d":"s\\u003e","e":[null,false]}') as Record<string, unknown>;
    expect(v).toEqual({ a: 9_223_372_036_854_775_807n, b: 1, c: 1.5, d: "s>", e: [null, false] });
    expect(marshalGo(v)).toBe('{"a":9223372036854775807,"b":1,"c":1.5,"d":"s\\u003e","e":[null,false]}');
    expect(() => parseJsonLossless("{} {}")).toThrow();
    expect(() => parseJsonLossless("")).toThrow();
  });

  it("sorts maps bytewise", () => {
    expect(Object.keys(sortedMap({ b: 1, B: 2, a: 3, "é": 4 }))).toEqual(["B", "a", "b", "é"]);
  });

  it("reads invalid UTF-8 as Go does, one U+FFFD per bad byte", () => {
    expect(goUtf8(Buffer.from([0x61, 0xe2, 0x82, 0x62]))).toBe("a\ufffd\ufffdb");
    expect(goUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe("\ufffd\ufffd\ufffd");
    expect(goUtf8(Buffer.from([0xc0, 0xaf, 0xf0, 0x9f, 0x98, 0x80]))).toBe("\ufffd\ufffd\u{1f600}");
  });

  it("quotes like strconv.Quote", () => {
    expect(goQuote('a"b\\c\n\x01é\u200b')).toBe('"a\\"b\\\\c\\n\\x01é\\u200b"');
    expect(goQuoteBytes(Buffer.from([0x61, 0xff, 0xc3, 0xa9]))).toBe('"a\\xffé"');
  });
});

const INNER: GoStruct = { k: "struct", name: "server.Inner", fields: [{ json: "n", type: GoInt.int64 }, { json: "s", type: GoString }] };
const REQ: GoStruct = {
  k: "struct",
  name: "server.Req",
  fields: [
    { json: "name", type: GoString, via: ["Embedded"] },
    { json: "count", type: GoInt.int32, via: ["Embedded"] },
    { json: "u", type: GoInt.uint64 },
    { json: "flag", type: GoBool },
    { json: "list", type: { k: "slice", name: "[]string", elem: GoString } },
    { json: "items", type: { k: "slice", name: "[]*server.Inner", elem: { k: "ptr", elem: INNER } } },
    { json: "inner", type: { k: "ptr", elem: INNER } },
    { json: "map", type: { k: "map", name: "map[string]string", elem: GoString } },
    { json: "color", type: goEnum("server.Color", { '"red"': "red" }, () => "bad color") },
  ],
};

describe("Go-style request decoding", () => {
  const decode = (body: string): unknown => {
    const r = decodeGo(REQ, body);
    return "error" in r ? r.error : r.value;
  };

  it("decodes fields, case-insensitively, merging consecutive values", () => {
    expect(decode('{"NAME":"a","count":3,"list":["x"],"inner":{"n":1}} {"inner":{"s":"t"},"flag":true}'))
      .toEqual({ name: "a", count: 3, list: ["x"], inner: { n: 1, s: "t" }, flag: true });
    expect(decode('{"items":[{"n":1,"s":"a"}],"items":[{"n":2}]}')).toEqual({ items: [{ n: 2, s: "a" }] });
    expect(decode('{"map":{"a":"1"},"map":{"b":null}}')).toEqual({ map: { a: "1", b: "" } });
    expect(decode('{"list":null,"inner":null,"count":null,"color":"red"}')).toEqual({ list: undefined, inner: undefined, color: "red" });
    expect(decode("  ")).toEqual({});
  });

  it("reports syntax errors with Go's words and offsets", () => {
    expect(decode("{")).toBe("unexpected EOF");
    expect(decode('{"name":"a",}')).toBe("invalid character '}' looking for beginning of object key string at offset 13");
    expect(decode('{"name" 1}')).toBe("invalid character '1' after object key at offset 9");
    expect(decode('{"list":["a" "b"]}')).toBe("invalid character '\"' after array element at offset 14");
    expect(decode('{"count":1x}')).toBe("invalid character 'x' after object key:value pair at offset 11");
    expect(decode('{"count":-}')).toBe("invalid character '}' in numeric literal at offset 11");
    expect(decode('{"count":1.}')).toBe("invalid character '}' after decimal point in numeric literal at offset 12");
    expect(decode('{"count":1e+}')).toBe("invalid character '}' in exponent of numeric literal at offset 13");
    expect(decode('{"flag":fals}')).toBe("invalid character '}' in literal false (expecting 'e') at offset 13");
    expect(decode('{"name":"\\q"}')).toBe("invalid character 'q' in string escape code at offset 11");
    expect(decode('{"name":"\\u12x4"}')).toBe("invalid character 'x' in \\u hexadecimal character escape at offset 14");
    expect(decode('{"name":"a\tb"}')).toBe("invalid character '\\t' in string literal at offset 11");
    expect(decode("{} '")).toBe("invalid character '\\'' looking for beginning of value at offset 4");
  });

  it("reports type errors with the struct and field path", () => {
    expect(decode('{"count":"x"}')).toBe("json: cannot unmarshal string into Go struct field Req.Embedded.count of type int32");
    expect(decode('{"count":2147483648}')).toBe("json: cannot unmarshal number 2147483648 into Go struct field Req.Embedded.count of type int32");
    expect(decode('{"u":-1}')).toBe("json: cannot unmarshal number -1 into Go struct field Req.u of type uint64");
    expect(decode('{"items":[{"n":1.0}]}')).toBe("json: cannot unmarshal number 1.0 into Go struct field Inner.items.n of type int64");
    expect(decode('{"inner":[]}')).toBe("json: cannot unmarshal array into Go struct field Req.inner of type server.Inner");
    expect(decode('{"map":{"a":1}}')).toBe("json: cannot unmarshal number into Go struct field Req.map of type string");
    expect(decode("[]")).toBe("json: cannot unmarshal array into Go value of type server.Req");
    expect(decode('{"zzz":1,"count":"x"}')).toBe('json: unknown field "zzz"');
    expect(decode('{"count":"x","color":"blue"}')).toBe("bad color");
  });

  it("decodes already-parsed values", () => {
    expect(decodeGo(REQ, { name: "a", count: 2 })).toEqual({ value: { name: "a", count: 2 } });
    expect(decodeGo(REQ, { count: 1.5 })).toEqual({ error: "json: cannot unmarshal number 1.5 into Go struct field Req.Embedded.count of type int32" });
  });
});
