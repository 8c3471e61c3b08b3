// STREAM.CREATE / STREAM.UPDATE request checking: decode the body as nats-server does, apply its
// defaults, validate, and for updates compare with the current config — returning either the
// normalized config (as nats-server returns it, `_nats.*` metadata included) or the exact API
// error nats-server 2.12 answers with.
import { JSErr, type ApiError } from "../api/errors.js";
import { decodeGo } from "../api/json-decode.js";
import { NS, formatGoDuration } from "../api/json.js";
import type { StreamConfig } from "../api/types.js";
import { STREAM_CONFIG_REQUEST } from "./config-decode.js";
import { META_REQUIRED_LEVEL, streamConfigOut, streamRequiredApiLevel, userMetadata, withVersionMetadata } from "./config-out.js";
import { mirrorError, republishError, sourceFilterError, sourcesError, subjectTransformCfgError } from "./config-sources.js";
import { hasPathSeparator, isValidSubject, overlapsJetStreamApi, overlapsSystemApi, subjectsOverlap } from "./subjects.js";
import { updateError } from "./config-update.js";

export { streamRequiredApiLevel, withVersionMetadata, streamConfigWithVersionMetadata, userMetadata, NATS_METADATA_KEYS } from "./config-out.js";

/** Account / server JetStream limits that shape configs. All optional; absent = unlimited. */
export interface JsLimits {
  /** the account requires streams to set max_bytes (10113) */
  readonly maxBytesRequired?: boolean;
  /** largest max_bytes a memory stream may have (account memory_max_stream_bytes) */
  readonly memoryMaxStreamBytes?: number;
  /** largest max_bytes a file stream may have (account storage_max_stream_bytes) */
  readonly storageMaxStreamBytes?: number;
  /** jetstream { limits { duplicate_window } }: the default (and cap of the default) dedupe window, ns */
  readonly duplicateWindow?: number;
  /** jetstream { limits { max_ack_pending } }: the server-wide cap of a consumer's max_ack_pending */
  readonly maxAckPending?: number;
  /** accounts { X { jetstream { max_ack_pending } } }: the account's cap of a consumer's max_ack_pending */
  readonly accountMaxAckPending?: number;
  /** jetstream { limits { max_request_batch } }: default and cap of a pull consumer's max_batch */
  readonly maxRequestBatch?: number;
}

export interface StreamCheckContext {
  readonly action: "create" | "update";
  /** the stream name token of the request subject ($JS.API.STREAM.CREATE.<name>) */
  readonly subjectInRequest: string;
  /** the stream's current config, when it exists */
  readonly existing?: StreamConfig;
  /** every other stream of the account (the one being updated may be included; it is skipped) */
  readonly otherStreams: readonly StreamConfig[];
  readonly jsLimits?: JsLimits;
  /** force pedantic mode (the body's `pedantic` also turns it on) */
  readonly pedantic?: boolean;
  /** whether JetStream runs clustered (replicas > 1 allowed); default false */
  readonly clustered?: boolean;
}

export type StreamCheckResult =
  | {
      /** the config as nats-server returns it (normalized, `_nats.*` metadata set) */
      readonly config: StreamConfig;
      /** create only: the stream already existed with this very config (answered as a create) */
      readonly unchanged?: boolean;
    }
  | { readonly error: ApiError };

type Loose = Record<string, unknown>;

const MAX_NAME_LEN = 255;
const MAX_DESCRIPTION_LEN = 4096;
const MAX_METADATA_BYTES = 128 * 1024;
const MIN_WINDOW = 100 * NS.milli;
const DEFAULT_DUPLICATE_WINDOW = 2 * NS.minute;
const MAX_REPLICAS = 5;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const invalid = (err: string): ApiError => JSErr.JSStreamInvalidConfigF({ err });

/** Bytes of metadata as nats-server measures them: the user's entries plus the `_nats.req.level` entry it stores. */
function metadataSize(md: unknown, requiredLevel: number): number {
  let n = Buffer.byteLength(META_REQUIRED_LEVEL) + String(requiredLevel).length;
  for (const [k, v] of Object.entries(userMetadata(md as Record<string, string> | undefined) ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/**
 * nats-server's defaults and per-config validation (its checkStreamCfg), applied in place to the
 * decoded config `c`. Returns the first error.
 */
/** A stream config of the account by name (the mirror's origin), if it exists. */
type StreamLookup = (name: string) => StreamConfig | undefined;

function checkAndDefault(c: Loose, pedantic: boolean, limits: JsLimits, action: "create" | "update", lookup: StreamLookup): ApiError | undefined {
  const name = str(c.name);
  if (name === "" || /[.*>/\\\s]/.test(name)) return invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'");
  if (Buffer.byteLength(name) > MAX_NAME_LEN) return invalid(`stream name is too long, maximum allowed is ${MAX_NAME_LEN}`);
  if (action === "create") {
    if (c.sealed === true) return invalid("stream configuration for create can not be sealed");
    if (c.mirror_direct === true && (c.mirror === undefined || c.mirror === null)) return invalid("stream has no mirror but does have mirror direct");
  }
  if (Buffer.byteLength(str(c.description)) > MAX_DESCRIPTION_LEN) return invalid(`stream description is too long, maximum allowed is ${MAX_DESCRIPTION_LEN}`);
  if (metadataSize(c.metadata, streamRequiredApiLevel(c)) > MAX_METADATA_BYTES) return invalid(`stream metadata exceeds maximum size of ${MAX_METADATA_BYTES} bytes`);

  const replicas = num(c.num_replicas);
  if (replicas < 0) return JSErr.JSReplicasCountCannotBeNegative();
  if (replicas === 0) c.num_replicas = 1;
  if (replicas > MAX_REPLICAS) return invalid(`maximum replicas is ${MAX_REPLICAS}`);

  const maxAge = num(c.max_age);
  if (maxAge < 0) return invalid("max age can not be negative");
  if (maxAge > 0 && maxAge < MIN_WINDOW) return invalid("max age needs to be >= 100ms");
  const dw = num(c.duplicate_window);
  if (dw < 0) return invalid("duplicates window can not be negative");
  if (dw > 0 && dw < MIN_WINDOW) return invalid("duplicates window needs to be >= 100ms");

  for (const k of ["max_msgs", "max_bytes", "max_msgs_per_subject", "max_consumers", "max_msg_size"]) {
    if (num(c[k]) <= 0) c[k] = -1;
  }
  c.retention ??= "limits";
  c.discard ??= "old";
  c.storage ??= "file";
  c.compression ??= "none";

  const hasMirror = c.mirror !== undefined && c.mirror !== null;
  if (dw === 0 && !hasMirror) {
    let window = DEFAULT_DUPLICATE_WINDOW;
    const lim = limits.duplicateWindow ?? 0;
    if (lim > 0 && window > lim) {
      if (pedantic) return JSErr.JSPedanticErrF({ err: "duplicate window limits are higher than current limits" });
      window = lim;
    }
    if (maxAge !== 0 && maxAge < window) {
      if (pedantic) return JSErr.JSPedanticErrF({ err: "duplicate window cannot be bigger than max age" });
      c.duplicate_window = maxAge;
    } else {
      c.duplicate_window = window;
    }
  }
  if (maxAge > 0 && num(c.duplicate_window) > maxAge) return invalid("duplicates window can not be larger then max age");
  const windowLimit = limits.duplicateWindow ?? 0;
  if (windowLimit > 0 && num(c.duplicate_window) > windowLimit) {
    return invalid(`duplicates window can not be larger then server limit of ${formatGoDuration(windowLimit)}`);
  }

  if (c.allow_rollup_hdrs === true && c.deny_purge === true) return invalid("roll-ups require the purge permission");
  if (c.allow_msg_counter === true) {
    if (c.discard === "new") return invalid("counter stream cannot use discard new");
    if (c.allow_msg_ttl === true) return invalid("counter stream cannot use message TTLs");
    if (c.allow_msg_schedules === true) return invalid("counter stream cannot use message schedules");
    if (c.retention !== "limits") return invalid("counter stream can only use limits retention");
  }
  if (c.discard_new_per_subject === true) {
    if (c.discard !== "new") return invalid("discard new per subject requires discard new policy to be set");
    if (num(c.max_msgs_per_subject) <= 0) return invalid("discard new per subject requires max msgs per subject > 0");
  }

  const sdm = num(c.subject_delete_marker_ttl);
  if (sdm !== 0) {
    if (sdm < 0) return invalid("subject delete marker TTL must not be negative");
    if (sdm < NS.second) return invalid("subject delete marker TTL must be at least 1 second");
    if (c.allow_msg_ttl !== true) {
      if (pedantic) return invalid("subject delete marker cannot be set if message TTLs are disabled");
      c.allow_msg_ttl = true;
    }
    if (c.allow_rollup_hdrs !== true) {
      if (pedantic) return invalid("subject delete marker cannot be set if roll-ups are disabled");
      c.allow_rollup_hdrs = true;
      c.deny_purge = false;
    }
  }

  if (c.allow_msg_schedules === true) {
    if (c.discard === "new") return invalid("message scheduling cannot use discard new");
    if (c.allow_rollup_hdrs !== true) {
      if (pedantic) return invalid("message scheduling cannot be set if roll-ups are disabled");
      c.allow_rollup_hdrs = true;
      c.deny_purge = false;
    }
  }
  if (c.persist_mode === "async" && c.storage !== "file") return invalid("async persist mode is only supported on file storage");
  if (c.persist_mode === "async" && num(c.num_replicas) > 1) return invalid("async persist mode is not supported on replicated streams");
  if (c.persist_mode === "async" && c.allow_atomic === true) return invalid("async persist mode is not supported with atomic batch publish");
  if (c.allow_rollup_hdrs === true && c.deny_purge === true) return invalid("roll-ups require the purge permission");

  // a mirror serves direct gets exactly when its origin does
  const alignWithOrigin = (): ApiError | undefined => {
    const origin = hasMirror ? lookup(str((c.mirror as Loose).name)) : undefined;
    if (origin !== undefined && origin.allow_direct !== (c.mirror_direct === true)) {
      if (pedantic) return JSErr.JSPedanticErrF({ err: "origin stream has direct get set, mirror has it disabled" });
      c.mirror_direct = origin.allow_direct;
    }
    return undefined;
  };
  const mErr = mirrorError(c, alignWithOrigin);
  if (mErr !== undefined) return mErr;
  const sErr = sourcesError(c);
  if (sErr !== undefined) return sErr;

  const hasSources = Array.isArray(c.sources) && c.sources.length > 0;
  if ((!Array.isArray(c.subjects) || c.subjects.length === 0) && !hasMirror && !hasSources) c.subjects = [name];
  const subjects = Array.isArray(c.subjects) ? (c.subjects as string[]) : [];
  for (let i = 0; i < subjects.length; i++) {
    const s = subjects[i] ?? "";
    if (!isValidSubject(s)) return invalid("invalid subject");
    if (s === ">" && c.no_ack === true && num(c.num_replicas) > 1) return invalid("capturing all subjects requires replicas of 1");
    if (c.no_ack !== true) {
      if (s === ">") return invalid("capturing all subjects requires no-ack to be true");
      if (overlapsJetStreamApi(s)) return invalid("subjects that overlap with jetstream api require no-ack to be true");
      if (overlapsSystemApi(s)) return invalid("subjects that overlap with system api require no-ack to be true");
    }
    for (let j = i + 1; j < subjects.length; j++) {
      const t = subjects[j] ?? "";
      if (isValidSubject(t) && subjectsOverlap(s, t)) return invalid(`subject ${JSON.stringify(s)} overlaps with ${JSON.stringify(t)}`);
    }
  }
  const tErr = subjectTransformCfgError(c);
  if (tErr !== undefined) return tErr;
  const rErr = republishError(c, pedantic);
  if (rErr !== undefined) return rErr;
  const placement = c.placement as Loose | undefined;
  if (placement !== undefined && placement !== null) {
    if (str(placement.preferred) !== "") return invalid("preferred server not permitted in placement");
    // an empty placement is dropped, one with an explicit (even empty) tags list is kept
    if (str(placement.cluster) === "" && !Array.isArray(placement.tags)) delete c.placement;
  }
  return undefined;
}

function accountLimitsError(c: Loose, limits: JsLimits): ApiError | undefined {
  const maxBytes = num(c.max_bytes);
  if (limits.maxBytesRequired === true && maxBytes <= 0) return JSErr.JSStreamMaxBytesRequired();
  const cap = c.storage === "memory" ? limits.memoryMaxStreamBytes : limits.storageMaxStreamBytes;
  if (cap !== undefined && cap > 0 && maxBytes > cap) return JSErr.JSStreamMaxStreamBytesExceeded();
  return undefined;
}

function overlapError(c: Loose, others: readonly StreamConfig[]): ApiError | undefined {
  const subjects = Array.isArray(c.subjects) ? (c.subjects as string[]) : [];
  for (const other of others) {
    if (other.name === c.name) continue;
    for (const a of subjects) for (const b of other.subjects ?? []) if (subjectsOverlap(a, b)) return JSErr.JSStreamSubjectOverlapErr();
  }
  return undefined;
}

function finish(c: Loose): StreamConfig {
  const out = streamConfigOut(c);
  return { ...out, metadata: withVersionMetadata(out.metadata, streamRequiredApiLevel(out)) };
}

/** Config equality as nats-server judges an idempotent CREATE: everything but the server's metadata keys. */
export function sameStreamConfig(a: StreamConfig, b: StreamConfig): boolean {
  const strip = (c: StreamConfig): string => JSON.stringify(streamConfigOut({ ...c, metadata: userMetadata(c.metadata) }));
  return strip(a) === strip(b);
}

/** Checks a STREAM.CREATE or STREAM.UPDATE request body (raw bytes/text, or a parsed object). */
export function checkStreamConfig(req: unknown, ctx: StreamCheckContext): StreamCheckResult {
  const decoded = decodeGo(STREAM_CONFIG_REQUEST, req);
  if ("error" in decoded) return { error: JSErr.JSInvalidJSONErr({ err: decoded.error }) };
  const c: Loose = { ...decoded.value };
  const pedantic = c.pedantic === true || ctx.pedantic === true;
  delete c.pedantic;
  const limits = ctx.jsLimits ?? {};
  const name = str(c.name);

  if (ctx.action === "create") {
    if (ctx.subjectInRequest !== name) return { error: JSErr.JSStreamMismatchErr() };
    if (hasPathSeparator(name)) return { error: JSErr.JSStreamNameContainsPathSeparatorsErr() };
  }
  const lookup: StreamLookup = (n) => ctx.otherStreams.find((o) => o.name === n) ?? (ctx.existing?.name === n ? ctx.existing : undefined);
  // An update checks the request, then checks the defaulted result once more (so implied flags
  // count: delete markers turn on message TTLs, which a counter stream refuses).
  const passes = ctx.action === "update" ? 2 : 1;
  for (let pass = 0; pass < passes; pass++) {
    const err = checkAndDefault(c, pedantic, limits, ctx.action, lookup);
    if (err !== undefined) return { error: err };
  }

  if (ctx.action === "update") {
    if (ctx.subjectInRequest !== name) return { error: JSErr.JSStreamMismatchErr() };
    if (ctx.existing === undefined) return { error: JSErr.JSStreamNotFoundErr() };
    const uErr = accountLimitsError(c, limits) ?? updateError(c, ctx.existing) ?? overlapError(c, ctx.otherStreams);
    if (uErr !== undefined) return { error: uErr };
    return { config: finish(c) };
  }

  const limErr = accountLimitsError(c, limits);
  if (limErr !== undefined) return { error: limErr };
  if (num(c.num_replicas) > 1 && ctx.clustered !== true) return { error: JSErr.JSStreamReplicasNotSupportedErr() };
  const config = finish(c);
  if (ctx.existing !== undefined) {
    if (sameStreamConfig(config, ctx.existing)) return { config, unchanged: true };
    return { error: JSErr.JSStreamNameExistErr() };
  }
  if (str(c.template_owner) !== "") return { error: JSErr.JSStreamCreateErrF({ err: "stream not owned by template" }) };
  const oErr = overlapError(c, ctx.otherStreams) ?? sourceFilterError(c);
  if (oErr !== undefined) return { error: oErr };
  return { config };
}
