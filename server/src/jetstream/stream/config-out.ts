// The normalized StreamConfig object in nats-server's JSON shape (field order, omitted empties),
// and the `_nats.*` metadata nats-server adds to configs in its responses.
import { API_LEVEL, COMPAT_VERSION } from "../../version.js";
import { sortedMap } from "../api/json.js";
import type { ExternalStream, RePublish, StreamConfig, StreamSource, SubjectTransformConfig } from "../api/types.js";

/** Metadata keys nats-server owns: replaced in every stored/returned config. */
export const NATS_METADATA_KEYS = ["_nats.ver", "_nats.level", "_nats.req.level"] as const;
export const META_SERVER_VERSION = "_nats.ver";
export const META_SERVER_LEVEL = "_nats.level";
export const META_REQUIRED_LEVEL = "_nats.req.level";

/** The JetStream API level a stream config needs from the servers hosting it. */
export function streamRequiredApiLevel(cfg: Partial<Pick<StreamConfig, "allow_msg_ttl" | "subject_delete_marker_ttl" | "allow_msg_counter" | "allow_atomic" | "allow_msg_schedules" | "persist_mode">>): number {
  if (cfg.allow_msg_counter === true || cfg.allow_atomic === true || cfg.allow_msg_schedules === true || cfg.persist_mode === "async") return 2;
  if (cfg.allow_msg_ttl === true || (cfg.subject_delete_marker_ttl ?? 0) > 0) return 1;
  return 0;
}

/**
 * User metadata with the server's keys set: `_nats.level` (this server's API level),
 * `_nats.req.level` (the level the config needs) and `_nats.ver` (server version); other
 * `_nats.*` keys a client sent are kept. Keys in Go's (sorted) order.
 */
export function withVersionMetadata(metadata: Readonly<Record<string, string>> | undefined, requiredLevel: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (!(NATS_METADATA_KEYS as readonly string[]).includes(k)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  out[META_SERVER_LEVEL] = String(API_LEVEL);
  out[META_REQUIRED_LEVEL] = String(requiredLevel);
  out[META_SERVER_VERSION] = COMPAT_VERSION;
  return sortedMap(out);
}

/** The metadata of `cfg` without the server-owned keys (what a client asked for). */
export function userMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, v] of Object.entries(metadata)) {
    if ((NATS_METADATA_KEYS as readonly string[]).includes(k)) continue;
    Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    any = true;
  }
  return any ? sortedMap(out) : undefined;
}

/** The stream config with its `_nats.*` metadata as nats-server returns it. */
export function streamConfigWithVersionMetadata(cfg: StreamConfig): StreamConfig {
  return { ...cfg, metadata: withVersionMetadata(cfg.metadata, streamRequiredApiLevel(cfg)) };
}

type Loose = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const bool = (v: unknown): boolean => v === true;

function transformOut(t: Loose): SubjectTransformConfig {
  return { src: str(t.src), dest: str(t.dest) };
}

export function externalOut(e: Loose): ExternalStream {
  return { api: str(e.api), deliver: str(e.deliver) };
}

/** A StreamSource in output order, empties omitted. */
export function sourceOut(s: Loose): StreamSource {
  const out: StreamSource = { name: str(s.name) };
  if (num(s.opt_start_seq) !== 0) out.opt_start_seq = num(s.opt_start_seq);
  if (typeof s.opt_start_time === "string") out.opt_start_time = s.opt_start_time;
  if (str(s.filter_subject) !== "") out.filter_subject = str(s.filter_subject);
  const ts = s.subject_transforms;
  if (Array.isArray(ts) && ts.length > 0) out.subject_transforms = (ts as Loose[]).map((t) => transformOut(t ?? {}));
  if (s.external !== undefined && s.external !== null) out.external = externalOut(s.external as Loose);
  return out;
}

function republishOut(r: Loose): RePublish {
  const out: Loose = {};
  out.src = str(r.src) === "" ? ">" : r.src;
  out.dest = str(r.dest);
  if (bool(r.headers_only)) out.headers_only = true;
  return out as unknown as RePublish;
}

/**
 * Builds the output-shaped config from a loose (decoded and normalized) one: nats-server's
 * field order, `omitempty` fields left out when zero.
 */
export function streamConfigOut(c: Loose): StreamConfig {
  const out: Loose = { name: str(c.name) };
  if (str(c.description) !== "") out.description = c.description;
  if (Array.isArray(c.subjects) && c.subjects.length > 0) out.subjects = c.subjects;
  out.retention = c.retention ?? "limits";
  out.max_consumers = num(c.max_consumers);
  out.max_msgs = num(c.max_msgs);
  out.max_bytes = num(c.max_bytes);
  out.max_age = num(c.max_age);
  out.max_msgs_per_subject = num(c.max_msgs_per_subject);
  if (num(c.max_msg_size) !== 0) out.max_msg_size = c.max_msg_size;
  out.discard = c.discard ?? "old";
  out.storage = c.storage ?? "file";
  out.num_replicas = num(c.num_replicas);
  if (bool(c.no_ack)) out.no_ack = true;
  if (str(c.template_owner) !== "") out.template_owner = c.template_owner;
  if (num(c.duplicate_window) !== 0) out.duplicate_window = c.duplicate_window;
  if (c.placement !== undefined && c.placement !== null) {
    const p = c.placement as Loose;
    const po: Loose = {};
    if (str(p.cluster) !== "") po.cluster = p.cluster;
    if (Array.isArray(p.tags) && p.tags.length > 0) po.tags = p.tags;
    if (str(p.preferred) !== "") po.preferred = p.preferred;
    out.placement = po;
  }
  if (c.mirror !== undefined && c.mirror !== null) out.mirror = sourceOut(c.mirror as Loose);
  if (Array.isArray(c.sources) && c.sources.length > 0) out.sources = (c.sources as (Loose | null | undefined)[]).map((s) => (s === null || s === undefined ? null : sourceOut(s)));
  out.compression = c.compression ?? "none";
  if (num(c.first_seq) !== 0) out.first_seq = c.first_seq;
  if (c.subject_transform !== undefined && c.subject_transform !== null) out.subject_transform = transformOut(c.subject_transform as Loose);
  if (c.republish !== undefined && c.republish !== null) out.republish = republishOut(c.republish as Loose);
  out.allow_direct = bool(c.allow_direct);
  out.mirror_direct = bool(c.mirror_direct);
  if (bool(c.discard_new_per_subject)) out.discard_new_per_subject = true;
  out.sealed = bool(c.sealed);
  out.deny_delete = bool(c.deny_delete);
  out.deny_purge = bool(c.deny_purge);
  out.allow_rollup_hdrs = bool(c.allow_rollup_hdrs);
  const cl = (c.consumer_limits ?? {}) as Loose;
  const clo: Loose = {};
  if (num(cl.inactive_threshold) !== 0) clo.inactive_threshold = cl.inactive_threshold;
  if (num(cl.max_ack_pending) !== 0) clo.max_ack_pending = cl.max_ack_pending;
  out.consumer_limits = clo;
  out.allow_msg_ttl = bool(c.allow_msg_ttl);
  if (num(c.subject_delete_marker_ttl) !== 0) out.subject_delete_marker_ttl = c.subject_delete_marker_ttl;
  if (bool(c.allow_msg_counter)) out.allow_msg_counter = true;
  if (bool(c.allow_atomic)) out.allow_atomic = true;
  if (bool(c.allow_msg_schedules)) out.allow_msg_schedules = true;
  if (c.persist_mode === "async") out.persist_mode = "async";
  if (c.metadata !== undefined && c.metadata !== null && Object.keys(c.metadata).length > 0) out.metadata = sortedMap(c.metadata as Record<string, string>);
  return out as unknown as StreamConfig;
}
