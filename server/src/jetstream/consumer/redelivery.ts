// Ack wait and backoff: how long a delivery waits for its ack, and what becomes of the deliveries
// whose wait is over (queued for redelivery, or parked once max_deliver is reached).

import type { ConsumerConfig } from "../api/types.js";
import type { ConsumerAdvisories } from "./advisories.js";
import type { AckState } from "./ack-state.js";

/** Milliseconds the `dc`-th delivery of a message waits for its ack (backoff, else ack_wait). */
export function ackWaitMs(cfg: ConsumerConfig, dc: number): number {
  const backoff = cfg.backoff;
  if (backoff !== undefined && backoff.length > 0) {
    return Math.max(1, Math.floor(backoff[Math.min(dc - 1, backoff.length - 1)] / 1e6));
  }
  return Math.max(1, Math.floor((cfg.ack_wait ?? 30e9) / 1e6));
}

/** Queues the deliveries whose ack deadline passed; those delivered max_deliver times are parked instead. */
export function queueDueRedeliveries(acks: AckState, cfg: ConsumerConfig, now: number, advisories: ConsumerAdvisories): void {
  for (const seq of acks.due(now)) redeliverOrPark(acks, cfg, seq, advisories);
}

/** Queues one pending delivery for redelivery, or parks it once it was delivered max_deliver times. */
export function redeliverOrPark(acks: AckState, cfg: ConsumerConfig, seq: number, advisories: ConsumerAdvisories): void {
  const maxDeliver = cfg.max_deliver ?? -1;
  const dc = acks.deliveries(seq);
  if (maxDeliver > 0 && dc >= maxDeliver) {
    // parked: no more deliveries, stays unacked
    acks.setDeadline(seq, Number.POSITIVE_INFINITY);
    advisories.maxDeliveries(seq, dc);
    return;
  }
  acks.redeliverNow(seq);
}
