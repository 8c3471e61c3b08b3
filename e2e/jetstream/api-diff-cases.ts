// The table of the JetStream API differential test (api-diff.test.ts): request sequences run against the
// reference nats-server and natsts. Stream/consumer CREATE configuration checking is covered by
// config-diff.test.ts; these cases use creates only as hidden setup.

export type Body = string | Record<string, unknown> | undefined;
export type Headers = ReadonlyArray<readonly [string, string]>;

/** When a step is considered answered (the test then goes on; late frames are still recorded). */
export interface Until {
  /** number of frames on the step's inbox (default 1 for requests) */
  readonly frames?: number;
  /** until a terminal status frame (HMSG with a status other than 100) */
  readonly status?: boolean;
  /** bound on the wait (default 2000 ms) */
  readonly timeoutMs?: number;
}

export type Step =
  | {
      readonly kind: "api";
      /** subject after "$JS.API." */
      readonly subject: string;
      readonly body?: Body;
      readonly headers?: Headers;
      readonly until?: Until;
      /** setup: not part of the transcript, but must not answer with an error */
      readonly hide?: boolean;
      /** part of the transcript, and must not answer with an error (streams and consumers a case is built on) */
      readonly mustSucceed?: boolean;
    }
  | {
      readonly kind: "pub";
      readonly subject: string;
      readonly body?: string;
      readonly headers?: Headers;
      /** publish with a reply subject and record the reply (default true) */
      readonly reply?: boolean;
      readonly hide?: boolean;
    }
  | {
      /** acknowledges the newest delivery seen so far (its `$JS.ACK.` reply subject) with `payload` */
      readonly kind: "ack";
      readonly payload: string;
      /** ask for the server's confirmation (AckSync) and record it */
      readonly sync?: boolean;
    }
  | { readonly kind: "sleep"; readonly ms: number };

export interface ApiCase {
  readonly name: string;
  readonly steps: readonly Step[];
  /** texts the reference transcript must contain (guards against a case not testing what it says) */
  readonly ref: readonly string[];
  /** texts the reference transcript must not contain */
  readonly refNot?: readonly string[];
  /** wait after the last step for late frames (default 150 ms) */
  readonly settleMs?: number;
}

const json = (v: Record<string, unknown>): Body => v;

/** A JetStream API request recorded in the transcript. */
export function api(subject: string, body?: Body, until?: Until, headers?: Headers): Step {
  return { kind: "api", subject, body, until, headers };
}

/** Hidden setup request (must succeed on both servers). */
export function setupApi(subject: string, body?: Body): Step {
  return { kind: "api", subject, body, hide: true };
}

/** A stream a case is built on: its create response is compared too, and must not be an error. */
export function stream(cfg: Record<string, unknown>): Step {
  return { kind: "api", subject: `STREAM.CREATE.${String(cfg.name)}`, body: json(cfg), mustSucceed: true };
}

/** A consumer a case is built on: its create response is compared too, and must not be an error. */
export function consumer(streamName: string, name: string, cfg: Record<string, unknown>): Step {
  return { kind: "api", subject: `CONSUMER.CREATE.${streamName}.${name}`, body: { stream_name: streamName, config: { name, ...cfg } }, mustSucceed: true };
}

/** A recorded publish with a reply subject: the PubAck bytes are compared. */
export function pub(subject: string, body = "", headers?: Headers): Step {
  return { kind: "pub", subject, body, headers };
}

/** Hidden publishes (their PubAcks must not be errors). */
export function fill(subject: string | ((i: number) => string), n: number, body: (i: number) => string = (i) => `m${i + 1}`): Step[] {
  return Array.from({ length: n }, (_, i) => ({ kind: "pub", subject: typeof subject === "string" ? subject : subject(i), body: body(i), hide: true }) as Step);
}

export const NS = 1_000_000;
const S = { name: "S", subjects: ["s.>"] };
const next = (c: string, body: Body, until: Until = { status: true, timeoutMs: 3000 }): Step => api(`CONSUMER.MSG.NEXT.S.${c}`, body, until);

export const CASES: readonly ApiCase[] = [
  {
    name: "account info: empty account",
    steps: [api("INFO")],
    ref: ['"type":"io.nats.jetstream.api.v1.account_info_response"', '"streams":0'],
  },
  {
    name: "account info: usage after streams, consumers and messages",
    steps: [
      stream(S),
      stream({ name: "M", subjects: ["m.>"], storage: "memory" }),
      ...fill("s.a", 3),
      ...fill("m.a", 2, () => "x".repeat(100)),
      consumer("S", "C1", { ack_policy: "explicit" }),
      api("INFO"),
    ],
    ref: ['"streams":2', '"consumers":1'],
  },
  {
    name: "stream info: state after publishes, subjects_filter, deleted_details",
    steps: [
      stream(S),
      ...fill((i) => `s.${["a", "b", "a", "c"][i % 4] ?? "a"}`, 8),
      pub("s.b", "with headers", [["X-A", "1"], ["X-B", "two"]]),
      api("STREAM.INFO.S"),
      api("STREAM.INFO.S", { subjects_filter: ">" }),
      api("STREAM.INFO.S", { subjects_filter: "s.a" }),
      api("STREAM.INFO.S", { subjects_filter: "x.>" }),
      setupApi("STREAM.MSG.DELETE.S", { seq: 2 }),
      setupApi("STREAM.MSG.DELETE.S", { seq: 5, no_erase: true }),
      api("STREAM.INFO.S", { deleted_details: true }),
      api("STREAM.INFO.S", { deleted_details: true, subjects_filter: "s.c" }),
    ],
    ref: ['"num_subjects":3', '"subjects":{"s.a":4}', '"deleted":[2,5]', '"num_deleted":2'],
  },
  {
    name: "stream info: unknown stream, bad request bodies",
    steps: [
      stream(S),
      api("STREAM.INFO.NOPE"),
      api("STREAM.INFO.S", "{not json"),
      api("STREAM.INFO.S", { subjects_filter: 5 }),
      api("STREAM.DELETE.NOPE"),
    ],
    ref: ['"err_code":10059', '"err_code":10025'],
  },
  {
    name: "stream names and list: subject filter and paging",
    steps: [
      stream({ name: "A", subjects: ["a.>"] }),
      stream({ name: "B", subjects: ["b.*", "bb"] }),
      stream({ name: "C", subjects: ["c.x", "c.y"] }),
      ...fill("b.1", 2),
      api("STREAM.NAMES"),
      api("STREAM.NAMES", { subject: "b.q" }),
      api("STREAM.NAMES", { subject: "c.*" }),
      api("STREAM.NAMES", { subject: ">" }),
      api("STREAM.NAMES", { subject: "zzz" }),
      api("STREAM.NAMES", { offset: 1 }),
      api("STREAM.NAMES", { offset: 10 }),
      api("STREAM.LIST", { subject: "bb" }),
      api("STREAM.LIST", { offset: 2 }),
      api("STREAM.LIST", "{bad"),
    ],
    ref: ['"streams":["B"]', '"offset":1', '"offset":10'],
  },
  {
    name: "stream purge: all, filter, seq, keep, filter+keep, seq+keep, unknown",
    steps: [
      stream(S),
      ...fill((i) => (i % 2 === 0 ? "s.a" : "s.b"), 12),
      api("STREAM.PURGE.S", { filter: "s.a", keep: 2 }),
      api("STREAM.INFO.S", { subjects_filter: ">" }),
      api("STREAM.PURGE.S", { seq: 6 }),
      api("STREAM.PURGE.S", { filter: "s.b", seq: 10 }),
      api("STREAM.PURGE.S", { keep: 2 }),
      api("STREAM.INFO.S"),
      api("STREAM.PURGE.S", { seq: 3, keep: 1 }),
      api("STREAM.PURGE.S", { filter: "x.>" }),
      api("STREAM.PURGE.S", { filter: "s.*" }),
      api("STREAM.PURGE.S"),
      api("STREAM.INFO.S"),
      api("STREAM.PURGE.NOPE"),
    ],
    ref: ['"purged":4', '"err_code":10059'],
  },
  {
    name: "msg get: by seq, last_by_subj, next_by_subj, and errors",
    steps: [
      stream(S),
      pub("s.a", "one", [["X-Orig", "yes"]]),
      ...fill((i) => ["s.b", "s.a", "s.c", "s.b"][i] ?? "s.b", 4),
      setupApi("STREAM.MSG.DELETE.S", { seq: 3 }),
      api("STREAM.MSG.GET.S", { seq: 1 }),
      api("STREAM.MSG.GET.S", { seq: 2 }),
      api("STREAM.MSG.GET.S", { seq: 3 }),
      api("STREAM.MSG.GET.S", { seq: 99 }),
      api("STREAM.MSG.GET.S", { last_by_subj: "s.b" }),
      api("STREAM.MSG.GET.S", { last_by_subj: "s.*" }),
      api("STREAM.MSG.GET.S", { last_by_subj: "s.zzz" }),
      api("STREAM.MSG.GET.S", { next_by_subj: "s.a", seq: 2 }),
      api("STREAM.MSG.GET.S", { next_by_subj: "s.b" }),
      api("STREAM.MSG.GET.S", { next_by_subj: "s.c", seq: 5 }),
      api("STREAM.MSG.GET.S", { seq: 1, last_by_subj: "s.a" }),
      api("STREAM.MSG.GET.S", {}),
      api("STREAM.MSG.GET.S", ""),
      api("STREAM.MSG.GET.S", "{bad"),
      api("STREAM.MSG.GET.NOPE", { seq: 1 }),
    ],
    ref: ['"err_code":10037', '"hdrs":"', '"seq":5'],
  },
  {
    name: "msg delete: erase, no_erase, already deleted, beyond last, unknown stream",
    steps: [
      stream(S),
      ...fill("s.x", 5),
      api("STREAM.MSG.DELETE.S", { seq: 2 }),
      api("STREAM.MSG.DELETE.S", { seq: 3, no_erase: true }),
      api("STREAM.MSG.DELETE.S", { seq: 2 }),
      api("STREAM.MSG.DELETE.S", { seq: 99 }),
      api("STREAM.MSG.DELETE.S", { seq: 0 }),
      api("STREAM.MSG.DELETE.S", ""),
      api("STREAM.MSG.DELETE.S", { seq: 1 }),
      api("STREAM.INFO.S", { deleted_details: true }),
      api("STREAM.MSG.GET.S", { seq: 3 }),
      api("STREAM.MSG.DELETE.NOPE", { seq: 1 }),
      // below the first sequence once purges moved it
      ...fill("s.y", 3),
      api("STREAM.PURGE.S", { keep: 2 }),
      api("STREAM.MSG.DELETE.S", { seq: 5 }),
      api("STREAM.MSG.DELETE.S", { seq: 7 }),
      api("STREAM.MSG.DELETE.S", { seq: 7 }),
      api("STREAM.PURGE.S"),
      api("STREAM.MSG.DELETE.S", { seq: 8 }),
      api("STREAM.MSG.DELETE.S", { seq: 9 }),
      api("STREAM.INFO.S"),
    ],
    ref: ['"success":true', '"err_code":10057', '"first_seq":4', '"purged":3', '"first_seq":9'],
  },
  {
    name: "consumer info, names, list (paging), delete, unknown",
    steps: [
      stream(S),
      ...fill("s.x", 3),
      consumer("S", "D1", { durable_name: "D1", ack_policy: "explicit" }),
      consumer("S", "N1", { ack_policy: "all", filter_subject: "s.x" }),
      consumer("S", "B2", { ack_policy: "none", deliver_policy: "last" }),
      api("CONSUMER.INFO.S.D1"),
      api("CONSUMER.NAMES.S"),
      api("CONSUMER.NAMES.S", { offset: 1 }),
      api("CONSUMER.NAMES.S", { offset: 5 }),
      api("CONSUMER.LIST.S"),
      api("CONSUMER.LIST.S", { offset: 2 }),
      api("CONSUMER.DELETE.S.N1"),
      api("CONSUMER.DELETE.S.N1"),
      api("CONSUMER.INFO.S.N1"),
      api("CONSUMER.NAMES.NOPE"),
      api("CONSUMER.LIST.NOPE"),
      api("CONSUMER.INFO.NOPE.D1"),
      api("STREAM.INFO.S"),
    ],
    ref: ['"consumers":["B2","D1","N1"]', '"err_code":10014', '"consumer_count":2'],
  },
  {
    name: "consumer info numbers after deliveries, acks and a nak",
    steps: [
      stream(S),
      ...fill("s.x", 6),
      consumer("S", "C", { durable_name: "C", ack_policy: "explicit" }),
      next("C", { batch: 2, no_wait: true }, { frames: 2 }),
      { kind: "ack", payload: "+ACK", sync: true },
      next("C", { batch: 1, no_wait: true }, { frames: 1 }),
      { kind: "ack", payload: "-NAK", sync: true },
      api("CONSUMER.INFO.S.C"),
      next("C", { batch: 1, no_wait: true }, { frames: 1 }),
      api("CONSUMER.INFO.S.C"),
      { kind: "ack", payload: "+TERM", sync: true },
      api("CONSUMER.INFO.S.C"),
    ],
    ref: ['"num_redelivered":1', '"num_ack_pending":1'],
  },
  {
    name: "consumer start positions on a stream whose first sequence moved",
    steps: [
      stream({ ...S, max_msgs_per_subject: 1 }),
      ...fill("s.a", 3),
      ...fill("s.b", 1),
      consumer("S", "ALL", { deliver_policy: "all" }),
      consumer("S", "SEQ1", { deliver_policy: "by_start_sequence", opt_start_seq: 1 }),
      consumer("S", "SEQ4", { deliver_policy: "by_start_sequence", opt_start_seq: 4 }),
      consumer("S", "SEQ10", { deliver_policy: "by_start_sequence", opt_start_seq: 10 }),
      consumer("S", "OLD", { deliver_policy: "by_start_time", opt_start_time: "2001-01-01T00:00:00Z" }),
      consumer("S", "LAST", { deliver_policy: "last" }),
      consumer("S", "NEW", { deliver_policy: "new" }),
      consumer("S", "LPS", { deliver_policy: "last_per_subject", filter_subject: "s.>" }),
      api("CONSUMER.INFO.S.SEQ1"),
    ],
    ref: ['"name":"SEQ1"', '"delivered":{"consumer_seq":0,"stream_seq":2}', '"delivered":{"consumer_seq":0,"stream_seq":9}'],
  },
  {
    name: "sourced messages: the Nats-Stream-Source header per filter and transform",
    steps: [
      stream({ name: "O", subjects: ["o.>"] }),
      ...fill("o.a", 1),
      stream({ name: "S1", sources: [{ name: "O" }] }),
      stream({ name: "S2", sources: [{ name: "O", filter_subject: "o.*" }] }),
      stream({ name: "S3", sources: [{ name: "O", subject_transforms: [{ src: "o.>", dest: "x.>" }] }] }),
      stream({ name: "S4", sources: [{ name: "O", subject_transforms: [{ src: "o.a", dest: "y.a" }, { src: "o.b", dest: "" }] }] }),
      { kind: "sleep", ms: 1000 },
      api("STREAM.MSG.GET.S1", { seq: 1 }),
      api("STREAM.MSG.GET.S2", { seq: 1 }),
      api("STREAM.MSG.GET.S3", { seq: 1 }),
      api("STREAM.MSG.GET.S4", { seq: 1 }),
    ],
    // "Nats-Stream-Source: O 1 o.> x.> o.a" in base64
    ref: ['"subject":"x.a"', '"subject":"y.a"', '"hdrs":"TkFUUy8xLjANCk5hdHMtU3RyZWFtLVNvdXJjZTogTyAxIG8uPiB4Lj4gby5hDQoNCg=="'],
  },
  {
    name: "consumer pause and resume",
    steps: [
      stream(S),
      consumer("S", "P", { durable_name: "P", ack_policy: "explicit" }),
      api("CONSUMER.PAUSE.S.P", { pause_until: "2099-01-02T03:04:05.5Z" }),
      api("CONSUMER.INFO.S.P"),
      api("CONSUMER.PAUSE.S.P", ""),
      api("CONSUMER.INFO.S.P"),
      api("CONSUMER.PAUSE.S.P", { pause_until: "2001-01-01T00:00:00Z" }),
      api("CONSUMER.PAUSE.S.P", "{bad"),
      api("CONSUMER.PAUSE.S.NOPE", { pause_until: "2099-01-01T00:00:00Z" }),
    ],
    ref: ['"paused":true', '"pause_until":"2099-01-02T03:04:05.5Z"', '"paused":false'],
  },
  {
    name: "unknown and incomplete API subjects",
    steps: [
      stream(S),
      api("FOO", undefined, { frames: 1, timeoutMs: 500 }),
      api("STREAM.FROB.S", undefined, { frames: 1, timeoutMs: 500 }),
      api("STREAM.INFO", undefined, { frames: 1, timeoutMs: 500 }),
      api("CONSUMER.INFO.S", undefined, { frames: 1, timeoutMs: 500 }),
      api("STREAM.NAMES.EXTRA", undefined, { frames: 1, timeoutMs: 500 }),
      api("INFO"),
    ],
    // nats-server does not answer requests on subjects it does not serve under $JS.API.
    ref: [">> API FOO \n>> API STREAM.FROB.S \n>> API STREAM.INFO \n>> API CONSUMER.INFO.S \n>> API STREAM.NAMES.EXTRA \n>> API INFO"],
  },
  {
    name: "PubAck bytes: normal, msg id, duplicate, expectation errors",
    steps: [
      stream({ ...S, max_msg_size: 64 }),
      pub("s.a", "first"),
      pub("s.a", "with id", [["Nats-Msg-Id", "id-1"]]),
      pub("s.a", "dup", [["Nats-Msg-Id", "id-1"]]),
      pub("s.b", "x", [["Nats-Expected-Stream", "OTHER"]]),
      pub("s.b", "x", [["Nats-Expected-Stream", "S"]]),
      pub("s.b", "x", [["Nats-Expected-Last-Sequence", "1"]]),
      pub("s.b", "x", [["Nats-Expected-Last-Sequence", "4"]]),
      pub("s.a", "x", [["Nats-Expected-Last-Subject-Sequence", "1"]]),
      pub("s.new", "x", [["Nats-Expected-Last-Subject-Sequence", "0"]]),
      pub("s.b", "x", [["Nats-Expected-Last-Msg-Id", "nope"]]),
      pub("s.b", "x", [["Nats-Expected-Last-Sequence", "abc"]]),
      pub("s.a", "y".repeat(65)),
      pub("s.a", "x", [["Nats-Rollup", "sub"]]),
      pub("s.a", "x", [["Nats-TTL", "10s"]]),
      pub("s.a", "x", [["Nats-Msg-Id", "id-2"], ["Nats-Expected-Last-Msg-Id", "id-1"]]),
      pub("s.a", ""),
    ],
    ref: ['{"stream":"S","seq":1}', '"duplicate": true', '"err_code":10060', '"err_code":10071', '"err_code":10054'],
  },
  {
    name: "PubAck bytes: discard new limits, sealed stream",
    steps: [
      stream({ name: "L", subjects: ["l.>"], max_msgs: 2, discard: "new", max_msgs_per_subject: 1, discard_new_per_subject: true }),
      pub("l.a", "1"),
      pub("l.a", "2"),
      pub("l.b", "3"),
      pub("l.c", "4"),
      stream({ name: "B", subjects: ["b.>"], max_bytes: 100, discard: "new" }),
      pub("b.a", "x".repeat(40)),
      pub("b.a", "x".repeat(40)),
      stream({ name: "Z", subjects: ["z.>"] }),
      setupApi("STREAM.UPDATE.Z", { name: "Z", subjects: ["z.>"], sealed: true }),
      pub("z.a", "sealed"),
    ],
    ref: ['"err_code":10077', '"err_code":10109'],
  },
  {
    name: "MSG.NEXT: deliveries, no_wait 404, expires 408, heartbeat too large 400",
    steps: [
      stream(S),
      consumer("S", "C", { durable_name: "C", ack_policy: "explicit" }),
      next("C", { batch: 1, no_wait: true }),
      next("C", { batch: 2, expires: 300 * NS }),
      next("C", { batch: 1, expires: 300 * NS, idle_heartbeat: 200 * NS }),
      // Heartbeats at 500 and 1000 ms, expiry at 1250: a heartbeat timer that runs late on a loaded
      // machine (either server re-arms from when it fired) still comes before the expiry.
      next("C", { batch: 1, expires: 1250 * NS, idle_heartbeat: 500 * NS }, { status: true, timeoutMs: 3000 }),
      ...fill("s.a", 3),
      next("C", { batch: 5, no_wait: true }),
      next("C", "1", { frames: 1 }),
      next("C", { batch: 1, no_wait: true }),
      next("C", "{bad", { frames: 1 }),
      api("CONSUMER.INFO.S.C"),
    ],
    ref: ["NATS/1.0 404 No Messages", "NATS/1.0 408 Request Timeout", "Nats-Pending-Messages: 2", "NATS/1.0 100 Idle Heartbeat"],
  },
  {
    name: "MSG.NEXT: max_waiting, max_batch, max_expires, max_bytes, push consumer, unknown consumer",
    steps: [
      stream(S),
      ...fill("s.a", 2, () => "z".repeat(200)),
      consumer("S", "W", { durable_name: "W", ack_policy: "explicit", max_waiting: 1, deliver_policy: "new" }),
      next("W", { batch: 1, expires: 800 * NS }, { frames: 1, timeoutMs: 100 }),
      next("W", { batch: 1, expires: 800 * NS }),
      consumer("S", "MB", { durable_name: "MB", ack_policy: "explicit", max_batch: 2, max_expires: 500 * NS, max_bytes: 1000 }),
      next("MB", { batch: 5, no_wait: true }),
      next("MB", { batch: 1, expires: 2000 * NS }),
      next("MB", { batch: 1, no_wait: true, max_bytes: 5000 }),
      next("MB", { batch: 2, no_wait: true, max_bytes: 100 }),
      consumer("S", "PUSH", { durable_name: "PUSH", ack_policy: "explicit", deliver_subject: "push.target" }),
      next("PUSH", { batch: 1, no_wait: true }),
      next("NOPE", { batch: 1, no_wait: true }, { frames: 1, timeoutMs: 1000 }),
    ],
    settleMs: 1200,
    ref: ["409 Exceeded MaxWaiting", "409 Exceeded MaxRequestBatch of 2", "409 Consumer is push based"],
  },
  {
    name: "DIRECT.GET: by seq, last by subject, subject-appended, batch, multi_last, errors",
    steps: [
      stream({ ...S, allow_direct: true }),
      pub("s.a", "a1", [["X-Orig", "kept"]]),
      ...fill((i) => ["s.b", "s.a", "s.c"][i] ?? "s.c", 3),
      api("DIRECT.GET.S", { seq: 1 }),
      api("DIRECT.GET.S", { last_by_subj: "s.a" }),
      api("DIRECT.GET.S.s.b", ""),
      api("DIRECT.GET.S", { next_by_subj: "s.c", seq: 2 }),
      api("DIRECT.GET.S", { seq: 99 }),
      api("DIRECT.GET.S.s.none", ""),
      api("DIRECT.GET.S", ""),
      api("DIRECT.GET.S", "{bad"),
      api("DIRECT.GET.S.s.a", { seq: 1 }),
      api("DIRECT.GET.S", { seq: 2, batch: 2 }, { status: true }),
      api("DIRECT.GET.S", { seq: 1, batch: 10, next_by_subj: "s.a" }, { status: true }),
      api("DIRECT.GET.S", { multi_last: ["s.a", "s.c"] }, { status: true }),
      api("DIRECT.GET.S", { multi_last: ["s.*"], up_to_seq: 3 }, { status: true }),
      stream({ name: "ND", subjects: ["nd.>"] }),
      ...fill("nd.a", 1),
      api("DIRECT.GET.ND", { seq: 1 }, { frames: 1, timeoutMs: 1000 }),
    ],
    ref: ["Nats-Time-Stamp: <time>", "X-Orig: kept", "NATS/1.0 404 Message Not Found", "NATS/1.0 204 EOB", "NATS/1.0 408 Empty Request"],
  },
];
