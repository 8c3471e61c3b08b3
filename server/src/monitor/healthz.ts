// /healthz: the health probe, with nats-server's options and answers on a single server:
//
// - JetStream not configured: healthy (whatever is asked about streams);
// - JetStream configured but not running: 503 "JetStream not enabled";
// - `js-enabled-only` / `js-server-only` / `js-meta-only`: healthy once JetStream runs;
// - `account` [+ `stream` [+ `consumer`]]: 404 when the account, stream or consumer does not exist.
//
// natsts adds one check: a stream whose store found corrupt records (StreamState `lost`) is
// unhealthy (503), for the stream asked about or, without `stream`, for any stream.

import type { LostStreamData } from "../jetstream/api/types.js";
import type { JsServerView, JsStreamView } from "./jsview.js";
import { decodeBool, param } from "./query.js";

export type HealthzErrorType = "BAD_REQUEST" | "JETSTREAM" | "ACCOUNT" | "STREAM" | "CONSUMER";

export interface HealthzError {
  type: HealthzErrorType;
  account?: string;
  stream?: string;
  consumer?: string;
  error: string;
}

export interface HealthzAnswer {
  status: number;
  body: { status: string; error?: string; errors?: HealthzError[] };
}

interface Failure {
  readonly status: number;
  readonly errors: HealthzError[];
}

const JS_NOT_ENABLED = "JetStream not enabled (10076)";

function lostOf(s: JsStreamView): LostStreamData | null {
  const lost = s.state().lost;
  if (lost === undefined || ((lost.msgs?.length ?? 0) === 0 && lost.bytes === 0)) return null;
  return lost;
}

/** The error for a stream whose store found corrupt records. */
export function corruptionError(account: string, s: JsStreamView, lost: LostStreamData): HealthzError {
  const n = lost.msgs?.length ?? 0;
  return {
    type: "STREAM",
    account,
    stream: s.name,
    error: `JetStream stream ${JSON.stringify(s.name)} on account ${JSON.stringify(account)} has corrupt data: ${n} lost message${n === 1 ? "" : "s"} (${lost.bytes} bytes)`,
  };
}

/** Existence and corruption checks for the JetStream assets asked about; null when healthy. */
function checkAssets(view: JsServerView, account: string, stream: string, consumer: string): Failure | null {
  const js = view.js;
  if (js === null) return null;
  const accounts = js.accounts();
  if (account !== "") {
    const acc = accounts.find((a) => a.name === account);
    if (acc === undefined) {
      return { status: 404, errors: [{ type: "ACCOUNT", account, error: `JetStream account ${JSON.stringify(account)} not found` }] };
    }
    if (stream !== "") {
      const s = acc.stream(stream);
      if (s === null) {
        return {
          status: 404,
          errors: [{ type: "STREAM", account, stream, error: `JetStream stream ${JSON.stringify(stream)} not found on account ${JSON.stringify(account)}` }],
        };
      }
      if (consumer !== "" && !s.consumers().some((c) => c.name === consumer)) {
        const error = `JetStream consumer ${JSON.stringify(consumer)} not found for stream ${JSON.stringify(stream)} on account ${JSON.stringify(account)}`;
        return { status: 404, errors: [{ type: "CONSUMER", account, stream, consumer, error }] };
      }
      const lost = lostOf(s);
      return lost === null ? null : { status: 503, errors: [corruptionError(account, s, lost)] };
    }
  }
  const errors: HealthzError[] = [];
  for (const acc of accounts) {
    if (account !== "" && acc.name !== account) continue;
    for (const s of acc.streams()) {
      const lost = lostOf(s);
      if (lost !== null) errors.push(corruptionError(acc.name, s, lost));
    }
  }
  return errors.length === 0 ? null : { status: 503, errors };
}

/** Throws QueryError on a malformed boolean option (answered as plain-text 400). */
export function healthz(q: URLSearchParams, view: JsServerView): HealthzAnswer {
  const enabledOnly = decodeBool(q, "js-enabled-only") || decodeBool(q, "js-enabled"); // js-enabled: deprecated spelling
  const serverOnly = decodeBool(q, "js-server-only");
  const metaOnly = decodeBool(q, "js-meta-only");
  const details = decodeBool(q, "details");
  const account = param(q, "account");
  const stream = param(q, "stream");
  const consumer = param(q, "consumer");
  let failure: Failure | null = null;
  if (account === "" && stream !== "") {
    failure = { status: 400, errors: [{ type: "BAD_REQUEST", error: `"account" must not be empty when checking stream health` }] };
  } else if (stream === "" && consumer !== "") {
    failure = { status: 400, errors: [{ type: "BAD_REQUEST", error: `"stream" must not be empty when checking consumer health` }] };
  } else if (!view.configured) {
    failure = null;
  } else if (view.js === null) {
    failure = { status: 503, errors: [{ type: "JETSTREAM", error: JS_NOT_ENABLED }] };
  } else if (!enabledOnly && !serverOnly && !metaOnly) {
    failure = checkAssets(view, account, stream, consumer);
  }
  if (failure === null) return { status: 200, body: { status: "ok" } };
  const bad = failure.status === 400;
  if (details) return { status: failure.status, body: { status: "error", errors: failure.errors } };
  return { status: failure.status, body: { status: bad ? "error" : "unavailable", error: failure.errors[0]?.error ?? "" } };
}
