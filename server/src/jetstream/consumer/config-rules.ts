// nats-server's consumer defaults and per-config validation, applied to a decoded ConsumerConfig.
import { JSErr, type ApiError } from "../api/errors.js";
import { NS, formatGoDuration, goQuote } from "../api/json.js";
import type { StreamConfig } from "../api/types.js";
import type { JsLimits } from "../stream/config.js";
import { hasWildcard, isValidSubject, subjectsOverlap } from "../stream/subjects.js";

type Loose = Record<string, unknown>;

export const DEFAULT_ACK_WAIT = 30 * NS.second;
export const DEFAULT_MAX_ACK_PENDING = 1000;
export const DEFAULT_MAX_WAITING = 512;
export const DEFAULT_INACTIVE_THRESHOLD = 5 * NS.second;
export const DEFAULT_PINNED_TTL = 2 * NS.minute;
const MIN_HEARTBEAT = 100 * NS.milli;
const MAX_DESCRIPTION_LEN = 4096;
const MAX_METADATA_BYTES = 128 * 1024;
// (the error text lists ")+" too, but only these characters are accepted)
const PRIORITY_GROUP = /^[A-Za-z0-9/_=-]{1,16}$/;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const strings = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);
const numbers = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : []);
const policyErr = (err: string): ApiError => JSErr.JSConsumerInvalidPolicyErrF({ err });

export interface RulesContext {
  readonly stream: StreamConfig;
  readonly limits: JsLimits;
  readonly pedantic: boolean;
  /** the consumer counts as durable (durable_name set) for defaults */
  readonly durable: boolean;
  readonly clustered: boolean;
  /** the consumer's resolved name ("" for an unnamed ephemeral) */
  readonly name: string;
}

const pedanticErr = (err: string): ApiError => JSErr.JSPedanticErrF({ err });

/** nats-server's setConsumerConfigDefaults (in pedantic mode, a default it would change is an error instead). */
export function applyDefaults(c: Loose, ctx: RulesContext): ApiError | undefined {
  const { stream, limits, pedantic } = ctx;
  const streamLimits = stream.consumer_limits ?? {};
  c.deliver_policy ??= "all";
  c.ack_policy ??= "none";
  c.replay_policy ??= "instant";
  if (pedantic) {
    // values nats-server would silently correct are errors in pedantic mode
    if (num(c.max_deliver) < -1) return pedanticErr("max_deliver must be set to -1");
    if (num(c.max_waiting) < 0) return pedanticErr("max_waiting must not be negative");
    if (num(c.max_ack_pending) < -1) return pedanticErr("max_ack_pending must be set to -1");
    if (num(c.max_batch) < 0) return pedanticErr("max_batch must not be negative");
    if (num(c.max_bytes) < 0) return pedanticErr("max_bytes must not be negative");
    if (num(c.max_expires) < 0) return pedanticErr("max_expires must not be negative");
    if (num(c.inactive_threshold) < 0) return pedanticErr("inactive_threshold must not be negative");
    if (c.priority_policy === "pinned_client" && num(c.priority_timeout) < 0) return pedanticErr("priority_timeout must not be negative");
  }
  if (num(c.max_deliver) <= 0) c.max_deliver = -1;
  if (num(c.ack_wait) === 0 && c.ack_policy !== "none") c.ack_wait = DEFAULT_ACK_WAIT;
  const backoff = numbers(c.backoff);
  if (backoff.length > 0) {
    const first = backoff[0] ?? 0;
    if (pedantic && num(c.ack_wait) !== first) return pedanticErr("first backoff value has to equal batch AckWait");
    c.ack_wait = first;
  }
  if (num(c.max_ack_pending) === 0) {
    const lim = num(streamLimits.max_ack_pending);
    if (lim > 0) {
      if (pedantic) return pedanticErr("max_ack_pending must be set if it's configured in stream limits");
      c.max_ack_pending = lim;
    } else if (c.ack_policy !== "none") {
      const caps = [DEFAULT_MAX_ACK_PENDING, limits.accountMaxAckPending ?? 0, limits.maxAckPending ?? 0].filter((n) => n > 0);
      c.max_ack_pending = Math.min(...caps);
    }
  } else if (num(c.max_ack_pending) < -1) {
    c.max_ack_pending = -1;
  }
  if (num(c.max_waiting) < 0) c.max_waiting = 0;
  if (str(c.deliver_subject) === "" && num(c.max_waiting) === 0) c.max_waiting = DEFAULT_MAX_WAITING;
  if (num(c.inactive_threshold) <= 0) {
    const lim = num(streamLimits.inactive_threshold);
    if (lim > 0) {
      if (pedantic) return pedanticErr("inactive_threshold must be set if it's configured in stream limits");
      c.inactive_threshold = lim;
    } else {
      c.inactive_threshold = ctx.durable ? 0 : DEFAULT_INACTIVE_THRESHOLD;
    }
  }
  if (num(c.max_batch) < 0) c.max_batch = 0;
  const batchLimit = limits.maxRequestBatch ?? 0;
  if (str(c.deliver_subject) === "" && num(c.max_batch) === 0 && batchLimit > 0) {
    if (pedantic) return pedanticErr("max_request_batch must be set if it's JetStream limits are set");
    c.max_batch = batchLimit;
  }
  if (num(c.max_bytes) < 0) c.max_bytes = 0;
  if (num(c.max_expires) < 0) c.max_expires = 0;
  if (c.priority_policy === "pinned_client" && num(c.priority_timeout) <= 0) c.priority_timeout = DEFAULT_PINNED_TTL;
  return undefined;
}

function deliverPolicyError(c: Loose): ApiError | undefined {
  const seq = num(c.opt_start_seq) > 0;
  const time = typeof c.opt_start_time === "string";
  const names: Record<string, string> = { all: "deliver all", last: "deliver last", new: "deliver new", last_per_subject: "deliver last per subject" };
  switch (c.deliver_policy) {
    case "all": case "last": case "new": case "last_per_subject": {
      const n = names[str(c.deliver_policy)] ?? "";
      if (seq) return policyErr(`consumer delivery policy is ${n}, but optional start sequence is also set`);
      if (time) return policyErr(`consumer delivery policy is ${n}, but optional start time is also set`);
      if (c.deliver_policy === "last_per_subject" && str(c.filter_subject) === "" && strings(c.filter_subjects).length === 0) {
        return policyErr("consumer delivery policy is deliver last per subject, but optional filter subject is not set");
      }
      return undefined;
    }
    case "by_start_sequence":
      if (!seq) return policyErr("consumer delivery policy is deliver by start sequence, but optional start sequence is not set");
      if (time) return policyErr("consumer delivery policy is deliver by start sequence, but optional start time is also set");
      return undefined;
    default: // by_start_time
      if (!time) return policyErr("consumer delivery policy is deliver by start time, but optional start time is not set");
      if (seq) return policyErr("consumer delivery policy is deliver by start time, but optional start start sequence is also set");
      return undefined;
  }
}

function filterError(c: Loose): ApiError | undefined {
  const one = str(c.filter_subject);
  const many = strings(c.filter_subjects);
  if (one !== "" && many.length > 0) return JSErr.JSConsumerDuplicateFilterSubjects();
  const all = one !== "" ? [one] : many;
  for (const f of many) if (f === "") return JSErr.JSConsumerEmptyFilter();
  for (const f of all) if (!isValidSubject(f)) return JSErr.JSStreamInvalidConfigF({ err: "invalid subject" });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) if (subjectsOverlap(all[i] ?? "", all[j] ?? "")) return JSErr.JSConsumerOverlappingSubjectFilters();
  }
  return undefined;
}

function metadataSize(md: unknown): number {
  let n = 0;
  for (const [k, v] of Object.entries((md ?? {}) as Record<string, string>)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

type Check = (c: Loose, ctx: RulesContext) => ApiError | undefined;

const isPush = (c: Loose): boolean => str(c.deliver_subject) !== "";

const replicasCheck: Check = (c, ctx) => {
  if (num(c.num_replicas) > 1 && !ctx.clustered) return JSErr.JSStreamReplicasNotSupportedErr();
  return undefined;
};

const replicaCountCheck: Check = (c, ctx) => {
  const replicas = num(c.num_replicas);
  if (replicas < 0) return JSErr.JSReplicasCountCannotBeNegative();
  if (replicas > ctx.stream.num_replicas) return JSErr.JSConsumerReplicasExceedsStream();
  return undefined;
};

const nameCheck: Check = (_c, ctx) => {
  if (ctx.name !== "" && /[.*>\s/\\]/.test(ctx.name)) return JSErr.JSStreamInvalidConfigF({ err: "consumer name can not contain '.', '*', '>', '\\', '/'" });
  return undefined;
};

const workQueuePullCheck: Check = (c, ctx) => {
  if (ctx.stream.retention === "workqueue" && !isPush(c) && c.ack_policy === "none") return JSErr.JSConsumerPullRequiresAckErr();
  return undefined;
};

const workQueueCheck: Check = (c, ctx) => {
  // direct consumers (nats-server's own, for sourcing) are exempt
  if (ctx.stream.retention !== "workqueue" || c.direct === true) return undefined;
  if (c.ack_policy !== "explicit") return JSErr.JSConsumerWQRequiresExplicitAckErr();
  if (c.deliver_policy !== "all") return JSErr.JSConsumerWQConsumerNotDeliverAllErr();
  return undefined;
};

const ackCheck: Check = (c) => {
  const backoff = numbers(c.backoff);
  if (backoff.some((b) => b < 0)) return JSErr.JSConsumerBackOffNegativeErr();
  if (num(c.ack_wait) < 0) return JSErr.JSConsumerAckWaitNegativeErr();
  if (backoff.length > 0 && num(c.max_deliver) !== -1 && num(c.max_deliver) <= backoff.length - 1) return JSErr.JSConsumerMaxDeliverBackoffErr();
  return undefined;
};

const filterCheck: Check = (c) => filterError(c);

/** Delivery target checks nats-server makes before it judges the name. */
const deliveryCheck: Check = (c, ctx) => {
  if (isPush(c)) {
    const ds = str(c.deliver_subject);
    if (!isValidSubject(ds)) return JSErr.JSConsumerInvalidDeliverSubject();
    if (hasWildcard(ds)) return JSErr.JSConsumerDeliverToWildcardsErr();
    for (const s of ctx.stream.subjects ?? []) if (subjectsOverlap(ds, s)) return JSErr.JSConsumerDeliverCycleErr();
    if (num(c.max_waiting) !== 0) return JSErr.JSConsumerPushMaxWaitingErr();
    return undefined;
  }
  if (num(c.rate_limit_bps) > 0) return JSErr.JSConsumerPullWithRateLimitErr();
  if (num(c.idle_heartbeat) > 0) return JSErr.JSConsumerHBRequiresPushErr();
  if (c.flow_control === true) return JSErr.JSConsumerFCRequiresPushErr();
  const maxExpires = num(c.max_expires);
  if (maxExpires !== 0 && maxExpires < NS.milli) return JSErr.JSConsumerMaxRequestExpiresTooSmall();
  if (c.direct === true) return JSErr.JSConsumerDirectRequiresPushErr();
  const batchLimit = ctx.limits.maxRequestBatch ?? 0;
  if (batchLimit > 0 && num(c.max_batch) > batchLimit) return JSErr.JSConsumerMaxRequestBatchExceededF({ limit: batchLimit });
  return undefined;
};

/** Push settings checked before the delivery policy. */
const pushEarlyCheck: Check = (c) => {
  if (isPush(c) && c.ack_policy === "none" && num(c.max_ack_pending) > 0) return JSErr.JSConsumerMaxPendingAckPolicyRequiredErr();
  const hb = num(c.idle_heartbeat);
  if (hb > 0 && hb < MIN_HEARTBEAT) return JSErr.JSConsumerSmallHeartbeatErr();
  if (isPush(c) && c.direct === true && str(c.durable_name) !== "") return JSErr.JSConsumerDirectRequiresEphemeralErr();
  return undefined;
};

/** Push settings checked after the delivery policy. */
const pushCheck: Check = (c) => {
  if (c.flow_control === true && num(c.idle_heartbeat) <= 0) return JSErr.JSConsumerWithFlowControlNeedsHeartbeats();
  return undefined;
};

const priorityCheck: Check = (c) => priorityError(c);

const samplingCheck: Check = (c) => {
  const sample = str(c.sample_freq);
  if (sample === "") return undefined;
  const digits = sample.endsWith("%") ? sample.slice(0, -1) : sample;
  if (!/^[+-]?\d+$/.test(digits)) return JSErr.JSConsumerInvalidSamplingErrF({ err: `strconv.Atoi: parsing ${goQuote(digits)}: invalid syntax` });
  // a negative rate fails without an error value, which Go prints as <nil>
  if (Number(digits) < 0) return JSErr.JSConsumerInvalidSamplingErrF({ err: "<nil>" });
  return undefined;
};

const policyCheck: Check = (c) => deliverPolicyError(c);

const textCheck: Check = (c) => {
  if (Buffer.byteLength(str(c.description)) > MAX_DESCRIPTION_LEN) return JSErr.JSConsumerDescriptionTooLongErrF({ max: MAX_DESCRIPTION_LEN });
  if (metadataSize(c.metadata) > MAX_METADATA_BYTES) return JSErr.JSConsumerMetadataLengthErrF({ limit: "128KB" });
  return undefined;
};

const limitsCheck: Check = (c, ctx) => limitsError(c, ctx);

/** Checks nats-server makes before it applies defaults. */
const EARLY_CHECKS: readonly Check[] = [replicasCheck];
/** nats-server's checks of a defaulted consumer config, in the order it applies them. */
const CHECKS: readonly Check[] = [
  nameCheck, replicaCountCheck, ackCheck, textCheck, workQueuePullCheck, deliveryCheck, pushEarlyCheck, filterCheck, policyCheck,
  samplingCheck, pushCheck, priorityCheck, workQueueCheck, limitsCheck,
];

function firstError(checks: readonly Check[], c: Loose, ctx: RulesContext): ApiError | undefined {
  for (const check of checks) {
    const err = check(c, ctx);
    if (err !== undefined) return err;
  }
  return undefined;
}

/** The checks nats-server makes on the raw config, before defaults. */
export function validateEarly(c: Loose, ctx: RulesContext): ApiError | undefined {
  return firstError(EARLY_CHECKS, c, ctx);
}

/** nats-server's checkConsumerCfg (after defaults): the first rule the config breaks. */
export function validate(c: Loose, ctx: RulesContext): ApiError | undefined {
  return firstError(CHECKS, c, ctx);
}


function priorityError(c: Loose): ApiError | undefined {
  const groups = strings(c.priority_groups);
  const policy = str(c.priority_policy) === "" ? "none" : str(c.priority_policy);
  if (policy === "none") {
    if (groups.length > 0) return JSErr.JSConsumerPriorityGroupWithPolicyNone();
    if (num(c.priority_timeout) !== 0) return JSErr.JSConsumerPinnedTTLWithoutPriorityPolicyNone();
    return undefined;
  }
  if (isPush(c)) return JSErr.JSConsumerPushWithPriorityGroupErr();
  if (groups.length === 0) return JSErr.JSConsumerPriorityPolicyWithoutGroup();
  for (const g of groups) {
    if (g === "") return JSErr.JSConsumerEmptyGroupName();
    if (!PRIORITY_GROUP.test(g)) return JSErr.JSConsumerInvalidGroupNameErr();
  }
  return undefined;
}

function limitsError(c: Loose, ctx: RulesContext): ApiError | undefined {
  const sl = ctx.stream.consumer_limits ?? {};
  const map = num(c.max_ack_pending);
  for (const limit of [ctx.limits.maxAckPending ?? 0, ctx.limits.accountMaxAckPending ?? 0, num(sl.max_ack_pending)]) {
    if (limit > 0 && map > limit) return JSErr.JSConsumerMaxPendingAckExcessErrF({ limit });
  }
  const itLimit = num(sl.inactive_threshold);
  if (itLimit > 0 && num(c.inactive_threshold) > itLimit) return JSErr.JSConsumerInactiveThresholdExcess({ limit: formatGoDuration(itLimit) });
  return undefined;
}
