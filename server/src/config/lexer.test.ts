import { describe, expect, it } from "vitest";
import { Lexer, LexError, type ValueToken } from "./lexer.js";

/** Scan one value from `text` and describe it as [kind, value]. */
function scan(text: string): [string, unknown] {
  const t: ValueToken = new Lexer(text).value();
  switch (t.kind) {
    case "variable": return [t.kind, t.name];
    case "mapStart": case "arrayStart": return [t.kind, null];
    case "datetime": return [t.kind, t.value.toISOString()];
    default: return [t.kind, t.value];
  }
}

function scanError(text: string): string {
  try {
    new Lexer(text).value();
  } catch (err) {
    if (err instanceof LexError) return err.message;
    throw err;
  }
  return "no error";
}

describe("values", () => {
  const table: Array<[string, string, unknown]> = [
    ["4222", "int", 4222],
    ["-12", "int", -12],
    ["00", "int", 0],
    ["1k", "int", 1000],
    ["1KB", "int", 1024],
    ["2mib", "int", 2 * 1024 * 1024],
    ["1M", "int", 1_000_000],
    ["-1k", "int", -1000],
    ["3G\n", "int", 3e9],
    ["1.5", "float", 1.5],
    ["-0.25", "float", -0.25],
    ["12}", "int", 12],
    ["12,", "int", 12],
    ["12 # comment", "int", 12],
    ["true", "bool", true],
    ["TRUE", "bool", true],
    ["Yes", "bool", true],
    ["on", "bool", true],
    ["off", "bool", false],
    ["no", "bool", false],
    ["False", "bool", false],
    ["truex", "string", "truex"],
    ['"true"', "string", "true"],
    ["'12'", "string", "12"],
    ["hello", "string", "hello"],
    ["hello world", "string", "hello"],
    ["a#b", "string", "a#b"],
    ["a//b", "string", "a//b"],
    ["a:b:c", "string", "a:b:c"],
    ["a\\tb", "string", "a\tb"],
    ["a\\x41", "string", "aA"],
    ["+12", "string", "+12"],
    ["42x22", "string", "42x22"],
    ["10s", "string", "10s"],
    ["1kbx", "string", "1kbx"],
    ["1_000", "string", "1_000"],
    ["12:30", "string", "12:30"],
    ["127.0.0.1:4222", "string", "127.0.0.1:4222"],
    ["1.2.3.4", "string", "1.2.3.4"],
    ["0x10", "string", "0x10"],
    [",", "string", ""],
    ["}", "string", ""],
    ["", "string", ""],
    ['"a\\x41\\x42"', "string", "aAB"],
    ['"a\\xe2\\x82\\xac"', "string", "a\u20ac"],
    ['"a\\\\b\\"c"', "string", 'a\\b"c'],
    ['"tab\\there\\nnl\\rcr"', "string", "tab\there\nnl\rcr"],
    ['"multi\nline"', "string", "multi\nline"],
    ["'a\\tb'", "string", "a\\tb"],
    ['"é€"', "string", "é€"],
    ["(\nhello\nworld\n)\n", "string", "\nhello\nworld\n"],
    ["(hello\n)", "string", "hello\n"],
    ["(\nhello)\n)\n", "string", "\nhello)\n"],
    ['(\nhe"ll\\to\n)', "string", '\nhe"ll\\to\n'],
    ["$VAR", "variable", "VAR"],
    ["$N-x", "variable", "N-x"],
    ["${N}", "variable", "{N"],
    ["$", "variable", ""],
    ["$2a$11$abc", "string", "$2a$11$abc"],
    ["{", "mapStart", null],
    ["[", "arrayStart", null],
    ["2006-01-02T15:04:05Z", "datetime", "2006-01-02T15:04:05.000Z"],
  ];
  it.each(table)("%j is %s %j", (text, kind, value) => {
    expect(scan(text)).toEqual([kind, value]);
  });
});

describe("value errors", () => {
  const table: Array<[string, string]> = [
    ['"abc', "Parse error on line 1: 'Unexpected EOF.'"],
    ['"abc\n', "Parse error on line 2: 'Unexpected EOF.'"],
    ["'abc", "Parse error on line 1: 'Unexpected EOF.'"],
    ['"a\\qb"', "Parse error on line 1: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'"],
    ['"a\\\n"', "Parse error on line 2: 'Invalid escape character '\\n'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'"],
    ['"a\\x4"', "Parse error on line 1: 'Expected two hexadecimal digits after '\\x', but got '4\"''"],
    ['"a\\xZZ"', "Parse error on line 1: 'Expected two hexadecimal digits after '\\x', but got 'ZZ''"],
    ["a\\qb", "Parse error on line 1: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'"],
    ["(hello)", "Parse error on line 1: 'Unexpected EOF processing block.'"],
    ["(\nhello\n) x\n", "Parse error on line 4: 'Unexpected EOF processing block.'"],
    ["-abc", "Parse error on line 1: 'Expected a digit but got 'a'.'"],
    [".5", "Parse error on line 1: 'Floats must start with a digit'"],
    ["1.\n", "Parse error on line 2: 'Floats must have a digit after the '.', but got '\\n' instead.'"],
    ["12.a", "Parse error on line 1: 'Floats must have a digit after the '.', but got 'a' instead.'"],
    ["1.", "Parse error on line 1: 'Floats must have a digit after the '.', but got '\u0000' instead.'"],
    ["2006-01-02\n", "Parse error on line 2: 'Expected 'T' in ISO8601 datetime, but found '\\n' instead.'"],
    ["1-2", "Parse error on line 1: 'All ISO8601 dates must be in full Zulu form.'"],
    ["9223372036854775808", "integer '9223372036854775808' is out of the range"],
    ["10e", "integer '10e' is out of the range"],
  ];
  it.each(table)("%j", (text, msg) => {
    expect(scanError(text)).toBe(msg);
  });
  it("keeps the line of the error", () => {
    try {
      new Lexer('"\n\n').value();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LexError);
      expect((err as LexError).line).toBe(3);
    }
  });
});

describe("keys and separators", () => {
  it("scans keys with positions (1-based, bytes)", () => {
    const lx = new Lexer('  port: 1\n"quoted key" = 2\nécrit 3\nk\tv\n');
    const names: Array<[string, number, number]> = [];
    for (;;) {
      const k = lx.nextKey("top");
      if (k.kind !== "key") break;
      names.push([k.name, k.pos.line, k.pos.col]);
      expect(lx.keySeparator("top")).toBe(true);
      lx.value();
      expect(lx.afterValue("top")).toBe("next");
    }
    expect(names).toEqual([["port", 1, 3], ["quoted key", 2, 2], ["écrit", 3, 1], ["k", 4, 1]]);
  });

  it("recognises include only when followed by a blank", () => {
    const inc = new Lexer('include "a.conf"\n').nextKey("top");
    expect(inc).toMatchObject({ kind: "include", path: "a.conf" });
    const unq = new Lexer("INCLUDE sub/b.conf\n").nextKey("top");
    expect(unq).toMatchObject({ kind: "include", path: "sub/b.conf" });
    const key = new Lexer('include: "a.conf"\n').nextKey("top");
    expect(key).toMatchObject({ kind: "key", name: "include" });
    const eq = new Lexer('include=1\n').nextKey("top");
    expect(eq).toMatchObject({ kind: "key", name: "include" });
  });

  it("skips comments and the braces around a whole file", () => {
    const lx = new Lexer("# one\n// two\n{\n  port: 1\n}\n");
    expect(lx.nextKey("top")).toMatchObject({ kind: "key", name: "port" });
    lx.keySeparator("top");
    lx.value();
    lx.afterValue("top");
    expect(lx.nextKey("top").kind).toBe("eof");
  });

  const sepErrors: Array<[string, "top" | "map", string]> = [
    ["= 1", "top", "Parse error on line 1: 'Unexpected key separator '=''"],
    [": 1", "map", "Parse error on line 1: 'Unexpected key separator ':'.'"],
    ["/x", "top", "Parse error on line 1: 'Unexpected EOF.'"],
    ["", "map", "Parse error on line 1: 'Unexpected EOF processing map.'"],
    ["include\n", "top", "Parse error on line 2: 'Expected include value but found new line'"],
  ];
  it.each(sepErrors)("key error %j (%s)", (text, ctx, msg) => {
    expect(() => new Lexer(text).nextKey(ctx)).toThrow(msg);
  });

  it("reports a missing value", () => {
    const lx = new Lexer("port: \n");
    lx.nextKey("top");
    expect(() => lx.keySeparator("top")).toThrow("Parse error on line 2: 'Expected value but found new line'");
    const eof = new Lexer("port  \n");
    eof.nextKey("top");
    expect(eof.keySeparator("top")).toBe(false);
    const inMap = new Lexer("user");
    inMap.nextKey("map");
    expect(() => inMap.keySeparator("map")).toThrow("Parse error on line 1: 'Unexpected EOF processing map key.'");
  });
});

describe("after a value", () => {
  const table: Array<[string, "top" | "map" | "array", string]> = [
    ["\n", "top", "next"], ["", "top", "next"], [" # c\n", "top", "next"], [" // c", "top", "next"], [";", "top", "next"],
    [",", "top", "next"], ["}", "top", "next"], [",", "map", "next"], [";", "map", "next"], ["\n", "map", "next"],
    [" }", "map", "end"], [",", "array", "next"], ["\n", "array", "next"], ["]", "array", "end"], [" # c\n", "array", "next"],
  ];
  it.each(table)("%j in %s -> %s", (text, ctx, want) => {
    expect(new Lexer(text).afterValue(ctx)).toBe(want);
  });
  const errors: Array<[string, "top" | "map" | "array", string]> = [
    [" foo", "top", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'f' instead.'"],
    [" /x", "top", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'x' instead.'"],
    ["]", "top", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got ']' instead.'"],
    [" p", "map", "Parse error on line 1: 'Expected a map value terminator \",\" or a map terminator \"}\", but got 'p' instead.'"],
    ["", "map", "Parse error on line 1: 'Expected a map value terminator \",\" or a map terminator \"}\", but got '\u0000' instead.'"],
    [" b", "array", "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got 'b' instead.'"],
    [";", "array", "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got ';' instead.'"],
  ];
  it.each(errors)("%j in %s fails", (text, ctx, msg) => {
    expect(() => new Lexer(text).afterValue(ctx)).toThrow(msg);
  });
  it("rejects an array starting with a comma and reports EOF in an array", () => {
    expect(() => new Lexer(",]").arrayItem()).toThrow("Parse error on line 1: 'Unexpected array value terminator ','.'");
    expect(() => new Lexer("\n").arrayItem()).toThrow(
      "Parse error on line 2: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\u0000' instead.'",
    );
    expect(new Lexer(" # c\n ]").arrayItem()).toBe("end");
    expect(new Lexer(" a").arrayItem()).toBe("value");
  });
});
