// CONSUMER.CREATE / CONSUMER.DURABLE.CREATE request checking: decode the body as nats-server
// does, reconcile names from the subject and the body, apply defaults, validate, and judge the
// action against an existing consumer — returning the normalized config (as nats-server returns
// it, `_nats.*` metadata included) or the exact API error nats-server 2.12 answers with.
import { JSErr, type ApiError } from "../api/errors.js";
import { decodeGo } from "../api/json-decode.js";
import type { ConsumerAction, ConsumerConfig, StreamConfig } from "../api/types.js";
import type { JsLimits } from "../stream/config.js";
import { hasPathSeparator, subjectsOverlap } from "../stream/subjects.js";
import { CREATE_CONSUMER_REQUEST } from "./config-decode.js";
import { consumerConfigOut, consumerRequiredApiLevel, generateConsumerName } from "./config-out.js";
import { applyDefaults, validate, validateEarly } from "./config-rules.js";
import { withVersionMetadata } from "../stream/config-out.js";

export { consumerConfigWithVersionMetadata, consumerRequiredApiLevel, generateConsumerName } from "./config-out.js";

export interface ConsumerCheckContext {
  /** the config of the stream the consumer is on */
  readonly stream: StreamConfig;
  /** the stream name token of the request subject (default: stream.name) */
  readonly streamInSubject?: string;
  /**
   * The consumer that exists under the resolved name, if any: either the config itself (when the
   * caller knows the name), or a lookup by name.
   */
  readonly existing?: ConsumerConfig | ((name: string) => ConsumerConfig | undefined);
  /** the stream's other consumers (for the work-queue uniqueness rules); the one being updated is skipped by name */
  readonly otherConsumers?: readonly ConsumerConfig[];
  /** overrides the body's `action` */
  readonly action?: ConsumerAction;
  /** CONSUMER.CREATE.<stream>.<name>[.<filter>] */
  readonly nameInSubject?: string;
  /** CONSUMER.CREATE.<stream>.<name>.<filter...> */
  readonly filterInSubject?: string;
  /** the request came on CONSUMER.DURABLE.CREATE.<stream>.<durable> (nameInSubject = durable) */
  readonly durableEndpoint: boolean;
  readonly jsLimits?: JsLimits;
  /** force pedantic mode (the body's `pedantic` also turns it on) */
  readonly pedantic?: boolean;
  /** whether JetStream runs clustered; default false */
  readonly clustered?: boolean;
  /** name generator for unnamed consumers (default: random base62) */
  readonly generateName?: () => string;
}

export type ConsumerCheckResult =
  | {
      /** the config as nats-server returns it (normalized, `_nats.*` metadata set) */
      readonly config: ConsumerConfig;
      /** the consumer's name (generated for unnamed ephemerals, which keep no `name` in their config) */
      readonly name: string;
      /** the resolved action */
      readonly action: ConsumerAction;
      /** an existing consumer is being updated (or re-created with the same config) */
      readonly exists: boolean;
    }
  | { readonly error: ApiError };

type Loose = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const create = (err: string): ApiError => JSErr.JSConsumerCreateErrF({ err });

function resolveExisting(ctx: ConsumerCheckContext, name: string): ConsumerConfig | undefined {
  if (name === "" || ctx.existing === undefined) return undefined;
  return typeof ctx.existing === "function" ? ctx.existing(name) : ctx.existing;
}

/** Changes an update may not make (nats-server's checks against the current config). */
function updateError(c: Loose, old: ConsumerConfig): ApiError | undefined {
  if (c.deliver_policy !== old.deliver_policy) return create("deliver policy can not be updated");
  if ((c.opt_start_seq ?? 0) !== (old.opt_start_seq ?? 0)) return create("start sequence can not be updated");
  if ((c.opt_start_time ?? "") !== (old.opt_start_time ?? "")) return create("start time can not be updated");
  if (c.ack_policy !== old.ack_policy) return create("ack policy can not be updated");
  if (c.replay_policy !== old.replay_policy) return create("replay policy can not be updated");
  if ((c.idle_heartbeat ?? 0) !== (old.idle_heartbeat ?? 0)) return create("heart beats can not be updated");
  if ((c.flow_control === true) !== (old.flow_control === true)) return create("flow control can not be updated");
  const wasPush = str(old.deliver_subject) !== "";
  const isPush = str(c.deliver_subject) !== "";
  if (!wasPush && isPush) return create("can not update pull consumer to push based");
  if (wasPush && !isPush) return create("can not update push consumer to pull based");
  if ((c.max_waiting ?? 0) !== (old.max_waiting ?? 0)) return create("max waiting can not be updated");
  return undefined;
}

function workQueueError(c: Loose, name: string, ctx: ConsumerCheckContext): ApiError | undefined {
  // a new direct consumer (nats-server's own, for sourcing) is exempt; existing ones still count
  if (ctx.stream.retention !== "workqueue" || c.direct === true) return undefined;
  const filters = (cfg: { filter_subject?: unknown; filter_subjects?: unknown }): string[] => {
    const many = Array.isArray(cfg.filter_subjects) ? (cfg.filter_subjects as string[]) : [];
    return str(cfg.filter_subject) !== "" ? [str(cfg.filter_subject)] : many;
  };
  const mine = filters(c);
  for (const other of ctx.otherConsumers ?? []) {
    const otherName = other.name ?? other.durable_name ?? "";
    if (otherName === name) continue;
    const theirs = filters(other);
    if (mine.length === 0) return JSErr.JSConsumerWQMultipleUnfilteredErr();
    if (theirs.length === 0) return JSErr.JSConsumerWQConsumerNotUniqueErr();
    for (const a of mine) for (const b of theirs) if (subjectsOverlap(a, b)) return JSErr.JSConsumerWQConsumerNotUniqueErr();
  }
  return undefined;
}

/** Checks a CONSUMER.CREATE / CONSUMER.DURABLE.CREATE request body (raw bytes/text, or a parsed object). */
export function checkConsumerConfig(req: unknown, ctx: ConsumerCheckContext): ConsumerCheckResult {
  const decoded = decodeGo(CREATE_CONSUMER_REQUEST, req);
  if ("error" in decoded) return { error: JSErr.JSInvalidJSONErr({ err: decoded.error }) };
  const body = decoded.value;
  if (str(body.stream_name) !== (ctx.streamInSubject ?? ctx.stream.name)) return { error: JSErr.JSStreamMismatchErr() };
  const c: Loose = { ...((body.config ?? {}) as Loose) };
  const action = ctx.action ?? ((body.action as ConsumerAction | undefined) ?? "");
  const pedantic = body.pedantic === true || ctx.pedantic === true;
  const subjectName = ctx.nameInSubject ?? "";
  const durable = str(c.durable_name);

  if (ctx.durableEndpoint) {
    if (durable === "") return { error: JSErr.JSConsumerDurableNameNotSetErr() };
    if (durable !== subjectName) return { error: JSErr.JSConsumerDurableNameNotMatchSubjectErr() };
  } else if (subjectName !== "") {
    if (durable !== "" && durable !== subjectName) return { error: JSErr.JSConsumerDurableNameNotMatchSubjectErr() };
  } else if (durable !== "") {
    return { error: JSErr.JSConsumerEphemeralWithDurableNameErr() };
  }
  if (ctx.filterInSubject !== undefined && ctx.filterInSubject !== "") {
    if (Array.isArray(c.filter_subjects) && c.filter_subjects.length > 0) return { error: JSErr.JSConsumerMultipleFiltersNotAllowed() };
    if (str(c.filter_subject) !== ctx.filterInSubject) return { error: JSErr.JSConsumerCreateFilterSubjectMismatchErr() };
  }
  if (subjectName !== "") c.name = subjectName;
  const name = str(c.name);
  if (durable !== "" && name !== "" && durable !== name) return { error: JSErr.JSConsumerCreateDurableAndNameMismatch() };
  if (hasPathSeparator(subjectName)) return { error: JSErr.JSConsumerNameContainsPathSeparatorsErr() };
  if (durable !== "") c.name = durable;
  const resolved = str(c.name);

  const existing = resolveExisting(ctx, resolved);
  const rules = {
    stream: ctx.stream,
    limits: ctx.jsLimits ?? {},
    pedantic,
    // whether a consumer is ephemeral is settled when it is created
    durable: existing !== undefined ? str(existing.durable_name) !== "" : durable !== "",
    clustered: ctx.clustered === true,
    name: resolved,
  };
  const dErr = validateEarly(c, rules) ?? applyDefaults(c, rules) ?? validate(c, rules);
  if (dErr !== undefined) return { error: dErr };

  if (existing !== undefined) {
    c.pause_until = existing.pause_until;
    const config = finish(c);
    if (action === "create" && JSON.stringify(config) !== JSON.stringify(finish({ ...existing }))) return { error: JSErr.JSConsumerAlreadyExists() };
    const uErr = updateError(c, existing) ?? workQueueError(c, resolved, ctx);
    if (uErr !== undefined) return { error: uErr };
    return { config, name: resolved, action, exists: true };
  }
  if (action === "update") return { error: JSErr.JSConsumerDoesNotExist() };
  const wErr = workQueueError(c, resolved, ctx);
  if (wErr !== undefined) return { error: wErr };
  return { config: finish(c), name: resolved !== "" ? resolved : (ctx.generateName ?? generateConsumerName)(), action, exists: false };
}

/** The output-shaped config with the server's `_nats.*` metadata in its place. */
function finish(c: Loose): ConsumerConfig {
  const level = consumerRequiredApiLevel(c as Partial<ConsumerConfig>);
  return consumerConfigOut({ ...c, metadata: withVersionMetadata(c.metadata as Record<string, string> | undefined, level) });
}
