// $JS.API handlers for account info, streams and stored messages.

import { isValidSubject, subjectsCollide } from "../../sublist/subject.js";
import type { JetStream } from "../jetstream.js";
import { checkStreamConfig } from "../stream/config.js";
import type { Stream } from "../stream/stream.js";
import { StoreCorruptError } from "../store/types.js";
import { JSErr } from "./errors.js";
import { formatUnixNanos } from "./json.js";
import { ApiFailure, type ApiBody, type ApiRequest, type ApiRoute } from "./router.js";
import { decodeRequest, MSG_DELETE_REQUEST, MSG_GET_REQUEST, NAMES_REQUEST, PURGE_REQUEST, STREAM_INFO_REQUEST } from "./requests.js";
import type { StreamMsgDeleteRequest, StreamMsgGetRequest } from "./types.js";
import { API_LEVEL } from "../../version.js";

const NAMES_LIMIT = 1024;
const SUBJECTS_LIMIT = 100_000;
const LIST_LIMIT = 256;

export function streamOf(js: JetStream, name: string): Stream {
  const s = js.streams.get(name);
  if (s === undefined) throw new ApiFailure(JSErr.JSStreamNotFoundErr());
  return s;
}

function accountInfo(js: JetStream): ApiBody {
  const u = js.usage();
  const body: ApiBody = {
    memory: u.memory,
    storage: u.storage,
    reserved_memory: u.reservedMemory,
    reserved_storage: u.reservedStorage,
    streams: u.streams,
    consumers: u.consumers,
    limits: {
      max_memory: -1,
      max_storage: -1,
      max_streams: -1,
      max_consumers: -1,
      max_ack_pending: -1,
      memory_max_stream_bytes: -1,
      storage_max_stream_bytes: -1,
      max_bytes_required: false,
    },
  };
  if (js.domain !== "") body.domain = js.domain;
  body.api = { level: API_LEVEL, total: js.apiTotal, errors: js.apiErrors };
  return body;
}

/**
 * StreamInfo as the info/create/update responses carry it; the cluster leader only with `cluster`
 * (nats-server on one server sets it in STREAM.INFO, not in the create and update responses).
 */
export function streamInfoBody(
  js: JetStream,
  stream: Stream,
  opts: { subjectsFilter?: string; deletedDetails?: boolean; cluster?: boolean } = {},
): ApiBody {
  const info = stream.info(opts);
  const body: ApiBody = { config: info.config, created: info.created, state: info.state };
  if (opts.cluster !== false) body.cluster = { leader: js.serverName };
  if (info.mirror !== undefined) body.mirror = info.mirror;
  if (info.sources !== undefined) body.sources = info.sources;
  body.ts = info.ts;
  return body;
}

async function streamCreate(js: JetStream, req: ApiRequest): Promise<ApiBody> {
  const name = req.tokens[2];
  const existing = js.streams.get(name);
  const result = checkStreamConfig(req.data, {
    action: "create",
    subjectInRequest: name,
    existing: existing?.config,
    otherStreams: [...js.streams.values()].map((s) => s.config),
  });
  if ("error" in result) throw new ApiFailure(result.error);
  if (existing !== undefined) {
    // nats-server answers an identical create as a new one
    if (result.unchanged === true) return { ...streamInfoBody(js, existing, { cluster: false }), did_create: true };
    throw new ApiFailure(JSErr.JSStreamNameExistErr());
  }
  if (!js.canReserve(result.config.storage, result.config.max_bytes)) {
    throw new ApiFailure(result.config.storage === "memory" ? JSErr.JSMemoryResourcesExceededErr() : JSErr.JSStorageResourcesExceededErr());
  }
  const stream = await js.createStream(result.config);
  return { ...streamInfoBody(js, stream, { cluster: false }), did_create: true };
}

function streamUpdate(js: JetStream, req: ApiRequest): ApiBody {
  const name = req.tokens[2];
  const existing = js.streams.get(name);
  const result = checkStreamConfig(req.data, {
    action: "update",
    subjectInRequest: name,
    existing: existing?.config,
    otherStreams: [...js.streams.values()].map((s) => s.config),
  });
  if ("error" in result) throw new ApiFailure(result.error);
  if (existing === undefined) throw new ApiFailure(JSErr.JSStreamNotFoundErr());
  if (!js.canReserve(result.config.storage, result.config.max_bytes, existing.name)) {
    throw new ApiFailure(result.config.storage === "memory" ? JSErr.JSMemoryResourcesExceededErr() : JSErr.JSStorageResourcesExceededErr());
  }
  js.updateStream(existing, result.config);
  return streamInfoBody(js, existing, { cluster: false });
}

function streamInfo(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const body = decodeRequest<{ subjects_filter?: string; deleted_details?: boolean }>(STREAM_INFO_REQUEST, req.data);
  const filter = body.subjects_filter ?? "";
  const info = streamInfoBody(js, stream, { subjectsFilter: filter, deletedDetails: body.deleted_details === true });
  const matched = Object.keys((info.state as { subjects?: object }).subjects ?? {}).length;
  const paged = filter !== "" && matched > 0 ? { total: matched, offset: 0, limit: SUBJECTS_LIMIT } : { total: 0, offset: 0, limit: 0 };
  return { ...paged, ...info };
}

function matchingStreams(js: JetStream, filter: string | undefined): Stream[] {
  const all = [...js.streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (filter === undefined || filter === "") return all;
  return all.filter((s) => (s.config.subjects ?? []).some((subj) => subjectsCollide(subj, filter)));
}

function page(total: number, offset: number | undefined): number {
  return Math.min(total, Math.max(0, offset ?? 0));
}

function streamNames(js: JetStream, req: ApiRequest): ApiBody {
  const body = decodeRequest<{ offset?: number; subject?: string }>(NAMES_REQUEST, req.data);
  const all = matchingStreams(js, body.subject);
  const offset = page(all.length, body.offset);
  const names = all.slice(offset, offset + NAMES_LIMIT).map((s) => s.name);
  return { total: all.length, offset, limit: NAMES_LIMIT, streams: names.length > 0 ? names : null };
}

function streamList(js: JetStream, req: ApiRequest): ApiBody {
  const body = decodeRequest<{ offset?: number; subject?: string }>(NAMES_REQUEST, req.data);
  const all = matchingStreams(js, body.subject);
  const offset = page(all.length, body.offset);
  // list entries carry the stored config (without the server's version metadata) and no cluster
  const streams = all.slice(offset, offset + LIST_LIMIT).map((s) => {
    const i = s.info();
    return { ...i, config: storedConfig(i.config) };
  });
  return { total: all.length, offset, limit: LIST_LIMIT, streams };
}

/** The config as stored: of the server's metadata keys only the required API level. */
export function storedConfig<C extends { metadata?: Record<string, string> }>(config: C): C {
  const md = config.metadata;
  if (md === undefined) return config;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md)) if (k !== "_nats.ver" && k !== "_nats.level") out[k] = v;
  return { ...config, metadata: out };
}

async function streamDelete(js: JetStream, req: ApiRequest): Promise<ApiBody> {
  const stream = streamOf(js, req.tokens[2]);
  await js.deleteStream(stream);
  return { success: true };
}

function streamPurge(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const body = decodeRequest<{ filter?: string; seq?: number; keep?: number }>(PURGE_REQUEST, req.data);
  if (stream.config.sealed) throw new ApiFailure(JSErr.JSStreamSealedErr());
  if (stream.config.deny_purge) throw new ApiFailure(JSErr.JSStreamPurgeFailedF({ err: "stream purge not permitted" }));
  if ((body.seq ?? 0) > 0 && (body.keep ?? 0) > 0) throw new ApiFailure(JSErr.JSBadRequestErr());
  const filter = body.filter ?? "";
  if (filter !== "" && !isValidSubject(filter)) throw new ApiFailure(JSErr.JSStreamPurgeFailedF({ err: "invalid subject" }));
  const purged = stream.purge({
    filter: filter !== "" ? filter : undefined,
    seq: (body.seq ?? 0) > 0 ? body.seq : undefined,
    keep: (body.keep ?? 0) > 0 ? body.keep : undefined,
  });
  return { success: true, purged };
}

function messageJSON(m: { subject: string; seq: number; hdr: Buffer | null; data: Buffer; ts: bigint }): ApiBody {
  const out: ApiBody = { subject: m.subject, seq: m.seq };
  if (m.hdr !== null && m.hdr.length > 0) out.hdrs = m.hdr.toString("base64");
  if (m.data.length > 0) out.data = m.data.toString("base64");
  out.time = formatUnixNanos(m.ts);
  return out;
}

/** Finds the message a MSG.GET / DIRECT.GET request names; null when there is none. */
export function lookupMsg(stream: Stream, body: StreamMsgGetRequest): { subject: string; seq: number; hdr: Buffer | null; data: Buffer; ts: bigint } | null {
  const store = stream.store;
  if (body.last_by_subj !== undefined && body.last_by_subj !== "") return store.lastBySubject(body.last_by_subj);
  if (body.next_by_subj !== undefined && body.next_by_subj !== "") return store.nextMatching(Math.max(1, body.seq ?? 1), body.next_by_subj);
  if (body.seq !== undefined && body.seq > 0) return store.get(body.seq);
  return null;
}

function msgGet(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[3]);
  const body = decodeRequest<StreamMsgGetRequest>(MSG_GET_REQUEST, req.data);
  const hasSeq = body.seq !== undefined && body.seq > 0;
  const hasLast = body.last_by_subj !== undefined && body.last_by_subj !== "";
  const hasNext = body.next_by_subj !== undefined && body.next_by_subj !== "";
  if ((hasSeq && hasLast) || (hasLast && hasNext) || (!hasSeq && !hasLast && !hasNext)) {
    throw new ApiFailure(JSErr.JSBadRequestErr());
  }
  let m;
  try {
    m = lookupMsg(stream, body);
  } catch (err) {
    if (err instanceof StoreCorruptError) {
      js.logger.error(`JetStream stream '${stream.name}': ${err.message}`);
      throw new ApiFailure(JSErr.JSNoMessageFoundErr());
    }
    throw err;
  }
  if (m === null) throw new ApiFailure(JSErr.JSNoMessageFoundErr());
  return { message: messageJSON(m) };
}

function msgDelete(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[3]);
  const body = decodeRequest<StreamMsgDeleteRequest>(MSG_DELETE_REQUEST, req.data);
  if (req.data.length === 0) throw new ApiFailure(JSErr.JSBadRequestErr());
  if (stream.config.sealed) throw new ApiFailure(JSErr.JSStreamSealedErr());
  if (stream.config.deny_delete) throw new ApiFailure(JSErr.JSStreamMsgDeleteFailedF({ err: "message delete not permitted" }));
  const seq = body.seq ?? 0;
  const st = stream.store.state();
  // failures of the removal itself are answered but, as in nats-server, not counted as API errors
  if (seq > st.lastSeq) throw new ApiFailure(JSErr.JSStreamMsgDeleteFailedF({ err: "stream store EOF" }), false);
  // below the first sequence (purged, or removed by limits) there is no message; above it, a gap is an unknown sequence
  if (seq === 0 || seq < st.firstSeq) throw new ApiFailure(JSErr.JSStreamMsgDeleteFailedF({ err: "no message found" }), false);
  if (!stream.removeMsg(seq, body.no_erase !== true)) throw new ApiFailure(JSErr.JSSequenceNotFoundErrF({ seq }), false);
  return { success: true };
}

const PAGED_ZERO = { total: 0, offset: 0, limit: 0 };

export const STREAM_ROUTES: ApiRoute[] = [
  { pattern: ["INFO"], type: "account_info_response", handler: (js) => accountInfo(js) },
  { pattern: ["STREAM", "CREATE", "*"], type: "stream_create_response", handler: streamCreate },
  { pattern: ["STREAM", "UPDATE", "*"], type: "stream_update_response", handler: streamUpdate },
  { pattern: ["STREAM", "INFO", "*"], type: "stream_info_response", handler: streamInfo, errorFields: PAGED_ZERO },
  { pattern: ["STREAM", "NAMES"], type: "stream_names_response", handler: streamNames, errorFields: { ...PAGED_ZERO, streams: null } },
  { pattern: ["STREAM", "LIST"], type: "stream_list_response", handler: streamList, errorFields: { ...PAGED_ZERO, streams: [] } },
  { pattern: ["STREAM", "DELETE", "*"], type: "stream_delete_response", handler: streamDelete },
  { pattern: ["STREAM", "PURGE", "*"], type: "stream_purge_response", handler: streamPurge, errorFields: { purged: 0 } },
  { pattern: ["STREAM", "MSG", "GET", "*"], type: "stream_msg_get_response", handler: msgGet, countErrorsOnly: true },
  { pattern: ["STREAM", "MSG", "DELETE", "*"], type: "stream_msg_delete_response", handler: msgDelete },
];
