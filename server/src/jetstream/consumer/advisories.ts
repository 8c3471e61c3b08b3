// The advisories a consumer publishes about single messages: max deliveries reached, a message
// terminated (+TERM), a message nak'ed (-NAK); and the consumer_ack metric of a sampled ack.

import type { ConsumerHost } from "./host.js";

export class ConsumerAdvisories {
  constructor(
    private readonly host: ConsumerHost,
    /** the consumer's stream (its name is read when an advisory goes out) */
    private readonly stream: { readonly name: string },
    private readonly consumer: string,
  ) {}

  /** A message was delivered max_deliver times: it is parked (stays unacked, not delivered again). */
  maxDeliveries(streamSeq: number, deliveries: number): void {
    this.host.advisory("CONSUMER.MAX_DELIVERIES", this.stream.name, this.consumer, {
      type: "io.nats.jetstream.advisory.v1.max_deliver",
      stream: this.stream.name,
      consumer: this.consumer,
      stream_seq: streamSeq,
      deliveries,
    });
  }

  terminated(consumerSeq: number, streamSeq: number, deliveries: number, reason: string): void {
    this.host.advisory("CONSUMER.MSG_TERMINATED", this.stream.name, this.consumer, {
      type: "io.nats.jetstream.advisory.v1.terminated",
      stream: this.stream.name,
      consumer: this.consumer,
      consumer_seq: consumerSeq,
      stream_seq: streamSeq,
      deliveries,
      reason,
    });
  }

  /** A sampled ack (sample_freq): how long the last delivery took to be acknowledged. */
  ackSampled(consumerSeq: number, streamSeq: number, ackTimeNs: bigint, deliveries: number): void {
    this.host.metric("CONSUMER.ACK", this.stream.name, this.consumer, {
      type: "io.nats.jetstream.metric.v1.consumer_ack",
      stream: this.stream.name,
      consumer: this.consumer,
      consumer_seq: consumerSeq,
      stream_seq: streamSeq,
      ack_time: Number(ackTimeNs > 0n ? ackTimeNs : 1n),
      deliveries,
    });
  }

  naked(consumerSeq: number, streamSeq: number, deliveries: number): void {
    this.host.advisory("CONSUMER.MSG_NAKED", this.stream.name, this.consumer, {
      type: "io.nats.jetstream.advisory.v1.nak",
      stream: this.stream.name,
      consumer: this.consumer,
      consumer_seq: consumerSeq,
      stream_seq: streamSeq,
      deliveries,
    });
  }
}
