// /healthz: liveness probe. natsts is healthy once it listens. The JetStream-related options are
// validated as nats-server validates them; per-stream/consumer checks need JetStream state that the
// monitor has no view of yet, so a well-formed request is answered healthy.

import { decodeBool, param } from "./query.js";

export interface HealthzError {
  type: string;
  error: string;
}

export interface HealthzAnswer {
  status: number;
  body: { status: string; error?: string; errors?: HealthzError[] };
}

/** Throws QueryError on a malformed boolean option (answered as plain-text 400). */
export function healthz(q: URLSearchParams): HealthzAnswer {
  decodeBool(q, "js-enabled-only");
  decodeBool(q, "js-enabled"); // deprecated spelling of js-enabled-only
  decodeBool(q, "js-server-only");
  decodeBool(q, "js-meta-only");
  const details = decodeBool(q, "details");
  const account = param(q, "account");
  const stream = param(q, "stream");
  const consumer = param(q, "consumer");
  let problem = "";
  if (account === "" && stream !== "") problem = `"account" must not be empty when checking stream health`;
  else if (stream === "" && consumer !== "") problem = `"stream" must not be empty when checking consumer health`;
  if (problem !== "") {
    const body = details ? { status: "error", errors: [{ type: "BAD_REQUEST", error: problem }] } : { status: "error", error: problem };
    return { status: 400, body };
  }
  return { status: 200, body: { status: "ok" } };
}
