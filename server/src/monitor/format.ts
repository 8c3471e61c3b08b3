// Value formatting for the monitoring endpoints, matching what Go's encoding/json and time package
// produce in nats-server's output: durations, uptimes, RFC 3339 timestamps and HTML-safe JSON.

import { randomBytes } from "node:crypto";

const NS_PER_MS = 1_000_000n;
const NS_PER_US = 1_000n;
const NS_PER_S = 1_000_000_000n;

/** Milliseconds (possibly fractional) to integer nanoseconds, as Go's time.Duration holds them. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

/** Millisecond options (ping interval, write deadline) as Go durations in JSON: integer nanoseconds. */
export function durationNs(ms: number): number {
  return Math.round(ms * 1e6);
}

/** `frac` as a decimal fraction of `unit` with trailing zeros removed: ".25", or "" when zero. */
function fraction(frac: bigint, unit: bigint): string {
  if (frac === 0n) return "";
  const width = unit.toString().length - 1;
  return "." + frac.toString().padStart(width, "0").replace(/0+$/, "");
}

/**
 * A duration in nanoseconds the way Go's time.Duration.String prints it:
 * "0s", "512ns", "1.5µs", "261µs", "1.234ms", "4.5s", "2m3s", "1h0m0.5s".
 */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const sign = neg ? "-" : "";
  if (abs < NS_PER_US) return `${sign}${abs}ns`;
  if (abs < NS_PER_MS) return `${sign}${abs / NS_PER_US}${fraction(abs % NS_PER_US, NS_PER_US)}µs`;
  if (abs < NS_PER_S) return `${sign}${abs / NS_PER_MS}${fraction(abs % NS_PER_MS, NS_PER_MS)}ms`;
  const secs = abs / NS_PER_S;
  const sec = `${secs % 60n}${fraction(abs % NS_PER_S, NS_PER_S)}s`;
  const mins = secs / 60n;
  if (mins === 0n) return `${sign}${sec}`;
  const hours = mins / 60n;
  if (hours === 0n) return `${sign}${mins % 60n}m${sec}`;
  return `${sign}${hours}h${mins % 60n}m${sec}`;
}

/** A duration in milliseconds (possibly fractional) in Go's Duration.String form. */
export function goDurationMs(ms: number): string {
  return goDuration(msToNs(ms));
}

/**
 * The coarse uptime nats-server shows for `uptime` and `idle`: whole seconds, with minutes, hours,
 * days and years only when reached: "0s", "1m2s", "3h0m7s", "2d1h0m0s", "1y2d3h4m5s".
 */
export function uptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const totalMin = Math.floor(total / 60);
  const m = totalMin % 60;
  const totalHours = Math.floor(totalMin / 60);
  const h = totalHours % 24;
  const totalDays = Math.floor(totalHours / 24);
  const d = totalDays % 365;
  const y = Math.floor(totalDays / 365);
  if (y > 0) return `${y}y${d}d${h}h${m}m${s}s`;
  if (totalDays > 0) return `${totalDays}d${h}h${m}m${s}s`;
  if (totalHours > 0) return `${totalHours}h${m}m${s}s`;
  if (totalMin > 0) return `${totalMin}m${s}s`;
  return `${total}s`;
}

/**
 * A point in time (epoch milliseconds, possibly fractional) as Go's RFC3339Nano in UTC: no trailing
 * zeros in the fraction. A double holds epoch milliseconds to about a quarter microsecond, so the
 * fraction is kept to the microsecond.
 */
export function rfc3339Nano(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const iso = new Date(wholeMs).toISOString(); // 2024-01-02T03:04:05.678Z
  const base = iso.slice(0, 19);
  const subMsUs = Math.min(Math.round((epochMs - wholeMs) * 1000), 999);
  const us = (wholeMs % 1000) * 1000 + subMsUs;
  if (us === 0) return `${base}Z`;
  return `${base}.${String(us).padStart(6, "0").replace(/0+$/, "")}Z`;
}

/** Wall-clock now in epoch milliseconds with sub-millisecond precision. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

function escapeHtml(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 are escaped as \uXXXX
 * (these characters only ever occur inside strings), pretty-printed with two spaces when `indent`.
 * A bigint is written as a JSON number with all its digits (Go's uint64 values beyond 2^53).
 */
export function goJSON(value: unknown, indent: boolean): string {
  let text: string;
  try {
    text = indent ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  } catch (err) {
    // the fast path cannot serialize bigints: only then pay for a replacer
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
    text = withBigints(value, indent);
  }
  return text.replace(HTML_UNSAFE, escapeHtml);
}

/** JSON.stringify writing bigints as numbers: they travel as strings tagged with a one-off marker. */
function withBigints(value: unknown, indent: boolean): string {
  const marker = `\u0001bigint-${randomBytes(8).toString("hex")}:`;
  const replacer = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? `${marker}${v.toString()}` : v);
  const text = indent ? JSON.stringify(value, replacer, 2) : JSON.stringify(value, replacer);
  const inJson = JSON.stringify(marker).slice(1, -1).replace(/[\\$^.*+?()[\]{}|]/g, "\\$&");
  return text.replace(new RegExp(`"${inJson}(-?[0-9]+)"`, "g"), "$1");
}
