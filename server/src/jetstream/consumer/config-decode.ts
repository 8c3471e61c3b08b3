// The Go shapes nats-server decodes CONSUMER.CREATE / CONSUMER.DURABLE.CREATE bodies into
// (CreateConsumerRequest with its ConsumerConfig), for Go-identical "invalid JSON" errors.
import { GoBool, GoInt, GoString, goEnum, type GoField, type GoStruct, type GoType } from "../api/json-decode.js";
import { goQuoteBytes } from "../api/json-scan.js";
import { GoTimeType } from "../stream/config-decode.js";

const cannotUnmarshal = (raw: Uint8Array): string => `can not unmarshal ${goQuoteBytes(raw)}`;
const rawText = (raw: Uint8Array): string => Buffer.from(raw).toString("utf8");

const deliverPolicy = goEnum("server.DeliverPolicy", {
  '"all"': "all",
  '"last"': "last",
  '"new"': "new",
  '"by_start_sequence"': "by_start_sequence",
  '"by_start_time"': "by_start_time",
  '"last_per_subject"': "last_per_subject",
}, cannotUnmarshal);
const ackPolicy = goEnum("server.AckPolicy", { '"none"': "none", '"all"': "all", '"explicit"': "explicit" }, cannotUnmarshal);
const replayPolicy = goEnum("server.ReplayPolicy", { '"instant"': "instant", '"original"': "original" }, cannotUnmarshal);
const priorityPolicy = goEnum("server.PriorityPolicy", {
  '"none"': "none",
  '"overflow"': "overflow",
  '"pinned_client"': "pinned_client",
  '"prioritized"': "prioritized",
}, (raw) => `unknown priority policy: ${rawText(raw)}`);
const action = goEnum("server.ConsumerAction", { '"create"': "create", '"update"': "update", '""': "" }, (raw) => `unknown consumer action: ${rawText(raw)}`);

const strings: GoType = { k: "slice", name: "[]string", elem: GoString };

/** ConsumerConfig's fields in nats-server's declaration (= JSON output) order. */
export const CONSUMER_CONFIG_FIELDS: readonly GoField[] = [
  { json: "durable_name", type: GoString },
  { json: "name", type: GoString },
  { json: "description", type: GoString },
  { json: "deliver_policy", type: deliverPolicy },
  { json: "opt_start_seq", type: GoInt.uint64 },
  { json: "opt_start_time", type: { k: "ptr", elem: GoTimeType } },
  { json: "ack_policy", type: ackPolicy },
  { json: "ack_wait", type: GoInt.duration },
  { json: "max_deliver", type: GoInt.int },
  { json: "backoff", type: { k: "slice", name: "[]time.Duration", elem: GoInt.duration } },
  { json: "filter_subject", type: GoString },
  { json: "filter_subjects", type: strings },
  { json: "replay_policy", type: replayPolicy },
  { json: "rate_limit_bps", type: GoInt.uint64 },
  { json: "sample_freq", type: GoString },
  { json: "max_waiting", type: GoInt.int },
  { json: "max_ack_pending", type: GoInt.int },
  { json: "flow_control", type: GoBool },
  { json: "headers_only", type: GoBool },
  { json: "max_batch", type: GoInt.int },
  { json: "max_expires", type: GoInt.duration },
  { json: "max_bytes", type: GoInt.int },
  { json: "deliver_subject", type: GoString },
  { json: "deliver_group", type: GoString },
  { json: "idle_heartbeat", type: GoInt.duration },
  { json: "inactive_threshold", type: GoInt.duration },
  { json: "num_replicas", type: GoInt.int },
  { json: "mem_storage", type: GoBool },
  { json: "direct", type: GoBool },
  { json: "metadata", type: { k: "map", name: "map[string]string", elem: GoString } },
  { json: "pause_until", type: { k: "ptr", elem: GoTimeType } },
  { json: "priority_groups", type: strings },
  { json: "priority_policy", type: priorityPolicy },
  { json: "priority_timeout", type: GoInt.duration },
];

export const CONSUMER_CONFIG: GoStruct = { k: "struct", name: "server.ConsumerConfig", fields: CONSUMER_CONFIG_FIELDS };

/** nats-server's CreateConsumerRequest. */
export const CREATE_CONSUMER_REQUEST: GoStruct = {
  k: "struct",
  name: "server.CreateConsumerRequest",
  fields: [
    { json: "stream_name", type: GoString },
    { json: "config", type: CONSUMER_CONFIG },
    { json: "action", type: action },
    { json: "pedantic", type: GoBool },
  ],
};
