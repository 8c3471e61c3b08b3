// Cases run against a reference server with JetStream limits (LIMITS_CONF in config-diff.test.ts):
// server-wide max_ack_pending 100, duplicate_window 1m, max_request_batch 10; account A also
// requires max_bytes, caps stream bytes (file 5000, memory 3000) and max_ack_pending (70).
import { mkStream, type Body, type DiffCase, type Req } from "./config-cases.js";

const inAcc = (account: "A" | "B", name: string, subject: string, body: Body, expect?: "ok" | number, setup: readonly Req[] = []): DiffCase => ({
  name: `limits ${account}: ${name}`,
  subject,
  body,
  expect,
  setup,
  account,
});
const X = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: "X", ...extra });
const createX = (account: "A" | "B", name: string, extra: Record<string, unknown>, expect?: "ok" | number, setup: readonly Req[] = []): DiffCase =>
  inAcc(account, `create ${name}`, "STREAM.CREATE.X", X(extra), expect, setup);
const updateX = (account: "A" | "B", name: string, extra: Record<string, unknown>, expect?: "ok" | number): DiffCase =>
  inAcc(account, `update ${name}`, "STREAM.UPDATE.X", X(extra), expect, [mkStream(X({ max_bytes: 4000 }))]);
const consX = (account: "A" | "B", name: string, body: Record<string, unknown>, expect?: "ok" | number, stream: Record<string, unknown> = {}): DiffCase =>
  inAcc(account, `consumer ${name}`, "CONSUMER.CREATE.X", { stream_name: "X", ...body }, expect, [mkStream(X({ max_bytes: 1000, ...stream }))]);

const streams: DiffCase[] = [
  createX("A", "without max_bytes", {}, 10113),
  createX("A", "above file cap", { max_bytes: 6000 }, 10122),
  createX("A", "at file cap", { max_bytes: 5000 }, "ok"),
  createX("A", "memory above cap", { max_bytes: 4000, storage: "memory" }, 10122),
  createX("A", "memory within cap", { max_bytes: 2000, storage: "memory", max_age: 30_000_000_000 }, "ok"),
  createX("A", "invalid before limits", { max_age: 1 }, 10052),
  createX("A", "limits before replicas", { max_bytes: 6000, num_replicas: 3 }, 10122),
  createX("A", "sealed and no max_bytes", { sealed: true }, undefined),
  createX("A", "pedantic window", { max_bytes: 4000, pedantic: true }, 10157),
  createX("A", "pedantic explicit window", { max_bytes: 4000, duplicate_window: 60_000_000_000, pedantic: true }, "ok"),
  createX("A", "window above the limit", { max_bytes: 4000, duplicate_window: 120_000_000_000 }, 10052),
  createX("A", "window above the limit and max_age", { max_bytes: 4000, duplicate_window: 120_000_000_000, max_age: 90_000_000_000 }, 10052),
  createX("A", "window above the limit, no max_bytes", { duplicate_window: 120_000_000_000 }, 10052),
  createX("B", "default window is the limit", {}, "ok"),
  createX("B", "no byte caps", { max_bytes: 6000 }, "ok"),
  createX("B", "replicas", { max_bytes: 6000, num_replicas: 3 }, 10074),
  createX("B", "max_age below the window limit", { max_age: 30_000_000_000 }, "ok"),
  createX("B", "pedantic max_age below the window limit", { max_age: 30_000_000_000, pedantic: true }, undefined),
  updateX("A", "drop max_bytes", {}, 10113),
  updateX("A", "above cap", { max_bytes: 6000 }, 10122),
  updateX("A", "above cap and storage change", { max_bytes: 6000, storage: "memory" }, 10122),
  updateX("A", "within cap", { max_bytes: 4500 }, "ok"),
  updateX("B", "storage change", { max_bytes: 6000, storage: "memory" }, 10052),
];

const consumers: DiffCase[] = [
  consX("A", "default max_ack_pending from account", { config: { ack_policy: "explicit" } }, "ok"),
  consX("B", "default max_ack_pending from server", { config: { ack_policy: "explicit" } }, "ok"),
  consX("A", "above account cap", { config: { ack_policy: "explicit", max_ack_pending: 80 } }, 10121),
  consX("A", "above server cap", { config: { ack_policy: "explicit", max_ack_pending: 200 } }, 10121),
  consX("B", "within server cap", { config: { ack_policy: "explicit", max_ack_pending: 80 } }, "ok"),
  consX("B", "above server cap", { config: { ack_policy: "explicit", max_ack_pending: 200 } }, 10121),
  consX("A", "unlimited ack pending", { config: { ack_policy: "explicit", max_ack_pending: -1 } }, "ok"),
  consX("A", "ack none", { config: {} }, "ok"),
  consX("A", "max_batch above", { config: { ack_policy: "explicit", max_batch: 20 } }, 10125),
  consX("A", "max_batch default", { config: { ack_policy: "explicit", max_batch: 0 } }, "ok"),
  consX("A", "max_batch negative", { config: { ack_policy: "explicit", max_batch: -1 } }, "ok"),
  consX("A", "push without max_batch", { config: { deliver_subject: "dx" } }, "ok"),
  consX("A", "push with max_batch above", { config: { deliver_subject: "dx", max_batch: 20 } }, "ok"),
  consX("A", "pedantic without max_batch", { config: { ack_policy: "explicit" }, pedantic: true }, 10157),
  consX("A", "pedantic with max_ack_pending only", { config: { ack_policy: "explicit", max_ack_pending: 5 }, pedantic: true }, 10157),
  consX("A", "pedantic with max_batch", { config: { ack_policy: "explicit", max_batch: 5 }, pedantic: true }, "ok"),
  consX("A", "pedantic ack none with max_batch", { config: { max_batch: 5 }, pedantic: true }, "ok"),
  consX("A", "stream limit above account cap", { config: { ack_policy: "explicit" } }, 10121, { consumer_limits: { max_ack_pending: 80 } }),
  consX("A", "stream limit below account cap", { config: { ack_policy: "explicit" } }, "ok", { consumer_limits: { max_ack_pending: 50 } }),
  consX("A", "above stream limit", { config: { ack_policy: "explicit", max_ack_pending: 60 } }, 10121, { consumer_limits: { max_ack_pending: 50 } }),
  consX("B", "stream limit within server cap", { config: { ack_policy: "explicit" } }, "ok", { consumer_limits: { max_ack_pending: 80 } }),
];

export const LIMITS_CASES: DiffCase[] = [...streams, ...consumers];
