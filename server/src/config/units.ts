// Value conversions shared by the config parser and the flag parser, written to behave like the Go
// functions nats-server relies on: time.ParseDuration / Duration.String, strconv.ParseInt (base 0),
// strconv.ParseBool, strconv.Quote, and the conf format's integer size suffixes.

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Multipliers of the conf format's integer suffixes (case-insensitive): k=1000, kb|ki|kib=1024, ... */
const SIZE_SUFFIXES: ReadonlyMap<string, bigint> = (() => {
  const m = new Map<string, bigint>();
  const letters = ["k", "m", "g", "t", "p", "e"];
  letters.forEach((l, i) => {
    const power = BigInt(i + 1);
    m.set(l, 1000n ** power);
    for (const s of ["b", "i", "ib"]) m.set(l + s, 1024n ** power);
  });
  return m;
})();

/** Multiplier for a size suffix such as "KB" or "mib", or undefined when it is not one. */
export function sizeSuffixMultiplier(suffix: string): bigint | undefined {
  return SIZE_SUFFIXES.get(suffix.toLowerCase());
}

/** True when v fits a Go int64. */
export function fitsInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

export class UnitError extends Error {}

/**
 * JetStream's string sizes (max_mem_store: "1G"): the last character must be K, M, G or T (upper case,
 * powers of 1024) and the rest a decimal integer. `name` goes into the error text as nats-server does.
 */
export function parseJetStreamSizeString(name: string, s: string): number {
  const numPart = s.slice(0, -1);
  if (!/^[+-]?\d+$/.test(numPart)) {
    throw new UnitError(`${name} strconv.ParseInt: parsing ${goQuote(numPart)}: invalid syntax`);
  }
  const exp = "KMGT".indexOf(s.slice(-1)) + 1;
  if (exp === 0) throw new UnitError(`${name} sizes defined as strings must end in K, M, G, T`);
  return Number(BigInt(numPart) * 1024n ** BigInt(exp));
}

// ---------------------------------------------------------------------------------------------
// Durations (Go time.ParseDuration / time.Duration.String). Values are integer nanoseconds.

const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n], // micro sign
  ["\u03bcs", 1_000n], // Greek mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

/** Parse a Go duration string ("1h30m", "500ms", "1.5s", "-2m") into nanoseconds. Throws UnitError with Go's text. */
export function parseGoDuration(input: string): bigint {
  const invalid = (): UnitError => new UnitError(`time: invalid duration ${goQuote(input)}`);
  let s = input;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = m?.[1] ?? "";
    const frac = m?.[2];
    if (whole === "" && (frac === undefined || frac === "")) throw invalid();
    s = s.slice((m?.[0] ?? "").length);
    const unitMatch = /^[^\d.]*/.exec(s);
    const unit = unitMatch?.[0] ?? "";
    if (unit === "") throw new UnitError(`time: missing unit in duration ${goQuote(input)}`);
    const scale = UNIT_NS.get(unit);
    if (scale === undefined) throw new UnitError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(input)}`);
    s = s.slice(unit.length);
    let v = BigInt(whole === "" ? "0" : whole) * scale;
    if (frac !== undefined && frac !== "") {
      // Go truncates the fractional part to whole nanoseconds
      v += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > INT64_MAX + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -total : total;
}

function trimFrac(digits: string): string {
  const t = digits.replace(/0+$/, "");
  return t === "" ? "" : `.${t}`;
}

/** Go's time.Duration.String(): "1h30m0s", "500ms", "1.5µs", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  const sign = neg ? "-" : "";
  const second = 1_000_000_000n;
  if (u < second) {
    const [unit, scale, width] = u < 1_000n ? ["ns", 1n, 0] : u < 1_000_000n ? ["\u00b5s", 1_000n, 3] : ["ms", 1_000_000n, 6];
    const whole = u / scale;
    const frac = width === 0 ? "" : trimFrac((u % scale).toString().padStart(width, "0"));
    return `${sign}${whole}${frac}${unit}`;
  }
  const secs = u / second;
  const fracS = trimFrac((u % second).toString().padStart(9, "0"));
  const h = secs / 3600n;
  const m = (secs % 3600n) / 60n;
  const sec = secs % 60n;
  if (h > 0n) return `${sign}${h}h${m}m${sec}${fracS}s`;
  if (m > 0n) return `${sign}${m}m${sec}${fracS}s`;
  return `${sign}${sec}${fracS}s`;
}

/** Nanoseconds to the milliseconds Options uses (fractions kept: 1500us -> 1.5). */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Go strconv helpers used by the flag parser.

/** strconv.ParseInt(s, 0, 64): decimal, 0x/0o/0b/leading-0 octal, optional sign, '_' between digits. */
export function parseGoInt(s: string): { ok: true; value: number } | { ok: false; reason: "parse error" | "value out of range" } {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (m === null) return { ok: false, reason: "parse error" };
  const body = m[2] ?? "";
  const hasPrefix = /^0[xXbBoO]/.test(body);
  const digits = hasPrefix ? body.slice(2) : body;
  // underscores may only separate digits (or follow a base prefix)
  if (/__/.test(body) || digits.endsWith("_") || (!hasPrefix && digits.startsWith("_"))) {
    return { ok: false, reason: "parse error" };
  }
  const clean = body.replace(/_/g, "");
  let big: bigint;
  if (hasPrefix) big = BigInt(clean.toLowerCase());
  else if (clean.length > 1 && clean.startsWith("0")) big = BigInt(`0o${clean.slice(1)}`);
  else big = BigInt(clean);
  if (m[1] === "-") big = -big;
  if (!fitsInt64(big)) return { ok: false, reason: "value out of range" };
  return { ok: true, value: Number(big) };
}

/** strconv.ParseBool */
export function parseGoBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

/** strconv.Quote: double-quoted Go string literal (used for field names and values in error texts). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\n": out += "\\n"; continue;
      case "\r": out += "\\r"; continue;
      case "\t": out += "\\t"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\v": out += "\\v"; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp === 0xfeff || (cp >= 0x80 && cp < 0xa0)) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
