import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ConfMap, type ConfNode, ConfParseError, goTypeName, natsPos, parseConfig, plainValue } from "./parser.js";

const env = (vars: Record<string, string>) => (name: string): string | undefined => vars[name];

function parse(text: string, vars: Record<string, string> = {}): ConfMap {
  return parseConfig(text, "t.conf", { env: env(vars) });
}

function plain(text: string, vars: Record<string, string> = {}): unknown {
  return plainValue(parse(text, vars));
}

function parseError(text: string, vars: Record<string, string> = {}, file = "t.conf"): string {
  try {
    parseConfig(text, file, { env: env(vars) });
  } catch (err) {
    if (err instanceof ConfParseError) return err.message;
    throw err;
  }
  return "no error";
}

function entry(m: ConfMap, key: string): ConfNode {
  const e = m.entries.get(key);
  if (e === undefined) throw new Error(`no key ${key}`);
  return e.value;
}

describe("syntax", () => {
  const table: Array<[string, string, unknown]> = [
    ["separators", "a = 1\nb: 2\nc 3\n", { a: 1, b: 2, c: 3 }],
    ["terminators", "a: 1; b: 2, c: 3\n", { a: 1, b: 2, c: 3 }],
    ["quoted keys", "\"a b\": 1\n'c': 2\n", { "a b": 1, c: 2 }],
    ["comments", "# c1\na: 1 # c2\n// c3\nb: x // c4\n", { a: 1, b: "x" }],
    ["booleans", "a: true\nb: OFF\nc: Yes\nd: no\n", { a: true, b: false, c: true, d: false }],
    ["numbers and sizes", "a: 1\nb: -2\nc: 1.5\nd: 1MB\ne: 1M\nf: 2k\n", { a: 1, b: -2, c: 1.5, d: 1048576, e: 1000000, f: 2000 }],
    ["strings", "a: \"x\\ty\"\nb: 'x\\ty'\nc: word\n", { a: "x\ty", b: "x\\ty", c: "word" }],
    ["block string", "a: (\n  line 1\n  line 2\n)\nb: 1\n", { a: "\n  line 1\n  line 2\n", b: 1 }],
    ["nested maps", "a { b { c: 1 }, d: [1 , 2 ] }\n", { a: { b: { c: 1 }, d: [1, 2] } }],
    ["map with separators", "a: { x: 1 }\nb = {y=2}\n", { a: { x: 1 }, b: { y: 2 } }],
    ["arrays with newlines and commas", "a: [\n  x\n  y, z,\n]\n", { a: ["x", "y", "z"] }],
    ["array of maps", "a: [{u: 1}, {u: 2}\n {u: 3}]\n", { a: [{ u: 1 }, { u: 2 }, { u: 3 }] }],
    ["nested arrays", "a: [[1 ], [x, y]]\n", { a: [[1], ["x", "y"]] }],
    ["empty containers", "a: []\nb: {}\n", { a: [], b: {} }],
    ["comments in containers", "a: [ # c\n x // d\n]\nb {\n # c\n y: 1 // d\n}\n", { a: ["x"], b: { y: 1 } }],
    ["braces around the file", "{\n a: 1\n}\n", { a: 1 }],
    ["duplicate keys: last wins", "a: 1\na: 2\n", { a: 2 }],
    ["CRLF", "a: 1\r\nb: x\r\n", { a: 1, b: "x" }],
    ["empty value at a terminator", "a: ,\nb: 1\n", { a: "", b: 1 }],
    ["datetime", "a: 2006-01-02T15:04:05Z\n", { a: new Date("2006-01-02T15:04:05Z") }],
  ];
  it.each(table)("%s", (_name, text, want) => {
    expect(plain(text)).toEqual(want);
  });

  it("records positions of keys and values (printed the nats-server way)", () => {
    const m = parse("port: 1\n  auth {\n    user: a\n  }\nlist: [ x, y ]\n");
    const port = m.entries.get("port");
    expect(port?.keyPos).toEqual({ file: "t.conf", line: 1, col: 1 });
    expect(natsPos(port?.keyPos ?? { file: "", line: 0, col: 0 })).toBe("t.conf:1:0");
    const auth = m.entries.get("auth");
    expect(auth && natsPos(auth.keyPos)).toBe("t.conf:2:3");
    const inner = auth?.value;
    expect(inner?.kind).toBe("map");
    if (inner?.kind === "map") {
      expect(inner.pos).toEqual({ file: "t.conf", line: 3, col: 5 }); // a map sits where its first key is
      expect(inner.entries.get("user")?.keyPos).toEqual({ file: "t.conf", line: 3, col: 5 });
    }
    const list = entry(m, "list");
    expect(list.kind === "array" ? list.items.map((i) => natsPos(i.pos)) : []).toEqual(["t.conf:5:9", "t.conf:5:12"]);
  });

  it("names Go types", () => {
    const m = parse("s: x\ni: 1\nf: 1.5\nb: true\nd: 2006-01-02T15:04:05Z\na: []\nm: {}\n");
    expect(["s", "i", "f", "b", "d", "a", "m"].map((k) => goTypeName(entry(m, k)))).toEqual([
      "string", "int64", "float64", "bool", "time.Time", "[]interface {}", "map[string]interface {}",
    ]);
  });
});

describe("syntax errors", () => {
  const table: Array<[string, string, string]> = [
    ["unterminated string", 'a: "abc\n', "Parse error on line 2: 'Unexpected EOF.'"],
    ["unterminated map", "a {\n b: 1\n", "Parse error on line 3: 'Unexpected EOF processing map.'"],
    ["unterminated array", "a: [1 , 2\n", "Parse error on line 2: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\u0000' instead.'"],
    ["unterminated block", "a: (\nabc\n", "Parse error on line 3: 'Unexpected EOF processing block.'"],
    ["missing map separator", "a { b: 1 c: 2 }\n", "Parse error on line 1: 'Expected a map value terminator \",\" or a map terminator \"}\", but got 'c' instead.'"],
    ["trailing garbage", "a: 1 b\n", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'b' instead.'"],
    ["key without value", "a: 1\nb\n", "config is invalid (t.conf:3:1)"],
    ["key without value at EOF", "a: 1\nbcd", "config is invalid (t.conf:2:4)"],
    ["value missing", "a:\n", "Parse error on line 2: 'Expected value but found new line'"],
    ["leading separator", "= 1\n", "Parse error on line 1: 'Unexpected key separator '=''"],
    ["integer overflow", "a: 9223372036854775808\n", "integer '9223372036854775808' is out of the range"],
    ["bad escape", 'a: "\\u0041"\n', "Parse error on line 1: 'Invalid escape character 'u'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'"],
  ];
  it.each(table)("%s", (_name, text, msg) => {
    expect(parseError(text)).toBe(msg);
  });
});

describe("variables", () => {
  const table: Array<[string, string, Record<string, string>, unknown]> = [
    ["earlier key", "N: 100\na: $N\n", {}, { N: 100, a: 100 }],
    ["enclosing scope", "N: 1\nm { b: $N }\n", {}, { N: 1, m: { b: 1 } }],
    ["innermost first", "N: 1\nm { N: 2, b: $N }\nc: $N\n", {}, { N: 1, m: { N: 2, b: 2 }, c: 1 }],
    ["in arrays and maps inside arrays", "N: x\na: [$N, {u: $N}]\n", {}, { N: "x", a: ["x", { u: "x" }] }],
    ["map and array values", "M: {k: 1}\nL: [1 ]\na: $M\nb: $L\n", {}, { M: { k: 1 }, L: [1], a: { k: 1 }, b: [1] }],
    ["quoted is literal", 'N: 1\na: "$N"\n', {}, { N: 1, a: "$N" }],
    ["bcrypt is literal", "a: $2a$11$abcdef\n", {}, { a: "$2a$11$abcdef" }],
    ["environment", "a: $SIZE\n", { SIZE: "1k" }, { a: 1000 }],
    ["environment string", "a: $Q\n", { Q: '"quoted"' }, { a: "quoted" }],
    ["environment bool", "a: $B\n", { B: "true" }, { a: true }],
    ["environment map", "a: $M\n", { M: "{x: 1}" }, { a: { x: 1 } }],
    ["environment empty", "a: $E\n", { E: "" }, { a: "" }],
    ["environment blank", "a: $E\n", { E: "  " }, { a: "  " }],
    ["environment extra keys ignored", "a: $E\n", { E: "5, x: 1" }, { a: 5 }],
    ["environment chain", "a: $X\n", { X: "$Y", Y: "7" }, { a: 7 }],
    ["config key wins over environment", "X: 1\na: $X\n", { X: "2" }, { X: 1, a: 1 }],
  ];
  it.each(table)("%s", (_name, text, vars, want) => {
    expect(plain(text, vars)).toEqual(want);
  });

  it("marks keys used as variables", () => {
    const m = parse("N: 1\nU: 2\na: $N\n");
    expect(m.entries.get("N")?.usedAsVariable).toBe(true);
    expect(m.entries.get("U")?.usedAsVariable).toBe(false);
    expect(m.entries.get("a")?.value.pos).toEqual({ file: "t.conf", line: 3, col: 4 });
  });

  const errors: Array<[string, string, Record<string, string>, string]> = [
    ["unknown", "a: $NOPE\n", {}, "variable reference for 'NOPE' on line 1 can not be found"],
    ["defined later", "a: $N\nN: 1\n", {}, "variable reference for 'N' on line 1 can not be found"],
    ["mutual reference", "a: $b\nb: $a\n", {}, "variable reference for 'b' on line 1 can not be found"],
    ["inner scope not visible outside", "m { N: 1 }\na: $N\n", {}, "variable reference for 'N' on line 2 can not be found"],
    ["case sensitive", "N: 1\na: $n\n", {}, "variable reference for 'n' on line 2 can not be found"],
    ["self cycle", "a: $X\n", { X: "$X" },
      "variable reference for 'X' on line 1 could not be parsed: variable reference for 'X' on line 1 could not be parsed: variable reference cycle for 'X'"],
    ["two-step cycle", "\na: $X\n", { X: "$Y", Y: "$X" },
      "variable reference for 'X' on line 2 could not be parsed: variable reference for 'Y' on line 1 could not be parsed: variable reference for 'X' on line 1 could not be parsed: variable reference cycle for 'X'"],
    ["unparsable environment", "a: $X\n", { X: "hello world" },
      "variable reference for 'X' on line 1 could not be parsed: Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'w' instead.'"],
    ["unterminated environment string", "a: $X\n", { X: '"abc' },
      "variable reference for 'X' on line 1 could not be parsed: Parse error on line 1: 'Unexpected EOF.'"],
  ];
  it.each(errors)("%s", (_name, text, vars, msg) => {
    expect(parseError(text, vars)).toBe(msg);
  });

  it("reads the real environment by default", () => {
    process.env["NATSTS_PARSER_TEST_VAR"] = "42";
    try {
      expect(plainValue(parseConfig("a: $NATSTS_PARSER_TEST_VAR\n", "t.conf"))).toEqual({ a: 42 });
    } finally {
      delete process.env["NATSTS_PARSER_TEST_VAR"];
    }
  });
});

describe("include", () => {
  const dir = mkdtempSync(join(tmpdir(), "natsts-parser-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): string => {
    const p = join(dir, rel);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  write("sub/a.conf", "a: 1\ninclude b.conf\n");
  write("sub/b.conf", "\n  b: 2\n");
  write("sub/auth.conf", "user: u\npassword: p\n");
  write("sub/vars.conf", "V: 9\n");
  write("sub/uses.conf", "x: $OUTER\n");
  write("sub/bad.conf", 'x: "\n');
  write("sub/self.conf", 'include "self.conf"\n');
  write("sub/ping.conf", 'include "pong.conf"\n');
  write("sub/pong.conf", 'include "ping.conf"\n');
  write("sub/empty.conf", "");

  const parseFile = (rel: string, text: string): ConfMap => parseConfig(text, write(rel, text), { env: env({}) });

  it("merges included keys in place, relative to the including file", () => {
    const m = parseFile("main.conf", 'top: 0\ninclude "sub/a.conf"\nlast: 3\n');
    expect(plainValue(m)).toEqual({ top: 0, a: 1, b: 2, last: 3 });
    expect(natsPos(m.entries.get("b")?.keyPos ?? m.pos)).toBe(`${join(dir, "sub/b.conf")}:2:3`);
  });

  it("includes into a map", () => {
    const m = parseFile("m2.conf", "authorization {\n  include 'sub/auth.conf'\n}\n");
    expect(plainValue(m)).toEqual({ authorization: { user: "u", password: "p" } });
  });

  it("makes the included file's keys usable as variables afterwards", () => {
    expect(plainValue(parseFile("m3.conf", 'include "sub/vars.conf"\nport: $V\n'))).toEqual({ V: 9, port: 9 });
  });

  it("accepts an empty included file", () => {
    expect(plainValue(parseFile("m4.conf", 'include "sub/empty.conf"\na: 1\n'))).toEqual({ a: 1 });
  });

  const errors: Array<[string, string, string]> = [
    ["missing file", 'include "nope.conf"\n', "error parsing include file 'nope.conf', open DIR/nope.conf: no such file or directory"],
    ["syntax error inside", 'include "sub/bad.conf"\n', "error parsing include file 'sub/bad.conf', Parse error on line 2: 'Unexpected EOF.'"],
    ["outer variables are not visible", 'OUTER: 1\ninclude "sub/uses.conf"\n',
      "error parsing include file 'sub/uses.conf', variable reference for 'OUTER' on line 1 can not be found"],
    ["self include", 'include "sub/self.conf"\n',
      "error parsing include file 'sub/self.conf', error parsing include file 'self.conf', include cycle: DIR/e.conf -> DIR/sub/self.conf -> DIR/sub/self.conf"],
    ["include cycle", 'include "sub/ping.conf"\n',
      "error parsing include file 'sub/ping.conf', error parsing include file 'pong.conf', error parsing include file 'ping.conf', include cycle: DIR/e.conf -> DIR/sub/ping.conf -> DIR/sub/pong.conf -> DIR/sub/ping.conf"],
    ["no path", "include\n", "Parse error on line 2: 'Expected include value but found new line'"],
  ];
  it.each(errors)("%s", (_name, text, msg) => {
    expect(parseError(text, {}, write("e.conf", text)).split(dir).join("DIR")).toBe(msg);
  });
});
