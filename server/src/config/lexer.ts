// Character-level scanner for nats-server's configuration format. The parser drives it with the
// context it is in (top level, map, array), so each method scans exactly one syntactic piece: a key,
// the separator after it, a value, or what may follow a value. Error texts follow nats-server's
// ("Parse error on line N: '...'"), including the line it reports (the line after consuming the
// offending character).

import { fitsInt64, sizeSuffixMultiplier } from "./units.js";

/** Position of a token. line and col are 1-based; col counts UTF-8 bytes, as nats-server does. */
export interface SrcPos {
  line: number;
  col: number;
}

export type Ctx = "top" | "map" | "array";

export type ValueToken =
  | { kind: "string"; value: string; pos: SrcPos }
  | { kind: "bool"; value: boolean; pos: SrcPos }
  | { kind: "int"; value: number; pos: SrcPos }
  | { kind: "float"; value: number; pos: SrcPos }
  | { kind: "datetime"; value: Date; pos: SrcPos }
  | { kind: "variable"; name: string; pos: SrcPos }
  | { kind: "mapStart"; pos: SrcPos }
  | { kind: "arrayStart"; pos: SrcPos };

export type KeyToken =
  | { kind: "key"; name: string; pos: SrcPos }
  | { kind: "include"; path: string; pos: SrcPos }
  | { kind: "end"; pos: SrcPos }
  | { kind: "eof"; pos: SrcPos };

/** A syntax error; message is the complete text nats-server prints for it. */
export class LexError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = "LexError";
  }
}

const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ["true", true], ["yes", true], ["on", true],
  ["false", false], ["no", false], ["off", false],
]);

const ESCAPES: ReadonlyMap<string, string> = new Map([["t", "\t"], ["n", "\n"], ["r", "\r"], ['"', '"'], ["\\", "\\"]]);
const ESCAPE_HELP = 'Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.';

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isLetter = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isSpace = (c: string): boolean => c === " " || c === "\t";
const isNL = (c: string): boolean => c === "\n" || c === "\r";
/** Characters (and EOF, "") that end an unquoted value. */
const isValueEnd = (c: string): boolean =>
  c === "" || isSpace(c) || isNL(c) || c === "," || c === ";" || c === "}" || c === "]";
const isKeyEnd = (c: string): boolean => c === "" || isSpace(c) || isNL(c) || c === ":" || c === "=";

/** How nats-server shows a character in an error: a newline as \n, end of input as NUL. */
function show(c: string): string {
  if (c === "") return "\u0000";
  return c === "\n" ? "\\n" : c;
}

function utf8Len(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;

  constructor(private readonly src: string) {}

  pos(): SrcPos {
    return { line: this.line, col: this.col };
  }

  private peek(): string {
    const cp = this.src.codePointAt(this.i);
    return cp === undefined ? "" : String.fromCodePoint(cp);
  }

  private next(): string {
    const c = this.peek();
    if (c === "") return c;
    this.i += c.length;
    if (c === "\n") {
      this.line++;
      this.col = 1;
    } else {
      this.col += utf8Len(c.codePointAt(0) ?? 0);
    }
    return c;
  }

  private fail(msg: string): never {
    throw new LexError(`Parse error on line ${this.line}: '${msg}'`, this.line);
  }

  /** Consume the offending character (so the line is counted as nats-server counts it), then fail. */
  private failOn(fmt: (shown: string) => string): never {
    const c = this.next();
    this.fail(fmt(show(c)));
  }

  private skipLine(): void {
    while (this.peek() !== "" && this.peek() !== "\n") this.next();
  }

  private skipSpaces(): void {
    while (isSpace(this.peek())) this.next();
  }

  private readWhile(pred: (c: string) => boolean): string {
    const start = this.i;
    while (this.peek() !== "" && pred(this.peek())) this.next();
    return this.src.slice(start, this.i);
  }

  /** Next key of a map (or of the top level), an include directive, the map's end, or the end of input. */
  nextKey(ctx: "top" | "map"): KeyToken {
    for (;;) {
      const c = this.peek();
      if (c === "") {
        if (ctx === "map") this.fail("Unexpected EOF processing map.");
        return { kind: "eof", pos: this.pos() };
      }
      if (isSpace(c) || isNL(c)) {
        this.next();
      } else if (c === "#") {
        this.skipLine();
      } else if (c === "/") {
        this.next();
        if (this.peek() !== "/") this.fail("Unexpected EOF.");
        this.skipLine();
      } else if (ctx === "top" && (c === "{" || c === "}")) {
        this.next(); // braces around the whole file are allowed
      } else if (ctx === "map" && c === "}") {
        const pos = this.pos();
        this.next();
        return { kind: "end", pos };
      } else if (c === ":" || c === "=") {
        this.next();
        this.fail(`Unexpected key separator '${c}'${ctx === "map" ? "." : ""}`);
      } else if (c === '"' || c === "'") {
        this.next();
        const pos = this.pos();
        const name = this.readWhile((x) => x !== c);
        if (this.next() === "") this.fail(ctx === "map" ? "Unexpected EOF processing map key." : "Unexpected EOF.");
        return { kind: "key", name, pos };
      } else {
        const pos = this.pos();
        const name = this.readWhile((x) => !isKeyEnd(x));
        const after = this.peek();
        if (name.toLowerCase() === "include" && after !== ":" && after !== "=") return this.include(pos);
        return { kind: "key", name, pos };
      }
    }
  }

  private include(pos: SrcPos): KeyToken {
    this.skipSpaces();
    const c = this.peek();
    if (c === "" || isNL(c)) {
      this.next();
      this.fail("Expected include value but found new line");
    }
    let path: string;
    if (c === '"') path = this.doubleQuoted();
    else if (c === "'") path = this.singleQuoted();
    else path = this.readWhile((x) => !isValueEnd(x));
    return { kind: "include", path, pos };
  }

  /**
   * After a key: skip blanks (new lines too), then an optional ':' or '='. Returns false at the end of
   * input (a key without a value).
   */
  keySeparator(ctx: "top" | "map"): boolean {
    this.readWhile((c) => isSpace(c) || isNL(c));
    const c = this.peek();
    if (c === "") {
      if (ctx === "map") this.fail("Unexpected EOF processing map key.");
      return false;
    }
    if (c === ":" || c === "=") {
      this.next();
      this.skipSpaces();
      if (isNL(this.peek())) {
        this.next();
        this.fail("Expected value but found new line");
      }
    }
    return true;
  }

  /** Inside an array, before an element: the array's end, or "value" when an element follows. */
  arrayItem(): "end" | "value" {
    for (;;) {
      const c = this.peek();
      if (isSpace(c) || isNL(c)) {
        this.next();
      } else if (c === "#" || (c === "/" && this.src.startsWith("//", this.i))) {
        this.skipLine();
      } else if (c === "]") {
        this.next();
        return "end";
      } else if (c === ",") {
        this.next();
        this.fail("Unexpected array value terminator ','.");
      } else if (c === "") {
        this.fail('Expected an array value terminator "," or an array terminator "]", but got \'\u0000\' instead.');
      } else {
        return "value";
      }
    }
  }

  /** What may follow a value: "next" (another key or element) or "end" (the map or array closes). */
  afterValue(ctx: Ctx): "next" | "end" {
    this.skipSpaces();
    const c = this.peek();
    if (c === "#") {
      this.skipLine();
      return "next";
    }
    if (c === "/") {
      this.next();
      if (this.peek() !== "/") this.failOn((x) => this.endMessage(ctx, x));
      this.skipLine();
      return "next";
    }
    if (isNL(c) || c === ",") {
      this.next();
      return "next";
    }
    if (ctx === "top") {
      if (c === "") return "next";
      if (c === ";" || c === "}") {
        this.next();
        return "next";
      }
    } else if (ctx === "map") {
      if (c === ";") {
        this.next();
        return "next";
      }
      if (c === "}") {
        this.next();
        return "end";
      }
    } else if (c === "]") {
      this.next();
      return "end";
    }
    this.failOn((x) => this.endMessage(ctx, x));
  }

  private endMessage(ctx: Ctx, shown: string): string {
    if (ctx === "top") return `Expected a top-level value to end with a new line, comment or EOF, but got '${shown}' instead.`;
    if (ctx === "map") return `Expected a map value terminator "," or a map terminator "}", but got '${shown}' instead.`;
    return `Expected an array value terminator "," or an array terminator "]", but got '${shown}' instead.`;
  }

  /** A value. For maps and arrays only the opening bracket is consumed. */
  value(): ValueToken {
    const c = this.peek();
    const pos = this.pos();
    switch (c) {
      case "{":
        this.next();
        return { kind: "mapStart", pos };
      case "[":
        this.next();
        return { kind: "arrayStart", pos };
      case '"':
        return { kind: "string", value: this.doubleQuoted(), pos: this.posAfterQuote(pos) };
      case "'":
        return { kind: "string", value: this.singleQuoted(), pos: this.posAfterQuote(pos) };
      case "(":
        return { kind: "string", value: this.block(), pos };
      case "$":
        return this.variable(pos);
      case "-":
        this.next();
        if (!isDigit(this.peek())) this.failOn((x) => `Expected a digit but got '${x}'.`);
        return this.number(pos, "-");
      case ".":
        this.next();
        this.fail("Floats must start with a digit");
    }
    if (isDigit(c)) return this.number(pos, "");
    const s = this.unquoted();
    const b = BOOLS.get(s.toLowerCase());
    return b === undefined ? { kind: "string", value: s, pos } : { kind: "bool", value: b, pos };
  }

  private posAfterQuote(p: SrcPos): SrcPos {
    return { line: p.line, col: p.col + 1 };
  }

  private variable(pos: SrcPos): ValueToken {
    this.next();
    const name = this.readWhile((x) => !isValueEnd(x));
    // bcrypt hashes ($2a$..., $2b$..., $2y$...) are strings, not variable references
    if (/^2[abxy]?\$/.test(name)) return { kind: "string", value: `$${name}`, pos };
    return { kind: "variable", name, pos };
  }

  /** Digits already seen (after an optional '-'): integer with size suffix, float, date, or a string such as an IP. */
  private number(pos: SrcPos, sign: string): ValueToken {
    const start = this.i - sign.length;
    const digits = this.readWhile(isDigit);
    const c = this.peek();
    if (c === ".") {
      this.next();
      if (!isDigit(this.peek())) this.failOn((x) => `Floats must have a digit after the '.', but got '${x}' instead.`);
      this.readWhile(isDigit);
      if (sign === "" && (this.peek() === "." || this.peek() === ":")) {
        this.readWhile((x) => isDigit(x) || x === "." || x === ":");
        return { kind: "string", value: this.src.slice(start, this.i), pos };
      }
      return { kind: "float", value: Number(this.src.slice(start, this.i)), pos };
    }
    if (c === "-" && sign === "") return this.date(pos, digits);
    let mult = 1n;
    if (isLetter(c)) {
      const suffixStart = this.i;
      const suffix = this.readWhile(isLetter);
      const m = sizeSuffixMultiplier(suffix);
      if (m !== undefined) {
        mult = m;
      } else if (sign === "") {
        return { kind: "string", value: this.src.slice(start, suffixStart) + suffix + this.unquoted(), pos };
      } else {
        this.rewind(suffixStart, suffix);
      }
    } else if (sign === "" && !isValueEnd(c)) {
      // host:port, 1_000, 12#... : an unquoted string that happens to start with digits
      return { kind: "string", value: digits + this.unquoted(), pos };
    }
    const v = BigInt(sign + digits) * mult;
    if (!fitsInt64(v)) throw new LexError(`integer '${this.src.slice(start, this.i)}' is out of the range`, this.line);
    return { kind: "int", value: Number(v), pos };
  }

  /** Step back over ASCII letters just read (they are not part of the number). */
  private rewind(to: number, letters: string): void {
    this.i = to;
    this.col -= letters.length;
  }

  private date(pos: SrcPos, digits: string): ValueToken {
    const rest = this.src.slice(this.i, this.i + 16);
    if (digits.length === 4 && /^-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(rest)) {
      for (let k = 0; k < 16; k++) this.next();
      return { kind: "datetime", value: new Date(digits + rest), pos };
    }
    if (digits.length === 4 && /^-\d\d-\d\d/.test(rest) && rest[6] !== "T") {
      for (let k = 0; k < 6; k++) this.next();
      this.failOn((x) => `Expected 'T' in ISO8601 datetime, but found '${x}' instead.`);
    }
    this.next();
    this.fail("All ISO8601 dates must be in full Zulu form.");
  }

  /** An unquoted string; backslash escapes are interpreted as in double-quoted strings. */
  private unquoted(): string {
    const bytes: number[] = [];
    while (!isValueEnd(this.peek())) {
      const c = this.next();
      if (c === "\\") this.escape(bytes);
      else pushUtf8(bytes, c);
    }
    return decodeUtf8(bytes);
  }

  private doubleQuoted(): string {
    this.next();
    const bytes: number[] = [];
    for (;;) {
      const c = this.next();
      if (c === "") this.fail("Unexpected EOF.");
      if (c === '"') return decodeUtf8(bytes);
      if (c === "\\") this.escape(bytes);
      else pushUtf8(bytes, c);
    }
  }

  private escape(bytes: number[]): void {
    const e = this.next();
    const simple = ESCAPES.get(e);
    if (simple !== undefined) {
      pushUtf8(bytes, simple);
      return;
    }
    if (e === "x") {
      const two = this.src.slice(this.i, this.i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(two)) this.fail(`Expected two hexadecimal digits after '\\x', but got '${two}'`);
      this.next();
      this.next();
      bytes.push(parseInt(two, 16));
      return;
    }
    this.fail(`Invalid escape character '${show(e)}'. ${ESCAPE_HELP}`);
  }

  private singleQuoted(): string {
    this.next();
    const s = this.readWhile((x) => x !== "'");
    if (this.next() === "") this.fail("Unexpected EOF.");
    return s;
  }

  /** Block string: everything after '(' up to a line holding only ')'. The text keeps its final new line. */
  private block(): string {
    this.next();
    const start = this.i;
    let k = this.src.indexOf("\n)", start);
    while (k !== -1 && !(this.src.length === k + 2 || this.src[k + 2] === "\n")) k = this.src.indexOf("\n)", k + 1);
    if (k === -1) {
      while (this.next() !== "");
      this.fail("Unexpected EOF processing block.");
    }
    while (this.i < k + 2) this.next();
    return this.src.slice(start, k + 1);
  }
}

function pushUtf8(bytes: number[], s: string): void {
  for (const b of Buffer.from(s, "utf8")) bytes.push(b);
}

function decodeUtf8(bytes: number[]): string {
  return Buffer.from(bytes).toString("utf8");
}
