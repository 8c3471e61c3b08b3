// A JSON reader with the error behaviour of Go's encoding/json Decoder, which nats-server uses for
// every JetStream API request: a request body may hold several JSON values in a row (each is
// decoded into the same Go value, later ones overriding earlier fields), a syntax error anywhere
// in the value being read is reported as Go words it ("invalid character 'x' after object key")
// with the byte offset after the offending byte, and a body that ends inside a value is
// "unexpected EOF". The result is a small tree that keeps the raw text of every literal, since
// Go's decoding depends on it (`1.0` does not fit an int64; custom decoders see the raw bytes).

export type JsonNode =
  | { readonly t: "object"; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly t: "array"; readonly items: readonly JsonNode[] }
  | { readonly t: "string"; readonly value: string; readonly raw: Uint8Array }
  | { readonly t: "number"; readonly raw: string }
  | { readonly t: "bool"; readonly value: boolean }
  | { readonly t: "null" };

/** A syntax error (Go's *json.SyntaxError): `message` without the offset, `offset` = bytes read. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** The body ended inside a value (Go's io.ErrUnexpectedEOF). */
export class JsonUnexpectedEOF extends Error {
  constructor() {
    super("unexpected EOF");
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: how a byte is shown in a syntax error. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`;
}

function isPrintable(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if ((cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp === 0xfeff || cp === 0xfffe || cp === 0xffff) return false;
  if (cp >= 0xe000 && cp <= 0xf8ff) return false;
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x200e || cp === 0x200f) return false;
  return true;
}

/** Go's strconv.Quote of a (valid Unicode) string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (isPrintable(cp)) out += ch;
    else if (cp === 0x07) out += "\\a";
    else if (cp === 0x08) out += "\\b";
    else if (cp === 0x0c) out += "\\f";
    else if (cp === 0x0a) out += "\\n";
    else if (cp === 0x0d) out += "\\r";
    else if (cp === 0x09) out += "\\t";
    else if (cp === 0x0b) out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** Go's strconv.Quote of raw bytes: valid UTF-8 as text, each invalid byte as \xNN. */
export function goQuoteBytes(bytes: Uint8Array): string {
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SeqLen(bytes, i);
    if (n > 0) {
      out += goQuote(Buffer.from(bytes.subarray(i, i + n)).toString("utf8")).slice(1, -1);
      i += n;
    } else {
      out += `\\x${(bytes[i] ?? 0).toString(16).padStart(2, "0")}`;
      i += 1;
    }
  }
  return `${out}"`;
}

/** Length of the valid UTF-8 sequence at `i` (Go's rules: no overlongs, no surrogates, <= U+10FFFF), or 0. */
function utf8SeqLen(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** UTF-8 text of raw bytes the way Go reads them: each byte of an invalid sequence becomes U+FFFD. */
export function goUtf8(bytes: Uint8Array): string {
  let out = "";
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SeqLen(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > start) out += Buffer.from(bytes.subarray(start, i)).toString("utf8");
    out += "\ufffd";
    i += 1;
    start = i;
  }
  if (i > start) out += Buffer.from(bytes.subarray(start, i)).toString("utf8");
  return out;
}

/** Decodes the bytes of a JSON string body (between the quotes) as Go does: invalid UTF-8 and lone surrogates become U+FFFD. */
function unquote(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  let chunkStart = start;
  const flush = (to: number): void => {
    if (to > chunkStart) out += goUtf8(bytes.subarray(chunkStart, to));
  };
  let i = start;
  while (i < end) {
    if (bytes[i] !== 0x5c) {
      i++;
      continue;
    }
    flush(i);
    const e = bytes[i + 1] ?? 0;
    i += 2;
    switch (e) {
      case 0x62: out += "\b"; break;
      case 0x66: out += "\f"; break;
      case 0x6e: out += "\n"; break;
      case 0x72: out += "\r"; break;
      case 0x74: out += "\t"; break;
      case 0x75: {
        const hi = parseInt(Buffer.from(bytes.subarray(i, i + 4)).toString("latin1"), 16);
        i += 4;
        if (hi >= 0xd800 && hi < 0xdc00 && bytes[i] === 0x5c && bytes[i + 1] === 0x75) {
          const lo = parseInt(Buffer.from(bytes.subarray(i + 2, i + 6)).toString("latin1"), 16);
          if (lo >= 0xdc00 && lo < 0xe000) {
            out += String.fromCharCode(hi, lo);
            i += 6;
            break;
          }
        }
        out += hi >= 0xd800 && hi < 0xe000 ? "\ufffd" : String.fromCharCode(hi);
        break;
      }
      default: out += String.fromCharCode(e); // " \ /
    }
    chunkStart = i;
  }
  flush(end);
  return out;
}

type Ctx = "top" | "key" | "value" | "element";

const END_MESSAGES: Record<Exclude<Ctx, "top">, string> = {
  key: "after object key",
  value: "after object key:value pair",
  element: "after array element",
};

/** Reads consecutive JSON values from a byte buffer, Go Decoder style. */
export class GoJsonReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** The next value, or null at the end of the input (only whitespace left). Throws JsonSyntaxError / JsonUnexpectedEOF. */
  next(): JsonNode | null {
    this.skipSpace();
    if (this.pos >= this.buf.length) return null;
    return this.value("top");
  }

  private peek(): number {
    return this.pos < this.buf.length ? (this.buf[this.pos] ?? 0) : -1;
  }

  private skipSpace(): void {
    while (this.pos < this.buf.length && isSpace(this.buf[this.pos] ?? 0)) this.pos++;
  }

  private fail(message: string): never {
    const c = this.peek();
    if (c < 0) throw new JsonUnexpectedEOF();
    throw new JsonSyntaxError(`invalid character ${goQuoteChar(c)} ${message}`, this.pos + 1);
  }

  private value(ctx: Ctx): JsonNode {
    this.skipSpace();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number(ctx);
    if (c === 0x74) return this.literal("true", { t: "bool", value: true });
    if (c === 0x66) return this.literal("false", { t: "bool", value: false });
    if (c === 0x6e) return this.literal("null", { t: "null" });
    return this.fail("looking for beginning of value");
  }

  private object(): JsonNode {
    this.pos++; // {
    const entries: [string, JsonNode][] = [];
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.pos++;
      return { t: "object", entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 0x22) this.fail("looking for beginning of object key string");
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail(END_MESSAGES.key);
      this.pos++;
      entries.push([key.t === "string" ? key.value : "", this.value("value")]);
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return { t: "object", entries };
      }
      this.fail(END_MESSAGES.value);
    }
  }

  private array(): JsonNode {
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.pos++;
      return { t: "array", items };
    }
    for (;;) {
      items.push(this.value("element"));
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return { t: "array", items };
      }
      this.fail(END_MESSAGES.element);
    }
  }

  private string(): JsonNode {
    const start = ++this.pos; // opening quote
    for (;;) {
      const c = this.peek();
      if (c < 0) throw new JsonUnexpectedEOF();
      if (c === 0x22) break;
      if (c < 0x20) this.fail("in string literal");
      if (c === 0x5c) {
        this.pos++;
        const e = this.peek();
        if (e < 0) throw new JsonUnexpectedEOF();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.pos++;
            const h = this.peek();
            if (h < 0) throw new JsonUnexpectedEOF();
            if (!isHex(h)) this.fail("in \\u hexadecimal character escape");
          }
        } else if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) {
          this.fail("in string escape code");
        }
      }
      this.pos++;
    }
    const end = this.pos;
    this.pos++; // closing quote
    return { t: "string", value: unquote(this.buf, start, end), raw: this.buf.subarray(start - 1, end + 1) };
  }

  private number(ctx: Ctx): JsonNode {
    const start = this.pos;
    // Inside a container a number must be followed by something; at the top level it may end the input.
    const eof = (): never => {
      if (ctx === "top") throw new JsonUnexpectedEOF();
      throw new JsonUnexpectedEOF();
    };
    if (this.peek() === 0x2d) {
      this.pos++;
      if (this.peek() < 0) eof();
      if (!isDigit(this.peek())) this.fail("in numeric literal");
    }
    if (this.peek() === 0x30) this.pos++;
    else while (isDigit(this.peek())) this.pos++;
    if (this.peek() === 0x2e) {
      this.pos++;
      if (this.peek() < 0) eof();
      if (!isDigit(this.peek())) this.fail("after decimal point in numeric literal");
      while (isDigit(this.peek())) this.pos++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      if (this.peek() < 0) eof();
      if (!isDigit(this.peek())) this.fail("in exponent of numeric literal");
      while (isDigit(this.peek())) this.pos++;
    }
    if (this.peek() < 0 && ctx !== "top") eof();
    return { t: "number", raw: Buffer.from(this.buf.subarray(start, this.pos)).toString("latin1") };
  }

  private literal(word: string, node: JsonNode): JsonNode {
    this.pos++;
    for (let k = 1; k < word.length; k++) {
      const c = this.peek();
      if (c < 0) throw new JsonUnexpectedEOF();
      if (c !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.pos++;
    }
    return node;
  }
}

/** Converts an already-parsed JavaScript value into a JsonNode (for callers that hold objects, not bytes). */
export function nodeFromValue(value: unknown): JsonNode {
  if (value === null || value === undefined) return { t: "null" };
  if (typeof value === "string") return { t: "string", value, raw: Buffer.from(JSON.stringify(value), "utf8") };
  if (typeof value === "number") return { t: "number", raw: Number.isInteger(value) ? BigInt(value).toString() : String(value) };
  if (typeof value === "bigint") return { t: "number", raw: value.toString() };
  if (typeof value === "boolean") return { t: "bool", value };
  if (Array.isArray(value)) return { t: "array", items: value.map(nodeFromValue) };
  if (typeof value === "object") {
    return { t: "object", entries: Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, nodeFromValue(v)] as const) };
  }
  throw new TypeError(`cannot represent a ${typeof value} as JSON`);
}
