// CONNECT options. Before CONNECT (and for fields CONNECT leaves out) nats-server assumes
// verbose, pedantic and echo are on: the JSON only overrides what it carries.

import {
  ClosedReason,
  type ClosedReasonText,
  ERR_BAD_PROTOCOL,
  ERR_NO_RESPONDERS_NEEDS_HEADERS,
} from "../protocol/errors.js";

export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  protocol: number;
  name: string;
  lang: string;
  version: string;
  user: string;
  pass: string;
  authToken: string;
  tlsRequired: boolean;
}

export function defaultConnectOptions(): ConnectOptions {
  return {
    verbose: true,
    pedantic: true,
    echo: true,
    headers: false,
    noResponders: false,
    protocol: 0,
    name: "",
    lang: "",
    version: "",
    user: "",
    pass: "",
    authToken: "",
    tlsRequired: false,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Applies a CONNECT JSON document over `current`. Throws SyntaxError/TypeError on JSON that is
 * not an object or whose fields have the wrong types (Go's json.Unmarshal would fail too).
 */
export function applyConnectJSON(current: ConnectOptions, json: string): ConnectOptions {
  // the wire is latin1 here; JSON strings may carry UTF-8 (names)
  const doc: unknown = JSON.parse(Buffer.from(json, "latin1").toString("utf8"));
  if (!isRecord(doc)) throw new TypeError("json: cannot unmarshal into Go value of type server.ClientOpts");
  const out = { ...current };
  const bool = (key: string, set: (v: boolean) => void): void => {
    const v = doc[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "boolean") throw new TypeError(`json: cannot unmarshal ${typeof v} into Go struct field ClientOpts.${key} of type bool`);
    set(v);
  };
  const str = (key: string, set: (v: string) => void): void => {
    const v = doc[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "string") throw new TypeError(`json: cannot unmarshal ${typeof v} into Go struct field ClientOpts.${key} of type string`);
    set(v);
  };
  bool("verbose", (v) => (out.verbose = v));
  bool("pedantic", (v) => (out.pedantic = v));
  bool("echo", (v) => (out.echo = v));
  bool("headers", (v) => (out.headers = v));
  bool("no_responders", (v) => (out.noResponders = v));
  bool("tls_required", (v) => (out.tlsRequired = v));
  str("name", (v) => (out.name = v));
  str("lang", (v) => (out.lang = v));
  str("version", (v) => (out.version = v));
  str("user", (v) => (out.user = v));
  str("pass", (v) => (out.pass = v));
  str("auth_token", (v) => (out.authToken = v));
  const proto = doc["protocol"];
  if (proto !== undefined && proto !== null) {
    if (typeof proto !== "number" || !Number.isInteger(proto)) {
      throw new TypeError("json: cannot unmarshal into Go struct field ClientOpts.protocol of type int");
    }
    out.protocol = proto;
  }
  return out;
}

/** Why an authenticated CONNECT is refused: the close reason and the -ERR text sent first. */
export interface ConnectRejection {
  readonly reason: ClosedReasonText;
  readonly errText: string;
}

const BAD_PROTOCOL: ConnectRejection = { reason: ClosedReason.BadClientProtocolVersion, errText: ERR_BAD_PROTOCOL };
const NO_RESPONDERS_NEEDS_HEADERS: ConnectRejection = {
  reason: ClosedReason.NoRespondersRequiresHeaders,
  errText: ERR_NO_RESPONDERS_NEEDS_HEADERS,
};

/** The checks nats-server makes on CONNECT options after authentication; null when they pass. */
export function connectRejection(opts: ConnectOptions): ConnectRejection | null {
  if (opts.protocol < 0 || opts.protocol > 1) return BAD_PROTOCOL;
  if (opts.noResponders && !opts.headers) return NO_RESPONDERS_NEEDS_HEADERS;
  return null;
}
