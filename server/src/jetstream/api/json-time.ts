// Go time values on the JetStream wire: RFC 3339 timestamps with nanosecond precision and the
// writer's zone offset kept (nats-server echoes `"opt_start_time":"2020-01-01T00:00:00.5+01:00"`
// back unchanged), and the error texts Go's time.Time JSON decoding produces for bad input,
// which nats-server returns verbatim inside "invalid JSON: ..." errors.

/** A point in time as Go keeps it: nanoseconds since the Unix epoch plus the zone offset it was written with. */
export interface GoTime {
  /** nanoseconds since 1970-01-01T00:00:00Z */
  readonly unixNanos: bigint;
  /** the zone offset in seconds east of UTC (0 prints as "Z") */
  readonly offsetSeconds: number;
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z, in Unix nanoseconds. */
export const GO_ZERO_TIME_NANOS = -62135596800n * 1_000_000_000n;

const RFC3339 = "2006-01-02T15:04:05Z07:00";

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
}

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetSeconds: number;
}

function toGoTime(c: Civil): GoTime {
  const days = BigInt(daysFromCivil(c.year, c.month, c.day));
  const secs = days * 86400n + BigInt(c.hour * 3600 + c.minute * 60 + c.second - c.offsetSeconds);
  return { unixNanos: secs * 1_000_000_000n + BigInt(c.nanos), offsetSeconds: c.offsetSeconds };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/** Go's time.RFC3339Nano text of `t` (fraction without trailing zeros, "Z" for a zero offset). */
export function formatRFC3339Nano(t: GoTime): string {
  const local = t.unixNanos + BigInt(t.offsetSeconds) * 1_000_000_000n;
  let secs = local / 1_000_000_000n;
  let nanos = local % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    secs -= 1n;
  }
  let days = secs / 86400n;
  let rem = secs % 86400n;
  if (rem < 0n) {
    rem += 86400n;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const r = Number(rem);
  let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(r / 3600), 2)}:${pad(Math.floor((r % 3600) / 60), 2)}:${pad(r % 60, 2)}`;
  if (nanos !== 0n) text += `.${nanos.toString().padStart(9, "0").replace(/0+$/, "")}`;
  if (t.offsetSeconds === 0) return `${text}Z`;
  const off = Math.abs(t.offsetSeconds);
  return `${text}${t.offsetSeconds < 0 ? "-" : "+"}${pad(Math.floor(off / 3600), 2)}:${pad(Math.floor((off % 3600) / 60), 2)}`;
}

/** RFC 3339 (nanosecond) text of a Unix-nanosecond instant in UTC, as nats-server writes `created`, `ts`, ... */
export function formatUnixNanos(unixNanos: bigint): string {
  return formatRFC3339Nano({ unixNanos, offsetSeconds: 0 });
}

// Go's time package quoting for error messages: bytes outside printable ASCII become \xNN.
function goTimeQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) {
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    } else {
      if (c === 0x22 || c === 0x5c) out += "\\";
      out += s[i];
    }
  }
  return `${out}"`;
}

function parseError(value: string, layoutElem: string, valueElem: string, message: string): string {
  if (message !== "") return `parsing time ${goTimeQuote(value)}${message}`;
  return `parsing time ${goTimeQuote(value)} as ${goTimeQuote(RFC3339)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`;
}

const isDigitAt = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;

/**
 * Go's layout-driven parse of RFC3339 ("2006-01-02T15:04:05Z07:00"), which is what nats-server's
 * decoding of times accepts: one- or two-digit hours, a fraction after "." or "," (digits past
 * the ninth ignored), zone offsets up to 24:60. Returns the civil time or Go's error text.
 */
function parseLayout(value: string): Civil | string {
  let rest = value;
  const c: Civil = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, nanos: 0, offsetSeconds: 0 };
  const getnum = (fixed: boolean): { n: number; rest: string } | null => {
    if (!isDigitAt(rest, 0)) return null;
    if (!isDigitAt(rest, 1)) {
      if (fixed) return null;
      return { n: rest.charCodeAt(0) - 0x30, rest: rest.slice(1) };
    }
    return { n: Number(rest.slice(0, 2)), rest: rest.slice(2) };
  };
  const elems: { prefix: string; std: string }[] = [
    { prefix: "", std: "2006" }, { prefix: "-", std: "01" }, { prefix: "-", std: "02" }, { prefix: "T", std: "15" },
    { prefix: ":", std: "04" }, { prefix: ":", std: "05" }, { prefix: "", std: "Z07:00" },
  ];
  for (const { prefix, std } of elems) {
    if (!rest.startsWith(prefix)) return parseError(value, prefix, rest, "");
    rest = rest.slice(prefix.length);
    const hold = rest;
    let range = "";
    let bad = false;
    switch (std) {
      case "2006": {
        if (rest.length < 4 || !/^\d{4}$/.test(rest.slice(0, 4))) { bad = true; break; }
        c.year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      }
      case "Z07:00": {
        if (rest.length >= 1 && rest[0] === "Z") { rest = rest.slice(1); break; }
        if (rest.length < 6 || rest[3] !== ":") { bad = true; break; }
        const hh = rest.slice(1, 3);
        const mm = rest.slice(4, 6);
        if (!/^\d\d$/.test(hh) || !/^\d\d$/.test(mm)) { bad = true; break; }
        if (Number(hh) > 24) range = "time zone offset hour";
        if (Number(mm) > 60) range = "time zone offset minute";
        if (rest[0] !== "+" && rest[0] !== "-") bad = true;
        c.offsetSeconds = (Number(hh) * 3600 + Number(mm) * 60) * (rest[0] === "-" ? -1 : 1);
        rest = rest.slice(6);
        break;
      }
      default: {
        const g = getnum(std !== "15");
        if (g === null) { bad = true; break; }
        rest = g.rest;
        if (std === "01") { c.month = g.n; if (g.n <= 0 || g.n > 12) range = "month"; }
        if (std === "02") c.day = g.n;
        if (std === "15") { c.hour = g.n; if (g.n >= 24) range = "hour"; }
        if (std === "04") { c.minute = g.n; if (g.n >= 60) range = "minute"; }
        if (std === "05") {
          c.second = g.n;
          if (g.n >= 60) { range = "second"; break; }
          if (rest.length >= 2 && (rest[0] === "." || rest[0] === ",") && isDigitAt(rest, 1)) {
            let n = 2;
            while (isDigitAt(rest, n)) n++;
            c.nanos = Number(rest.slice(1, Math.min(n, 10)).padEnd(9, "0"));
            rest = rest.slice(n);
          }
        }
      }
    }
    if (range !== "") return parseError(value, std, rest, `: ${range} out of range`);
    if (bad) return parseError(value, std, hold, "");
  }
  if (rest.length > 0) return parseError(value, "", rest, `: extra text: ${goTimeQuote(rest)}`);
  if (c.day < 1 || c.day > daysIn(c.month, c.year)) return parseError(value, "", rest, ": day out of range");
  return c;
}

/**
 * Parses the bytes between the quotes of a JSON string the way nats-server's time decoding
 * does (no unescaping; Go's RFC3339 layout parse). `raw` holds one character per byte (latin1).
 */
export function parseGoTimeText(raw: string): { time: GoTime } | { error: string } {
  const r = parseLayout(raw);
  return typeof r === "string" ? { error: r } : { time: toGoTime(r) };
}

/** Parses an RFC 3339 text (as produced by formatRFC3339Nano); throws on malformed input. */
export function parseRFC3339(text: string): GoTime {
  const r = parseGoTimeText(text);
  if ("error" in r) throw new Error(r.error);
  return r.time;
}
