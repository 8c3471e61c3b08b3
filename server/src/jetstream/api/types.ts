// TypeScript shapes of the JetStream API JSON, written from the jsm.go schemas
// (../shared/spec/jsm-schemas/jetstream/api/v1) and nats-server 2.12's output. Property names are
// the wire names. Conventions:
//   - durations (`Nanos`) are integer nanoseconds; times (`TimeText`) are RFC 3339 strings with
//     nanoseconds as nats-server writes them (see json.ts / json-time.ts for bigint instants);
//   - optional members are the ones nats-server omits when empty (Go `omitempty`); required ones are
//     always written. Key order of a normalized config object is nats-server's output order.
import type { ApiError } from "./errors.js";

/** A duration in nanoseconds (Go time.Duration). */
export type Nanos = number;
/** An RFC 3339 timestamp with up to nanosecond precision (Go time.Time). */
export type TimeText = string;

export type RetentionPolicy = "limits" | "interest" | "workqueue";
export type DiscardPolicy = "old" | "new";
export type StorageType = "file" | "memory";
export type StoreCompression = "none" | "s2";
export type PersistMode = "default" | "async";
export type DeliverPolicy = "all" | "last" | "new" | "by_start_sequence" | "by_start_time" | "last_per_subject";
export type AckPolicy = "none" | "all" | "explicit";
export type ReplayPolicy = "instant" | "original";
export type PriorityPolicy = "none" | "overflow" | "pinned_client" | "prioritized";
/** CreateConsumerRequest.action: "" = create or update. */
export type ConsumerAction = "" | "create" | "update";

export interface Placement {
  cluster?: string;
  tags?: string[];
  preferred?: string;
}

export interface SubjectTransformConfig {
  src: string;
  dest: string;
}

export interface ExternalStream {
  api: string;
  deliver: string;
}

export interface StreamSource {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: TimeText;
  filter_subject?: string;
  subject_transforms?: SubjectTransformConfig[];
  external?: ExternalStream;
}

export interface RePublish {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

export interface StreamConsumerLimits {
  inactive_threshold?: Nanos;
  max_ack_pending?: number;
}

export interface StreamConfig {
  name: string;
  description?: string;
  subjects?: string[];
  retention: RetentionPolicy;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  max_age: Nanos;
  max_msgs_per_subject: number;
  max_msg_size?: number;
  discard: DiscardPolicy;
  storage: StorageType;
  num_replicas: number;
  no_ack?: boolean;
  template_owner?: string;
  duplicate_window?: Nanos;
  placement?: Placement;
  mirror?: StreamSource;
  /** a `null` entry is what Go decodes from `"sources":[null]` (rejected by validation) */
  sources?: (StreamSource | null)[];
  compression: StoreCompression;
  first_seq?: number;
  subject_transform?: SubjectTransformConfig;
  republish?: RePublish;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
  consumer_limits: StreamConsumerLimits;
  allow_msg_ttl: boolean;
  subject_delete_marker_ttl?: Nanos;
  allow_msg_counter?: boolean;
  allow_atomic?: boolean;
  allow_msg_schedules?: boolean;
  persist_mode?: PersistMode;
  metadata?: Record<string, string>;
}

/** Body of STREAM.CREATE / STREAM.UPDATE. */
export interface StreamConfigRequest extends Partial<StreamConfig> {
  pedantic?: boolean;
}

export interface ConsumerConfig {
  durable_name?: string;
  name?: string;
  description?: string;
  deliver_policy: DeliverPolicy;
  opt_start_seq?: number;
  opt_start_time?: TimeText;
  ack_policy: AckPolicy;
  ack_wait?: Nanos;
  max_deliver?: number;
  backoff?: Nanos[];
  filter_subject?: string;
  filter_subjects?: string[];
  replay_policy: ReplayPolicy;
  rate_limit_bps?: number;
  sample_freq?: string;
  max_waiting?: number;
  max_ack_pending?: number;
  flow_control?: boolean;
  headers_only?: boolean;
  max_batch?: number;
  max_expires?: Nanos;
  max_bytes?: number;
  deliver_subject?: string;
  deliver_group?: string;
  idle_heartbeat?: Nanos;
  inactive_threshold?: Nanos;
  num_replicas: number;
  mem_storage?: boolean;
  direct?: boolean;
  metadata?: Record<string, string>;
  pause_until?: TimeText;
  priority_groups?: string[];
  priority_policy?: PriorityPolicy;
  priority_timeout?: Nanos;
}

/** Body of CONSUMER.CREATE / CONSUMER.DURABLE.CREATE. */
export interface CreateConsumerRequest {
  stream_name: string;
  config: Partial<ConsumerConfig>;
  action?: ConsumerAction;
  pedantic?: boolean;
}

export interface LostStreamData {
  msgs: number[] | null;
  bytes: number;
}

export interface StreamState {
  messages: number;
  bytes: number;
  first_seq: number;
  first_ts: TimeText;
  last_seq: number;
  last_ts: TimeText;
  num_subjects?: number;
  subjects?: Record<string, number>;
  num_deleted?: number;
  deleted?: number[];
  lost?: LostStreamData;
  consumer_count: number;
}

export interface PeerInfo {
  name: string;
  current: boolean;
  offline?: boolean;
  active: Nanos;
  lag?: number;
  peer?: string;
}

export interface ClusterInfo {
  name?: string;
  raft_group?: string;
  leader?: string;
  leader_since?: TimeText;
  system_account?: boolean;
  traffic_account?: string;
  replicas?: PeerInfo[];
}

export interface StreamSourceInfo {
  name: string;
  external?: ExternalStream;
  lag: number;
  active: Nanos;
  filter_subject?: string;
  subject_transforms?: SubjectTransformConfig[];
  error?: ApiError;
}

export interface StreamAlternate {
  name: string;
  domain?: string;
  cluster: string;
}

export interface StreamInfo {
  config: StreamConfig;
  created: TimeText;
  state: StreamState;
  domain?: string;
  cluster?: ClusterInfo;
  mirror?: StreamSourceInfo;
  sources?: StreamSourceInfo[];
  alternates?: StreamAlternate[];
  ts: TimeText;
}

export interface SequenceInfo {
  consumer_seq: number;
  stream_seq: number;
  last_active?: TimeText;
}

export interface PriorityGroupState {
  group: string;
  pinned_client_id?: string;
  pinned_ts?: TimeText;
}

export interface ConsumerInfo {
  stream_name: string;
  name: string;
  created: TimeText;
  config: ConsumerConfig;
  delivered: SequenceInfo;
  ack_floor: SequenceInfo;
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  cluster?: ClusterInfo;
  push_bound?: boolean;
  paused?: boolean;
  pause_remaining?: Nanos;
  ts: TimeText;
  priority_groups?: PriorityGroupState[];
}

/** Every API response: `type` plus either the body or `error`. */
export interface ApiResponse {
  type: string;
  error?: ApiError;
}

export type StreamCreateResponse = ApiResponse & Partial<StreamInfo> & { did_create?: boolean };
export type StreamUpdateResponse = ApiResponse & Partial<StreamInfo>;
export type StreamInfoResponse = ApiResponse & Partial<StreamInfo> & { total?: number; offset?: number; limit?: number };
export type ConsumerCreateResponse = ApiResponse & Partial<ConsumerInfo>;
export type ConsumerInfoResponse = ApiResponse & Partial<ConsumerInfo>;

export interface PagedRequest {
  offset?: number;
}

export interface StreamNamesRequest extends PagedRequest {
  subject?: string;
}

export interface StreamInfoRequest extends PagedRequest {
  deleted_details?: boolean;
  subjects_filter?: string;
}

export interface StreamPurgeRequest {
  filter?: string;
  seq?: number;
  keep?: number;
}

export interface StreamMsgGetRequest {
  seq?: number;
  last_by_subj?: string;
  next_by_subj?: string;
  batch?: number;
  max_bytes?: number;
  start_time?: TimeText;
  multi_last?: string[];
  up_to_seq?: number;
  up_to_time?: TimeText;
}

export interface StreamMsgDeleteRequest {
  seq: number;
  no_erase?: boolean;
}

export interface StoredMessage {
  subject: string;
  seq: number;
  /** base64 */
  hdrs?: string;
  /** base64 */
  data?: string;
  time: TimeText;
}

export interface ConsumerGetNextRequest {
  expires?: Nanos;
  batch?: number;
  max_bytes?: number;
  no_wait?: boolean;
  idle_heartbeat?: Nanos;
  group?: string;
  min_pending?: number;
  min_ack_pending?: number;
  id?: string;
  priority?: number;
}

export interface ConsumerPauseRequest {
  pause_until?: TimeText;
}

export interface ApiStats {
  level: number;
  total: number;
  errors: number;
  inflight?: number;
}

export interface AccountLimits {
  max_memory: number;
  max_storage: number;
  max_streams: number;
  max_consumers: number;
  max_ack_pending?: number;
  memory_max_stream_bytes?: number;
  storage_max_stream_bytes?: number;
  max_bytes_required?: boolean;
}

export interface JetStreamAccountStats {
  memory: number;
  storage: number;
  reserved_memory: number;
  reserved_storage: number;
  streams: number;
  consumers: number;
  limits: AccountLimits;
  domain?: string;
  api: ApiStats;
  tiers?: Record<string, unknown>;
}

/** Response `type` strings (io.nats.jetstream.api.v1.<suffix>). */
export const API_TYPE_PREFIX = "io.nats.jetstream.api.v1.";
export function apiType(suffix: string): string {
  return API_TYPE_PREFIX + suffix;
}
