// The Go shapes nats-server decodes STREAM.CREATE / STREAM.UPDATE bodies into (its
// StreamConfigRequest, which embeds StreamConfig), for Go-identical "invalid JSON" errors.
import { GoBool, GoInt, GoString, goEnum, type GoField, type GoStruct, type GoType } from "../api/json-decode.js";
import { goQuoteBytes } from "../api/json-scan.js";
import { formatRFC3339Nano, parseGoTimeText } from "../api/json-time.js";

const cannotUnmarshal = (raw: Uint8Array): string => `can not unmarshal ${goQuoteBytes(raw)}`;

/** Go's time.Time (always behind a pointer here: null leaves it unset). Yields the RFC 3339 text. */
export const GoTimeType: GoType = {
  k: "custom",
  name: "time.Time",
  decode: (raw, node) => {
    if (node.t === "null") return { value: undefined };
    if (node.t !== "string") return { error: "Time.UnmarshalJSON: input is not a JSON string" };
    // Go parses the raw bytes between the quotes: escapes are not decoded
    const r = parseGoTimeText(Buffer.from(raw.subarray(1, raw.length - 1)).toString("latin1"));
    return "error" in r ? r : { value: formatRFC3339Nano(r.time) };
  },
};

const strings: GoType = { k: "slice", name: "[]string", elem: GoString };

const subjectTransform: GoStruct = {
  k: "struct",
  name: "server.SubjectTransformConfig",
  fields: [
    { json: "src", type: GoString },
    { json: "dest", type: GoString },
  ],
};

const externalStream: GoStruct = {
  k: "struct",
  name: "server.ExternalStream",
  fields: [
    { json: "api", type: GoString },
    { json: "deliver", type: GoString },
  ],
};

const streamSource: GoStruct = {
  k: "struct",
  name: "server.StreamSource",
  fields: [
    { json: "name", type: GoString },
    { json: "opt_start_seq", type: GoInt.uint64 },
    { json: "opt_start_time", type: { k: "ptr", elem: GoTimeType } },
    { json: "filter_subject", type: GoString },
    { json: "subject_transforms", type: { k: "slice", name: "[]server.SubjectTransformConfig", elem: subjectTransform } },
    { json: "external", type: { k: "ptr", elem: externalStream } },
  ],
};

const placement: GoStruct = {
  k: "struct",
  name: "server.Placement",
  fields: [
    { json: "cluster", type: GoString },
    { json: "tags", type: strings },
    { json: "preferred", type: GoString },
  ],
};

const republish: GoStruct = {
  k: "struct",
  name: "server.RePublish",
  fields: [
    { json: "src", type: GoString },
    { json: "dest", type: GoString },
    { json: "headers_only", type: GoBool },
  ],
};

const consumerLimits: GoStruct = {
  k: "struct",
  name: "server.StreamConsumerLimits",
  fields: [
    { json: "inactive_threshold", type: GoInt.duration },
    { json: "max_ack_pending", type: GoInt.int },
  ],
};

const retention = goEnum("server.RetentionPolicy", { '"limits"': "limits", '"interest"': "interest", '"workqueue"': "workqueue" }, cannotUnmarshal);
const discard = goEnum("server.DiscardPolicy", { '"old"': "old", '"new"': "new" }, cannotUnmarshal);
const storage = goEnum("server.StorageType", { '"file"': "file", '"memory"': "memory" }, cannotUnmarshal);
const compression = goEnum("server.StoreCompression", { '"none"': "none", '"s2"': "s2" }, () => "unknown compression algorithm");
const persistMode = goEnum("server.PersistModeType", { '"default"': "default", '""': "default", '"async"': "async" }, cannotUnmarshal);

/** StreamConfig's fields in nats-server's declaration (= JSON output) order. */
export const STREAM_CONFIG_FIELDS: readonly GoField[] = [
  { json: "name", type: GoString },
  { json: "description", type: GoString },
  { json: "subjects", type: strings },
  { json: "retention", type: retention },
  { json: "max_consumers", type: GoInt.int },
  { json: "max_msgs", type: GoInt.int64 },
  { json: "max_bytes", type: GoInt.int64 },
  { json: "max_age", type: GoInt.duration },
  { json: "max_msgs_per_subject", type: GoInt.int64 },
  { json: "max_msg_size", type: GoInt.int32 },
  { json: "discard", type: discard },
  { json: "storage", type: storage },
  { json: "num_replicas", type: GoInt.int },
  { json: "no_ack", type: GoBool },
  { json: "template_owner", type: GoString },
  { json: "duplicate_window", type: GoInt.duration },
  { json: "placement", type: { k: "ptr", elem: placement } },
  { json: "mirror", type: { k: "ptr", elem: streamSource } },
  { json: "sources", type: { k: "slice", name: "[]*server.StreamSource", elem: { k: "ptr", elem: streamSource } } },
  { json: "compression", type: compression },
  { json: "first_seq", type: GoInt.uint64 },
  { json: "subject_transform", type: { k: "ptr", elem: subjectTransform } },
  { json: "republish", type: { k: "ptr", elem: republish } },
  { json: "allow_direct", type: GoBool },
  { json: "mirror_direct", type: GoBool },
  { json: "discard_new_per_subject", type: GoBool },
  { json: "sealed", type: GoBool },
  { json: "deny_delete", type: GoBool },
  { json: "deny_purge", type: GoBool },
  { json: "allow_rollup_hdrs", type: GoBool },
  { json: "consumer_limits", type: consumerLimits },
  { json: "allow_msg_ttl", type: GoBool },
  { json: "subject_delete_marker_ttl", type: GoInt.duration },
  { json: "allow_msg_counter", type: GoBool },
  { json: "allow_atomic", type: GoBool },
  { json: "allow_msg_schedules", type: GoBool },
  { json: "persist_mode", type: persistMode },
  { json: "metadata", type: { k: "map", name: "map[string]string", elem: GoString } },
];

/** nats-server's StreamConfigRequest: StreamConfig (embedded) plus `pedantic`. */
export const STREAM_CONFIG_REQUEST: GoStruct = {
  k: "struct",
  name: "server.StreamConfigRequest",
  fields: [
    ...STREAM_CONFIG_FIELDS.map((f) => ({ ...f, via: ["StreamConfig"] })),
    { json: "pedantic", type: GoBool },
  ],
};

/** StreamConfig alone (e.g. the `config` of a restore request). */
export const STREAM_CONFIG: GoStruct = { k: "struct", name: "server.StreamConfig", fields: STREAM_CONFIG_FIELDS };
