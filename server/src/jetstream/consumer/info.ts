// CONSUMER.INFO: a consumer's state as nats-server reports it.

import { formatUnixNanos, nowUnixNanos } from "../api/json.js";
import type { ConsumerConfig, ConsumerInfo } from "../api/types.js";
import type { AckState } from "./ack-state.js";

/** What the info is made of, read from the consumer at info time. */
export interface ConsumerInfoSource {
  readonly streamName: string;
  readonly name: string;
  /** Unix ns */
  readonly created: bigint;
  readonly config: ConsumerConfig;
  /** last consumer (delivery) sequence used */
  readonly dseq: number;
  /** highest stream sequence delivered */
  readonly deliveredSseq: number;
  /** Unix ns of the last delivery, 0n before the first */
  readonly lastDeliveredAt: bigint;
  /** Unix ns of the last ack that moved something, 0n before the first */
  readonly lastAckAt: bigint;
  readonly acks: AckState;
  readonly numWaiting: number;
  readonly numPending: number;
  /** a push consumer with a subscriber */
  readonly pushBound: boolean;
  /** Unix ms the consumer is paused until (0 = not paused) */
  readonly pausedUntil: number;
}

export function consumerInfo(s: ConsumerInfoSource): ConsumerInfo {
  const ts = nowUnixNanos();
  const info: ConsumerInfo = {
    stream_name: s.streamName,
    name: s.name,
    created: formatUnixNanos(s.created),
    config: s.config,
    delivered: {
      consumer_seq: s.dseq,
      stream_seq: s.deliveredSseq,
      ...(s.lastDeliveredAt > 0n ? { last_active: formatUnixNanos(s.lastDeliveredAt) } : {}),
    },
    ack_floor: {
      consumer_seq: s.acks.floor.consumer,
      stream_seq: s.acks.floor.stream,
      ...(s.lastAckAt > 0n ? { last_active: formatUnixNanos(s.lastAckAt) } : {}),
    },
    num_ack_pending: s.acks.pendingCount,
    num_redelivered: s.acks.redeliveredCount,
    num_waiting: s.numWaiting,
    num_pending: s.numPending,
  } as ConsumerInfo;
  if (s.pushBound) info.push_bound = true;
  if (s.pausedUntil > Date.now()) {
    info.paused = true;
    info.pause_remaining = (s.pausedUntil - Date.now()) * 1e6;
  }
  info.ts = formatUnixNanos(ts);
  return info;
}
