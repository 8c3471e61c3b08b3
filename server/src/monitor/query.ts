// Query-parameter decoding with nats-server's rules and error texts (strconv.ParseBool, Atoi,
// ParseUint). A bad value is a QueryError, answered with 400 and the message as plain text.

export class QueryError extends Error {
  constructor(
    message: string,
    /** the HTTP status to answer with */
    readonly status = 400,
  ) {
    super(message);
  }
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go's strconv.ParseBool; null when the text is not a boolean. */
export function parseGoBool(text: string): boolean | null {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return null;
}

/** The first value of a query parameter, "" when absent (Go's url.Values.Get). */
export function param(q: URLSearchParams, name: string): string {
  return q.get(name) ?? "";
}

/** A boolean parameter; absent or empty is false. */
export function decodeBool(q: URLSearchParams, name: string): boolean {
  const text = param(q, name);
  if (text === "") return false;
  const v = parseGoBool(text);
  if (v === null) {
    throw new QueryError(`Error decoding boolean for '${name}': strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
  }
  return v;
}

const INT = /^[+-]?[0-9]+$/;
const UINT = /^[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A signed integer parameter (Go's strconv.Atoi); absent or empty is 0. */
export function decodeInt(q: URLSearchParams, name: string): number {
  const text = param(q, name);
  if (text === "") return 0;
  if (!INT.test(text)) {
    throw new QueryError(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  }
  const big = BigInt(text);
  if (big > INT64_MAX || big < -INT64_MAX - 1n) {
    throw new QueryError(`Error decoding int for '${name}': strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  }
  return Number(big);
}

/** An unsigned integer parameter (Go's strconv.ParseUint); absent or empty is 0. */
export function decodeUint(q: URLSearchParams, name: string): number {
  const text = param(q, name);
  if (text === "") return 0;
  if (!UINT.test(text)) {
    throw new QueryError(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(text)}: invalid syntax`);
  }
  const big = BigInt(text);
  if (big > UINT64_MAX) {
    throw new QueryError(`Error decoding uint64 for '${name}': strconv.ParseUint: parsing ${goQuote(text)}: value out of range`);
  }
  return Number(big);
}

export type SubsDetail = "none" | "list" | "detail";

/** `subs`: a boolean, or "detail" (any case) for per-subscription detail. */
export function decodeSubs(q: URLSearchParams): SubsDetail {
  if (param(q, "subs").toLowerCase() === "detail") return "detail";
  return decodeBool(q, "subs") ? "list" : "none";
}

export type ConnState = "open" | "closed" | "any";

/** `state`: open (default), closed or any, in any case. */
export function decodeState(q: URLSearchParams): ConnState {
  const text = param(q, "state");
  switch (text.toLowerCase()) {
    case "":
    case "open":
      return "open";
    case "closed":
      return "closed";
    case "any":
    case "all":
      return "any";
    default:
      throw new QueryError(`Error decoding state for ${text}`);
  }
}

/** Go's %q for the ASCII texts query values usually are; other characters as JSON escapes them. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** offset/limit as nats-server clamps them: negative offset is 0, limit below 1 is the default. */
export function pageBounds(offset: number, limit: number, defaultLimit: number): { offset: number; limit: number } {
  return { offset: offset < 0 ? 0 : offset, limit: limit <= 0 ? defaultLimit : limit };
}
