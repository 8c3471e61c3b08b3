import { describe, expect, test } from "vitest";
import { AckState } from "./ack-state.js";

describe("AckState", () => {
  test("explicit acks move the floor to just below the oldest unacked delivery", () => {
    const a = new AckState();
    for (let s = 1; s <= 4; s++) a.track(s, s, 0n, 1000);
    expect(a.ack(2, false, 4, 4)).toEqual([2]);
    expect(a.floor).toEqual({ stream: 0, consumer: 0 });
    expect(a.ack(1, false, 4, 4)).toEqual([1]);
    expect(a.floor).toEqual({ stream: 2, consumer: 2 });
    expect(a.ack(4, true, 4, 4)).toEqual([3, 4]);
    expect(a.floor).toEqual({ stream: 4, consumer: 4 });
    expect(a.pendingCount).toBe(0);
  });

  test("redeliveries: due, queue, counts, and a redelivered oldest entry", () => {
    const a = new AckState();
    a.track(1, 1, 0n, 100);
    a.track(2, 2, 0n, 500);
    expect(a.due(200)).toEqual([1]);
    a.redeliverNow(1);
    expect(a.due(200)).toEqual([]);
    expect(a.nextQueued()).toBe(1);
    expect(a.redelivering(1)).toBe(2);
    a.track(1, 3, 0n, 900); // redelivered as consumer seq 3, keeps its place
    a.ack(2, false, 2, 3);
    expect(a.floor).toEqual({ stream: 0, consumer: 2 });
    expect(a.redeliveredCount).toBe(1);
    const snap = a.snapshot({ consumerSeq: 3, streamSeq: 2 });
    const b = new AckState();
    b.restore(snap, () => 1000);
    expect(b.isPending(1)).toBe(true);
    expect(b.deliveries(1)).toBe(2);
    expect(b.floor).toEqual(a.floor);
  });

  test("a purge drops deliveries below the new first sequence", () => {
    const a = new AckState();
    for (let s = 1; s <= 3; s++) a.track(s, s, 0n, 1000);
    a.purgedBelow(3);
    expect(a.pendingCount).toBe(1);
    expect(a.floor.stream).toBe(2);
  });
});
