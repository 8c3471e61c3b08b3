import { describe, expect, test } from "vitest";
import type { ConsumerConfig } from "../api/types.js";
import { AckState } from "./ack-state.js";
import { ConsumerAdvisories } from "./advisories.js";
import type { ConsumerHost } from "./host.js";
import { ackWaitMs, queueDueRedeliveries } from "./redelivery.js";

const cfg = (c: Partial<ConsumerConfig>): ConsumerConfig => c as ConsumerConfig;

describe("redelivery", () => {
  test("ack wait: 30 s by default, ack_wait, else backoff by delivery count (the last step repeats)", () => {
    expect(ackWaitMs(cfg({}), 1)).toBe(30_000);
    expect(ackWaitMs(cfg({ ack_wait: 2e9 }), 3)).toBe(2000);
    const backoff = cfg({ ack_wait: 2e9, backoff: [1e9, 5e9] });
    expect([1, 2, 3].map((dc) => ackWaitMs(backoff, dc))).toEqual([1000, 5000, 5000]);
    expect(ackWaitMs(cfg({ ack_wait: 1 }), 1)).toBe(1);
  });

  test("due deliveries are queued; those at max_deliver are parked and reported", () => {
    const a = new AckState();
    a.track(1, 1, 0n, 100);
    a.track(2, 2, 0n, 100);
    a.track(3, 3, 0n, 900);
    a.redelivering(2);
    const sent: unknown[] = [];
    const host = { advisory: (...args: unknown[]) => sent.push(args) } as unknown as ConsumerHost;
    queueDueRedeliveries(a, cfg({ max_deliver: 2 }), 500, new ConsumerAdvisories(host, { name: "S" }, "C"));
    expect(sent).toEqual([
      [
        "CONSUMER.MAX_DELIVERIES",
        "S",
        "C",
        { type: "io.nats.jetstream.advisory.v1.max_deliver", stream: "S", consumer: "C", stream_seq: 2, deliveries: 2 },
      ],
    ]);
    expect(a.nextQueued()).toBe(1);
    expect(a.nextQueued()).toBeNull();
    expect(a.due(10_000)).toEqual([3]);
  });
});
