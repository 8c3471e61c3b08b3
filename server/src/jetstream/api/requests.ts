// The request bodies of the $JS.API endpoints other than stream/consumer configuration, decoded
// as nats-server decodes them (Go's encoding/json; unknown keys ignored), so malformed requests
// get the same "invalid JSON: ..." texts.

import { decodeGo, GoBool, GoInt, GoString, type GoStruct } from "./json-decode.js";
import { JSErr } from "./errors.js";
import { ApiFailure } from "./router.js";

const struct = (name: string, fields: GoStruct["fields"]): GoStruct => ({ k: "struct", name, fields, lenient: true });
const time: GoStruct["fields"][number]["type"] = { k: "string" };

export const STREAM_INFO_REQUEST = struct("server.JSApiStreamInfoRequest", [
  { json: "offset", type: GoInt.int },
  { json: "deleted_details", type: GoBool },
  { json: "subjects_filter", type: GoString },
]);
export const NAMES_REQUEST = struct("server.JSApiStreamNamesRequest", [
  { json: "offset", type: GoInt.int },
  { json: "subject", type: GoString },
]);
export const CONSUMERS_REQUEST = struct("server.JSApiConsumersRequest", [{ json: "offset", type: GoInt.int }]);
export const PURGE_REQUEST = struct("server.JSApiStreamPurgeRequest", [
  { json: "filter", type: GoString },
  { json: "seq", type: GoInt.uint64 },
  { json: "keep", type: GoInt.uint64 },
]);
export const MSG_GET_REQUEST = struct("server.JSApiMsgGetRequest", [
  { json: "seq", type: GoInt.uint64 },
  { json: "last_by_subj", type: GoString },
  { json: "next_by_subj", type: GoString },
  { json: "batch", type: GoInt.int },
  { json: "max_bytes", type: GoInt.int },
  { json: "start_time", type: time },
  { json: "multi_last", type: { k: "slice", name: "[]string", elem: GoString } },
  { json: "up_to_seq", type: GoInt.uint64 },
  { json: "up_to_time", type: time },
]);
export const MSG_DELETE_REQUEST = struct("server.JSApiMsgDeleteRequest", [
  { json: "seq", type: GoInt.uint64 },
  { json: "no_erase", type: GoBool },
]);
export const PAUSE_REQUEST = struct("server.JSApiConsumerPauseRequest", [{ json: "pause_until", type: time }]);

/** Decodes a request body (empty = {}), failing with nats-server's 10025 on bad JSON. */
export function decodeRequest<T extends object>(type: GoStruct, data: Buffer): T {
  if (data.length === 0) return {} as T;
  const r = decodeGo(type, data);
  if ("error" in r) throw new ApiFailure(JSErr.JSInvalidJSONErr({ err: r.error }));
  return r.value as T;
}

/** The Go error text for a pull request body that is not valid JSON (no offset, as nats-server words it). */
export function pullRequestJSONError(data: Buffer): string | null {
  const r = decodeGo(struct("server.JSApiConsumerGetNextRequest", []), data);
  if ("error" in r) return r.error.replace(/ at offset \d+$/, "");
  return null;
}

const ANY_OBJECT = struct("struct", []);

/** Decodes a body whose fields are read loosely (snapshot/restore), with Go's syntax errors. */
export function decodeLoose<T extends object>(data: Buffer): T {
  if (data.length === 0) return {} as T;
  const r = decodeGo(ANY_OBJECT, data);
  if ("error" in r) throw new ApiFailure(JSErr.JSInvalidJSONErr({ err: r.error }));
  return JSON.parse(data.toString("utf8")) as T;
}
