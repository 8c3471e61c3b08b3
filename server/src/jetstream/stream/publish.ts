// The checks a publish into a stream goes through before it is stored (nats-server's order):
// sealed, expected stream, message-id deduplication, expected last msg id / sequence / subject
// sequence, rollup, size, per-message TTL, and discard-new limits. Pure: the stream passes in
// what it knows and gets a decision back.

import type { ApiError } from "../api/errors.js";
import { JSErr } from "../api/errors.js";
import type { StreamConfig } from "../api/types.js";
import { parseGoDuration, UnitError } from "../../config/units.js";
import { getHeader } from "../headers.js";

export const HDR_MSG_ID = "Nats-Msg-Id";
export const HDR_EXPECTED_STREAM = "Nats-Expected-Stream";
export const HDR_EXPECTED_LAST_SEQ = "Nats-Expected-Last-Sequence";
export const HDR_EXPECTED_LAST_SUBJ_SEQ = "Nats-Expected-Last-Subject-Sequence";
export const HDR_EXPECTED_LAST_SUBJ_SEQ_SUBJ = "Nats-Expected-Last-Subject-Sequence-Subject";
export const HDR_EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id";
export const HDR_ROLLUP = "Nats-Rollup";
export const HDR_TTL = "Nats-TTL";

export interface StreamView {
  readonly config: StreamConfig;
  readonly lastSeq: number;
  readonly lastMsgId: string | null;
  readonly messages: number;
  readonly bytes: number;
  /** sequence of an earlier message with this id inside the duplicate window, or 0 */
  duplicateOf(msgId: string): number;
  /** last sequence on a subject (0 when none) */
  lastSeqOf(subject: string): number;
  subjectCount(subject: string): number;
}

export type PublishDecision =
  | { kind: "store"; msgId: string | null; rollup: "sub" | "all" | null; ttlNs: bigint | null }
  | { kind: "duplicate"; seq: number }
  | { kind: "error"; error: ApiError };

function fail(error: ApiError): PublishDecision {
  return { kind: "error", error };
}

/** Parses Nats-TTL: a Go duration (>= 1s), whole seconds, or "never". Null = invalid. */
export function parseMsgTTL(v: string): bigint | null {
  if (v === "never") return -1n;
  if (/^-?\d+$/.test(v)) {
    const s = BigInt(v);
    if (s === -1n) return -1n;
    return s >= 1n ? s * 1_000_000_000n : null;
  }
  try {
    const ns = parseGoDuration(v);
    return ns >= 1_000_000_000n ? ns : null;
  } catch (err) {
    if (err instanceof UnitError) return null;
    throw err;
  }
}

export function checkPublish(s: StreamView, subject: string, hdr: Buffer | null, size: number, hdrLen: number): PublishDecision {
  const cfg = s.config;
  if (cfg.sealed) return fail(JSErr.JSStreamSealedErr());
  let msgId: string | null = null;
  let rollup: "sub" | "all" | null = null;
  let ttlNs: bigint | null = null;
  if (hdr !== null) {
    const expStream = getHeader(hdr, HDR_EXPECTED_STREAM);
    if (expStream !== null && expStream !== cfg.name) return fail(JSErr.JSStreamNotMatchErr());
    msgId = getHeader(hdr, HDR_MSG_ID);
    if (msgId === "") msgId = null;
    if (msgId !== null) {
      const dup = s.duplicateOf(msgId);
      if (dup > 0) return { kind: "duplicate", seq: dup };
    }
    const expLastId = getHeader(hdr, HDR_EXPECTED_LAST_MSG_ID);
    if (expLastId !== null && expLastId !== (s.lastMsgId ?? "")) {
      return fail(JSErr.JSStreamWrongLastMsgIDErrF({ id: s.lastMsgId ?? "" }));
    }
    const expLastSeq = getHeader(hdr, HDR_EXPECTED_LAST_SEQ);
    if (expLastSeq !== null) {
      const want = Number(expLastSeq);
      if (!Number.isSafeInteger(want) || want !== s.lastSeq) return fail(JSErr.JSStreamWrongLastSequenceErrF({ seq: s.lastSeq }));
    }
    const expSubjSeq = getHeader(hdr, HDR_EXPECTED_LAST_SUBJ_SEQ);
    if (expSubjSeq !== null) {
      const onSubject = getHeader(hdr, HDR_EXPECTED_LAST_SUBJ_SEQ_SUBJ) ?? subject;
      const have = s.lastSeqOf(onSubject);
      const want = Number(expSubjSeq);
      if (!Number.isSafeInteger(want) || want !== have) return fail(JSErr.JSStreamWrongLastSequenceErrF({ seq: have }));
    }
    const r = getHeader(hdr, HDR_ROLLUP);
    if (r !== null) {
      if (!cfg.allow_rollup_hdrs) return fail(JSErr.JSStreamRollupFailedF({ err: "rollup not permitted" }));
      if (r === "sub") rollup = "sub";
      else if (r === "all") rollup = "all";
      else return fail(JSErr.JSStreamRollupFailedF({ err: `rollup value invalid: ${JSON.stringify(r)}` }));
    }
    const ttl = getHeader(hdr, HDR_TTL);
    if (ttl !== null) {
      if (!cfg.allow_msg_ttl) return fail(JSErr.JSMessageTTLDisabledErr());
      const parsed = parseMsgTTL(ttl);
      if (parsed === null) return fail(JSErr.JSMessageTTLInvalidErr());
      ttlNs = parsed;
    }
  }
  const maxSize = cfg.max_msg_size ?? -1;
  if (maxSize >= 0 && size > maxSize) return fail(JSErr.JSStreamMessageExceedsMaximumErr());
  if (hdrLen > 65535) return fail(JSErr.JSStreamHeaderExceedsMaximumErr());
  if (cfg.discard === "new") {
    if (cfg.max_msgs > 0 && s.messages >= cfg.max_msgs) return fail(JSErr.JSStreamStoreFailedF({ err: "maximum messages exceeded" }));
    if (cfg.max_bytes > 0 && s.bytes + size > cfg.max_bytes) return fail(JSErr.JSStreamStoreFailedF({ err: "maximum bytes exceeded" }));
    if (cfg.discard_new_per_subject === true && cfg.max_msgs_per_subject > 0 && s.subjectCount(subject) >= cfg.max_msgs_per_subject) {
      return fail(JSErr.JSStreamStoreFailedF({ err: "maximum messages per subject exceeded" }));
    }
  }
  return { kind: "store", msgId, rollup, ttlNs };
}

/** PubAck JSON, byte-compatible with nats-server's templates. */
export function pubAck(stream: string, seq: number, domain: string, duplicate = false): Buffer {
  const d = domain !== "" ? `,"domain":${JSON.stringify(domain)}` : "";
  const dup = duplicate ? `,"duplicate": true` : "";
  return Buffer.from(`{"stream":${JSON.stringify(stream)}${d},"seq":${seq}${dup}}`);
}

export function pubAckError(stream: string, err: ApiError): Buffer {
  return Buffer.from(JSON.stringify({ error: err, stream, seq: 0 }));
}
