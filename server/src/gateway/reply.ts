// Gateway reply mapping: a request leaving the cluster over a gateway has its reply prefixed with
// `_GR_.<cluster hash>.<server hash>.` so that the response finds its way back to the cluster, and
// in it to the server, the requester is connected to. A hash is 6 base-62 digits taken from the
// SHA-256 of the gateway name (cluster) or of the server id (server), as nats-server forms them.

import { createHash } from "node:crypto";

export const GATEWAY_REPLY_PREFIX = "_GR_.";
const HASH_LEN = 6;
const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 6 base-62 digits of SHA-256(name). */
export function gatewayHash(name: string): string {
  const sum = createHash("sha256").update(name, "utf8").digest();
  let out = "";
  for (let i = 0; i < HASH_LEN; i++) out += DIGITS[sum[i] % DIGITS.length];
  return out;
}

/** The reply a request carries across a gateway (already-mapped replies are left alone). */
export function mapReply(reply: string, clusterHash: string, serverHash: string): string {
  if (reply.startsWith(GATEWAY_REPLY_PREFIX)) return reply;
  return `${GATEWAY_REPLY_PREFIX}${clusterHash}.${serverHash}.${reply}`;
}

export interface GatewayReply {
  readonly clusterHash: string;
  readonly serverHash: string;
  /** the original reply subject */
  readonly subject: string;
}

/** Splits a `_GR_.` subject; null when `subject` is not one (or is malformed). */
export function parseGatewayReply(subject: string): GatewayReply | null {
  if (!subject.startsWith(GATEWAY_REPLY_PREFIX)) return null;
  const p = GATEWAY_REPLY_PREFIX.length;
  const rest = p + 2 * (HASH_LEN + 1);
  if (subject.length <= rest || subject[p + HASH_LEN] !== "." || subject[rest - 1] !== ".") return null;
  return {
    clusterHash: subject.slice(p, p + HASH_LEN),
    serverHash: subject.slice(p + HASH_LEN + 1, rest - 1),
    subject: subject.slice(rest),
  };
}
