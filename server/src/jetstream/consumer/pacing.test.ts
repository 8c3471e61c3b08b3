import { expect, test } from "vitest";
import type { ConsumerConfig } from "../api/types.js";
import { Pacer } from "./pacing.js";

const base = { deliver_policy: "all", ack_policy: "none", replay_policy: "instant", num_replicas: 0 } as ConsumerConfig;

test("replay original keeps the stream's spacing", () => {
  const p = new Pacer();
  const cfg = { ...base, replay_policy: "original" } as ConsumerConfig;
  expect(p.wait(cfg, 1_000_000_000n, 10, 5000)).toBe(0);
  expect(p.wait(cfg, 1_500_000_000n, 10, 5100)).toBe(400);
  expect(p.wait(cfg, 1_500_000_000n, 10, 5600)).toBe(0);
});

test("rate_limit_bps holds messages past the budget until the next second", () => {
  const p = new Pacer();
  const cfg = { ...base, rate_limit_bps: 1000 } as ConsumerConfig;
  expect(p.wait(cfg, 0n, 100, 10_000)).toBe(0); // 800 bits
  expect(p.wait(cfg, 0n, 100, 10_200)).toBe(800); // would be 1600 bits: wait for the window
  expect(p.wait(cfg, 0n, 100, 11_000)).toBe(0);
  expect(p.wait(base, 0n, 1_000_000, 11_000)).toBe(0);
});
