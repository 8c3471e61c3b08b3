// Ack sampling (a consumer's sample_freq, "N" or "N%"): the share of acknowledged deliveries that
// publish a consumer_ack metric on $JS.EVENT.METRIC.CONSUMER.ACK.<stream>.<consumer>. As in
// nats-server only explicit acks of pending deliveries (+ACK and +NXT) are sampled; a rate of 0
// (or none) samples nothing and 100 or more samples every one.

/** The rate in percent from sample_freq (validated when the consumer was created or updated). */
export function samplingRate(freq: string | undefined): number {
  if (freq === undefined || freq === "") return 0;
  const n = Number.parseInt(freq.endsWith("%") ? freq.slice(0, -1) : freq, 10);
  return Number.isFinite(n) ? n : 0;
}

/** Whether one ack is sampled at `rate`: nats-server draws 0..99 and samples when the draw is at most the rate. */
export function shouldSample(rate: number, random: () => number = Math.random): boolean {
  if (rate <= 0) return false;
  if (rate >= 100) return true;
  return Math.floor(random() * 100) <= rate;
}
