// Go-compatible JSON helpers for the JetStream API.
//
// On the wire nats-server writes durations as integer nanoseconds (time.Duration), times as
// RFC 3339 with nanoseconds (time.Time, UTC for server-made stamps, the writer's offset for echoed
// ones), map keys sorted, and escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings
// (`"s.\u003e"`). JavaScript Dates only hold milliseconds, so instants travel as bigint
// nanoseconds (see json-time.ts); configuration durations are plain numbers of nanoseconds,
// exact up to 2^53 ns (about 104 days) and for every whole number of milliseconds far beyond.
export { formatRFC3339Nano, formatUnixNanos, parseGoTimeText, parseRFC3339, GO_ZERO_TIME_NANOS, type GoTime } from "./json-time.js";
export { decodeGo, type GoStruct, type GoType, type Decoded } from "./json-decode.js";
export { goQuote } from "./json-scan.js";
import { GoJsonReader, type JsonNode } from "./json-scan.js";

/** Nanoseconds in the usual units, as numbers (durations) and bigints (instants). */
export const NS = {
  micro: 1_000,
  milli: 1_000_000,
  second: 1_000_000_000,
  minute: 60_000_000_000,
  hour: 3_600_000_000_000,
} as const;

/** Milliseconds (e.g. a timer value) to nanoseconds. */
export function msToNanos(ms: number): number {
  return Math.round(ms * NS.milli);
}

/** Nanoseconds to whole milliseconds for timers (never 0 for a positive duration). */
export function nanosToMs(ns: number): number {
  if (ns <= 0) return 0;
  return Math.max(1, Math.round(ns / NS.milli));
}

// Wall clock at start plus the monotonic high-resolution clock since: nanosecond resolution,
// never going backwards; re-anchored when it drifts from Date.now() by more than 50 ms.
let anchorWall = BigInt(Date.now()) * 1_000_000n;
let anchorHr = process.hrtime.bigint();

/** The current time as Unix nanoseconds. */
export function nowUnixNanos(): bigint {
  const hr = process.hrtime.bigint();
  const t = anchorWall + (hr - anchorHr);
  const wall = BigInt(Date.now()) * 1_000_000n;
  const drift = t > wall ? t - wall : wall - t;
  if (drift > 50_000_000n && wall > t) {
    anchorWall = wall;
    anchorHr = hr;
    return wall;
  }
  return t;
}

function fmtFrac(v: bigint, prec: bigint): string {
  // v / 10^k with trailing zeros removed, as Go's fmtFrac+fmtInt
  const whole = v / prec;
  const frac = v % prec;
  if (frac === 0n) return whole.toString();
  const digits = prec.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "100ms", "2m0s", "1h0m0s", "1µs", "-5s". */
export function formatGoDuration(nanos: number | bigint): string {
  let d = BigInt(nanos);
  if (d === 0n) return "0s";
  const neg = d < 0n;
  if (neg) d = -d;
  let out: string;
  if (d < 1_000_000_000n) {
    if (d < 1_000n) out = `${d}ns`;
    else if (d < 1_000_000n) out = `${fmtFrac(d, 1_000n)}µs`;
    else out = `${fmtFrac(d, 1_000_000n)}ms`;
  } else {
    const secsNs = d % 60_000_000_000n;
    const mins = d / 60_000_000_000n;
    const s = `${fmtFrac(secsNs, 1_000_000_000n)}s`;
    if (mins === 0n) out = s;
    else if (mins < 60n) out = `${mins}m${s}`;
    else out = `${mins / 60n}h${mins % 60n}m${s}`;
  }
  return neg ? `-${out}` : out;
}

/** Go's json string encoding (HTML-safe): `<`, `>`, `&`, U+2028, U+2029 and control bytes escaped. */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += "\\\\"; break;
      case 0x0a: out += "\\n"; break;
      case 0x0d: out += "\\r"; break;
      case 0x09: out += "\\t"; break;
      case 0x08: out += "\\b"; break;
      case 0x0c: out += "\\f"; break;
      case 0x3c: out += "\\u003c"; break;
      case 0x3e: out += "\\u003e"; break;
      case 0x26: out += "\\u0026"; break;
      case 0x2028: out += "\\u2028"; break;
      case 0x2029: out += "\\u2029"; break;
      default:
        if (c < 0x20) out += `\\u00${c.toString(16).padStart(2, "0")}`;
        else if (c >= 0xd800 && c < 0xdc00) {
          const lo = s.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo < 0xe000) {
            out += s[i] + s[i + 1];
            i++;
          } else out += "\ufffd";
        } else if (c >= 0xdc00 && c < 0xe000) out += "\ufffd";
        else out += s[i];
    }
  }
  return `${out}"`;
}

export interface MarshalOptions {
  /**
   * Object keys whose values are Go maps: their entries are written sorted by key (bytewise),
   * whatever their insertion order. Default: "metadata", "subjects" is NOT a map.
   */
  readonly mapFields?: ReadonlySet<string>;
}

const DEFAULT_MAP_FIELDS: ReadonlySet<string> = new Set(["metadata", "tiers", "subjects_filter_result"]);

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return Buffer.compare(x, y);
}

/**
 * Serializes like Go's encoding/json: key order as the object's (struct) order, except values
 * under `mapFields` keys, whose keys are sorted; undefined members are omitted; bigints are
 * written as integers; strings are HTML-escaped.
 */
export function marshalGo(value: unknown, options: MarshalOptions = {}): string {
  const mapFields = options.mapFields ?? DEFAULT_MAP_FIELDS;
  const write = (v: unknown, isMap: boolean): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return goJsonString(v);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError(`json: unsupported value: ${v}`);
      return Number.isInteger(v) ? BigInt(v).toString() : String(v);
    }
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return `[${v.map((x) => write(x, false)).join(",")}]`;
    if (typeof v === "object") {
      let entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (isMap) entries = entries.sort(([a], [b]) => compareBytes(a, b));
      return `{${entries.map(([k, x]) => `${goJsonString(k)}:${write(x, mapFields.has(k))}`).join(",")}}`;
    }
    throw new TypeError(`json: unsupported type: ${typeof v}`);
  };
  return write(value, false);
}

/** Returns a copy of `map` with keys in Go's (bytewise sorted) order. */
export function sortedMap<V>(map: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(map).sort(compareBytes)) {
    const v = map[k];
    if (v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

function nodeToValue(node: JsonNode): unknown {
  switch (node.t) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.entries) Object.defineProperty(out, k, { value: nodeToValue(v), enumerable: true, configurable: true, writable: true });
      return out;
    }
    case "array": return node.items.map(nodeToValue);
    case "string": return node.value;
    case "number": {
      if (/^-?\d+$/.test(node.raw)) {
        const n = BigInt(node.raw);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      return Number(node.raw);
    }
    case "bool": return node.value;
    default: return null;
  }
}

/**
 * Parses one JSON document without losing integer precision: integers beyond 2^53 come back as
 * bigint (nats-server writes uint64/int64 values such as pause_remaining or huge limits).
 * Throws on malformed input or trailing data.
 */
export function parseJsonLossless(text: string | Uint8Array): unknown {
  const reader = new GoJsonReader(typeof text === "string" ? Buffer.from(text, "utf8") : text);
  const node = reader.next();
  if (node === null) throw new SyntaxError("unexpected end of JSON input");
  if (reader.next() !== null) throw new SyntaxError("invalid character after top-level value");
  return nodeToValue(node);
}
