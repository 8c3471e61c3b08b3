// Generated cases: random combinations of valid and invalid field values (fixed seed, so the
// table is the same on every run). Single-error cases pin each rule; these pin the ORDER in
// which nats-server applies its rules when a config breaks several at once.
import { STREAM_S, mkStream, type DiffCase } from "./config-cases.js";
import { mulberry32 as prng } from "../lib/prng.js";

type Pool = Record<string, readonly unknown[]>;

function generate(pool: Pool, count: number, seed: number, pick: number): Record<string, unknown>[] {
  const rnd = prng(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const cfg: Record<string, unknown> = {};
    for (const [field, values] of Object.entries(pool)) {
      if (rnd() < pick) cfg[field] = values[Math.floor(rnd() * values.length)];
    }
    out.push(cfg);
  }
  return out;
}

const MS = 1_000_000;
const S = 1_000_000_000;

const STREAM_POOL: Pool = {
  subjects: [["a"], ["a", "a"], [">"], ["$JS.API.>"], ["a.*", "a.b"], ["foo.."], ["$SYS.>"]],
  retention: ["workqueue", "interest"],
  max_age: [0, -1, 1, 500 * MS, 3600 * S],
  duplicate_window: [-1, 1, S, 300 * S],
  num_replicas: [0, -1, 3, 6],
  discard: ["new"],
  storage: ["memory"],
  mirror: [{ name: "M" }, { name: "" }, { name: "A" }, { name: "M", filter_subject: "a..b" }, { name: "M", subject_transforms: [{ src: "a.*", dest: "b.$2" }] }],
  sources: [[{ name: "S" }], [{ name: "S" }, { name: "S" }], [{ name: "" }], [{ name: "S", filter_subject: "x", subject_transforms: [{ src: "a", dest: "b" }] }]],
  sealed: [true],
  deny_delete: [true],
  deny_purge: [true],
  allow_rollup_hdrs: [true],
  allow_msg_ttl: [true],
  allow_msg_counter: [true],
  allow_atomic: [true],
  allow_msg_schedules: [true],
  subject_delete_marker_ttl: [-1, 100, S],
  discard_new_per_subject: [true],
  max_msgs_per_subject: [1, -1],
  persist_mode: ["async"],
  first_seq: [5],
  mirror_direct: [true],
  republish: [{ dest: "A" }, { src: "A", dest: "x.>" }, { src: ">", dest: "rp.>" }],
  subject_transform: [{ src: "a..", dest: "x" }, { src: "a.*", dest: "b.$2" }, { src: "a", dest: "b" }],
  description: ["d".repeat(4097)],
  placement: [{ preferred: "x" }, {}],
  no_ack: [true],
  pedantic: [true],
  template_owner: ["T"],
  metadata: [{ k: "x".repeat(131_072) }],
};

const CONSUMER_POOL: Pool = {
  durable_name: ["C", "D"],
  name: ["C", "a.b"],
  deliver_policy: ["last", "new", "by_start_sequence", "by_start_time", "last_per_subject"],
  opt_start_seq: [3],
  opt_start_time: ["2020-01-01T00:00:00Z"],
  ack_policy: ["explicit", "all"],
  ack_wait: [-1, S],
  max_deliver: [1, 3],
  backoff: [[S, 2 * S], [-1]],
  filter_subject: ["s.a", "s..a"],
  filter_subjects: [["s.a", "s.*"], ["s.a", ""], ["s.b"]],
  replay_policy: ["original"],
  rate_limit_bps: [100],
  sample_freq: ["x", "-5%"],
  max_waiting: [-1, 7],
  max_ack_pending: [-5, 10],
  flow_control: [true],
  headers_only: [true],
  max_batch: [-1, 5],
  max_expires: [5, S],
  deliver_subject: ["d", "d.*", "s.x"],
  idle_heartbeat: [50 * MS, S],
  inactive_threshold: [-1, 60 * S],
  num_replicas: [-1, 3],
  direct: [true],
  priority_groups: [["g"], [""], ["a b"]],
  priority_policy: ["overflow", "pinned_client"],
  priority_timeout: [S],
  description: ["d".repeat(4097)],
};

const W = mkStream({ name: "W", subjects: ["w.>"], retention: "workqueue" });

// NATSTS_E2E_RANDOM_SEED=<n> explores another table (same sizes); the default table is fixed.
const extra = Number(process.env["NATSTS_E2E_RANDOM_SEED"] ?? "0");
const seed = (base: number): number => (Number.isInteger(extra) && extra > 0 ? base * 7919 + extra : base);

export const RANDOM_CASES: DiffCase[] = [
  ...generate(STREAM_POOL, 250, seed(7), 0.18).map((cfg, i): DiffCase => ({
    name: `random stream create #${i}`,
    subject: "STREAM.CREATE.A",
    body: { name: "A", ...cfg },
  })),
  ...generate(STREAM_POOL, 120, seed(11), 0.15).map((cfg, i): DiffCase => ({
    name: `random stream update #${i}`,
    subject: "STREAM.UPDATE.A",
    body: { name: "A", ...cfg },
    setup: [mkStream({ name: "A", deny_delete: i % 3 === 0, allow_msg_ttl: i % 4 === 0, retention: i % 5 === 0 ? "workqueue" : "limits" })],
  })),
  ...generate(CONSUMER_POOL, 120, seed(17), 0.12).map((cfg, i): DiffCase => ({
    name: `random consumer update #${i}`,
    subject: "CONSUMER.CREATE.S.C",
    body: { stream_name: "S", config: { ...cfg, durable_name: "C" }, ...(i % 5 === 0 ? { action: "update" } : {}) },
    setup: [
      STREAM_S,
      i % 2 === 0
        ? { subject: "CONSUMER.CREATE.S.C", body: { stream_name: "S", config: { durable_name: "C", ack_policy: "explicit", filter_subject: "s.a" } } }
        : { subject: "CONSUMER.CREATE.S.C", body: { stream_name: "S", config: { durable_name: "C", deliver_subject: "dc", idle_heartbeat: S, flow_control: true } } },
    ],
  })),
  ...generate(CONSUMER_POOL, 250, seed(13), 0.15).map((cfg, i): DiffCase => {
    const workqueue = i % 4 === 3;
    const stream = workqueue ? "W" : "S";
    const named = i % 2 === 0;
    return {
      name: `random consumer #${i}`,
      subject: named ? `CONSUMER.CREATE.${stream}.C` : `CONSUMER.CREATE.${stream}`,
      body: { stream_name: stream, config: cfg, ...(i % 7 === 0 ? { pedantic: true } : {}) },
      setup: [workqueue ? W : STREAM_S],
    };
  }),
];

// Damaged JSON: every prefix of a request and single-byte substitutions, so the syntax errors
// (wording and offsets) and decode errors match Go's for whatever a client may send.
const DAMAGE_BASE = '{"name":"A","subjects":["a.*"],"max_age":-1e3,"sources":[{"name":"S","opt_start_time":"2020-01-01T00:00:00Z"}],"metadata":{"k":"v\\u00e9"},"sealed":false,"x":null}';
const SUBSTITUTES = ["}", "]", ",", ":", '"', "\\", "0", "-", "t", "n", " ", "{", "["];
const damaged: DiffCase[] = [];
for (let cut = 1; cut < DAMAGE_BASE.length; cut += 3) {
  damaged.push({ name: `damaged json: prefix of ${cut} bytes`, subject: "STREAM.CREATE.A", body: DAMAGE_BASE.slice(0, cut) });
}
const rnd = prng(seed(19));
for (let i = 0; i < 120; i++) {
  const at = Math.floor(rnd() * DAMAGE_BASE.length);
  const sub = SUBSTITUTES[Math.floor(rnd() * SUBSTITUTES.length)] ?? "}";
  damaged.push({ name: `damaged json: byte ${at} -> ${JSON.stringify(sub)} (#${i})`, subject: "STREAM.CREATE.A", body: DAMAGE_BASE.slice(0, at) + sub + DAMAGE_BASE.slice(at + 1) });
}
RANDOM_CASES.push(...damaged);

