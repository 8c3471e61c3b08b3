// Pull requests waiting on a consumer: their batch/bytes budgets, expiry, heartbeats, and the
// status messages nats-server sends when a request ends (404/408/409).

import { buildHeaders } from "../headers.js";
import type { PullRequest } from "./protocol.js";

export interface WaitingRequest {
  readonly reply: string;
  batchLeft: number;
  bytesLeft: number;
  readonly maxBytes: number;
  readonly noWait: boolean;
  readonly expiresAt: number;
  delivered: number;
  hbTimer: NodeJS.Timeout | null;
  readonly heartbeatMs: number;
  /** last time a message or heartbeat went to this request */
  lastSent: number;
}

export function newWaiting(reply: string, req: PullRequest, now: number): WaitingRequest {
  return {
    reply,
    batchLeft: req.batch,
    bytesLeft: req.maxBytes > 0 ? req.maxBytes : Number.POSITIVE_INFINITY,
    maxBytes: req.maxBytes,
    noWait: req.noWait,
    expiresAt: req.expiresNs > 0n ? now + Number(req.expiresNs / 1_000_000n) : 0,
    delivered: 0,
    hbTimer: null,
    heartbeatMs: Number(req.heartbeatNs / 1_000_000n),
    lastSent: now,
  };
}

function pendingHeaders(msgs: number, bytes: number): Array<[string, string]> {
  return [
    ["Nats-Pending-Messages", String(msgs)],
    ["Nats-Pending-Bytes", String(bytes)],
  ];
}

export const Status = {
  noMessages: (): Buffer => buildHeaders([], "404 No Messages"),
  requestTimeout: (msgs: number, bytes: number): Buffer => buildHeaders(pendingHeaders(msgs, bytes), "408 Request Timeout"),
  requestsPending: (): Buffer => buildHeaders([], "408 Requests Pending"),
  interestExpired: (msgs: number, bytes: number): Buffer => buildHeaders(pendingHeaders(msgs, bytes), "408 Interest Expired"),
  exceededMaxWaiting: (): Buffer => buildHeaders([], "409 Exceeded MaxWaiting"),
  exceededMaxBatch: (n: number): Buffer => buildHeaders([], `409 Exceeded MaxRequestBatch of ${n}`),
  exceededMaxBytes: (n: number): Buffer => buildHeaders([], `409 Exceeded MaxRequestMaxBytes of ${n}`),
  exceededMaxExpires: (goDuration: string): Buffer => buildHeaders([], `409 Exceeded MaxRequestExpires of ${goDuration}`),
  msgSizeExceedsMaxBytes: (msgs: number, bytes: number): Buffer => buildHeaders(pendingHeaders(msgs, bytes), "409 Message Size Exceeds MaxBytes"),
  batchCompleted: (msgs: number, bytes: number): Buffer => buildHeaders(pendingHeaders(msgs, bytes), "409 Batch Completed"),
  consumerDeleted: (): Buffer => buildHeaders([], "409 Consumer Deleted"),
  consumerIsPush: (): Buffer => buildHeaders([], "409 Consumer is push based"),
  badRequest: (err: string): Buffer => buildHeaders([], `400 Bad Request - ${err}`),
  heartbeat: (lastConsumer: number, lastStream: number, stalled: string | null = null): Buffer =>
    buildHeaders(
      [
        ["Nats-Last-Consumer", String(lastConsumer)],
        ["Nats-Last-Stream", String(lastStream)],
        ...(stalled !== null ? ([["Nats-Consumer-Stalled", stalled]] as Array<[string, string]>) : []),
      ],
      "100 Idle Heartbeat",
    ),
  flowControl: (): Buffer => buildHeaders([], "100 FlowControl Request"),
};
