// The normalized ConsumerConfig object in nats-server's JSON shape (field order, omitted
// empties), its `_nats.*` metadata, and generated consumer names.
import { randomBytes } from "node:crypto";
import { GO_ZERO_TIME_NANOS, parseGoTimeText, sortedMap } from "../api/json.js";
import type { ConsumerConfig } from "../api/types.js";
import { withVersionMetadata } from "../stream/config-out.js";

type Loose = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const bool = (v: unknown): boolean => v === true;

/** The JetStream API level a consumer config needs (pause and priority groups came with level 1). */
export function consumerRequiredApiLevel(cfg: Partial<Pick<ConsumerConfig, "pause_until" | "priority_policy" | "priority_groups">>): number {
  if (cfg.pause_until !== undefined && !isZeroTime(cfg.pause_until)) return 1;
  if (cfg.priority_policy !== undefined && cfg.priority_policy !== "none") return 1;
  if ((cfg.priority_groups ?? []).length > 0) return 1;
  return 0;
}

/** Is the RFC 3339 text Go's zero time (0001-01-01T00:00:00Z, in any zone)? */
export function isZeroTime(text: string): boolean {
  const r = parseGoTimeText(text);
  return !("error" in r) && r.time.unixNanos === GO_ZERO_TIME_NANOS;
}

/** The consumer config with its `_nats.*` metadata as nats-server returns it. */
export function consumerConfigWithVersionMetadata(cfg: ConsumerConfig): ConsumerConfig {
  return consumerConfigOut({ ...cfg, metadata: withVersionMetadata(cfg.metadata, consumerRequiredApiLevel(cfg)) });
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh ephemeral consumer name: 8 base62 characters, like nats-server's. */
export function generateConsumerName(): string {
  const bytes = randomBytes(8);
  let out = "";
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

/** Builds the output-shaped consumer config: nats-server's field order, `omitempty` fields left out when zero. */
export function consumerConfigOut(c: Loose): ConsumerConfig {
  const out: Loose = {};
  if (str(c.durable_name) !== "") out.durable_name = c.durable_name;
  if (str(c.name) !== "") out.name = c.name;
  if (str(c.description) !== "") out.description = c.description;
  out.deliver_policy = c.deliver_policy ?? "all";
  if (num(c.opt_start_seq) !== 0) out.opt_start_seq = c.opt_start_seq;
  if (typeof c.opt_start_time === "string") out.opt_start_time = c.opt_start_time;
  out.ack_policy = c.ack_policy ?? "none";
  if (num(c.ack_wait) !== 0) out.ack_wait = c.ack_wait;
  if (num(c.max_deliver) !== 0) out.max_deliver = c.max_deliver;
  if (Array.isArray(c.backoff) && c.backoff.length > 0) out.backoff = c.backoff;
  if (str(c.filter_subject) !== "") out.filter_subject = c.filter_subject;
  if (Array.isArray(c.filter_subjects) && c.filter_subjects.length > 0) out.filter_subjects = c.filter_subjects;
  out.replay_policy = c.replay_policy ?? "instant";
  if (num(c.rate_limit_bps) !== 0) out.rate_limit_bps = c.rate_limit_bps;
  if (str(c.sample_freq) !== "") out.sample_freq = c.sample_freq;
  if (num(c.max_waiting) !== 0) out.max_waiting = c.max_waiting;
  if (num(c.max_ack_pending) !== 0) out.max_ack_pending = c.max_ack_pending;
  if (bool(c.flow_control)) out.flow_control = true;
  if (bool(c.headers_only)) out.headers_only = true;
  if (num(c.max_batch) !== 0) out.max_batch = c.max_batch;
  if (num(c.max_expires) !== 0) out.max_expires = c.max_expires;
  if (num(c.max_bytes) !== 0) out.max_bytes = c.max_bytes;
  if (str(c.deliver_subject) !== "") out.deliver_subject = c.deliver_subject;
  if (str(c.deliver_group) !== "") out.deliver_group = c.deliver_group;
  if (num(c.idle_heartbeat) !== 0) out.idle_heartbeat = c.idle_heartbeat;
  if (num(c.inactive_threshold) !== 0) out.inactive_threshold = c.inactive_threshold;
  out.num_replicas = num(c.num_replicas);
  if (bool(c.mem_storage)) out.mem_storage = true;
  if (bool(c.direct)) out.direct = true;
  if (c.metadata !== undefined && c.metadata !== null && Object.keys(c.metadata).length > 0) out.metadata = sortedMap(c.metadata as Record<string, string>);
  if (typeof c.pause_until === "string") out.pause_until = c.pause_until;
  if (Array.isArray(c.priority_groups) && c.priority_groups.length > 0) out.priority_groups = c.priority_groups;
  if (c.priority_policy !== undefined && c.priority_policy !== "none") out.priority_policy = c.priority_policy;
  if (num(c.priority_timeout) !== 0) out.priority_timeout = c.priority_timeout;
  return out as unknown as ConsumerConfig;
}
