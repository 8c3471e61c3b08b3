// JetStream scenarios (issue #3). Each runs against three servers, alternating rounds: natsts with its
// default (fsync before each PubAck, group commit), nats-server with its default (lazy fsync,
// sync_interval 2 min) and nats-server with `jetstream { sync_interval: always }`. Every server gets
// its own new, empty store directory (removed when it stops), all on the same filesystem.
//
// Publishing: every measured run publishes into a new stream (file storage, R1) that is deleted
// afterwards, so runs do not see each other's data.
// Consuming: the servers of the consume scenarios (shared by them) hold one stream, BENCHFILL, filled
// with 16 B messages before the measurements (not measured) and topped up when a calibration asks for
// more; every run reads from the start of that stream through a new consumer. The nats-server with
// sync_interval always is filled while running with its default setting and restarted with
// `always` on the same store before it is measured: at ~4-5k fsync'd msgs/s its own fill would take
// minutes, and how a stream was written does not change how it is read.
import { throughput } from "./core.mjs";
import { jsConsume, jsPublish, jsPush, streamMessages, streamRemove } from "../lib/jsbench.mjs";

const SIZE = 16;
const WINDOW = 500;
const PULL_BATCH = 500;
const PUSH_MAX_ACK_PENDING = 1000;

/** Targets of issue #3: every JetStream figure ≥ 1.0× nats-server with sync_interval always. */
const vsAlways = (what) => ({ vs: "always", op: ">=", ratio: 1, text: `${what} ≥ 1.0× nats-server sync_interval always`, issue: 3 });
const vsDefault = (what, ratio) => ({ vs: "reference", op: ">=", ratio, text: `${what} ≥ ${ratio}× nats-server default`, issue: 3 });

const JS = { sides: "jetstream", jetstream: true };

let streamSerial = 0;

/** One publish measurement into a fresh stream, deleted afterwards. */
async function publishOnce(ctx, server, mode, msgs, timeoutMs) {
  const n = ++streamSerial;
  const stream = `BENCH_${mode.toUpperCase()}_${n}`;
  try {
    return await jsPublish(ctx, server, { mode, stream, subject: `bench.js.${mode}.${n}`, msgs, size: SIZE, window: WINDOW, timeoutMs });
  } finally {
    const err = await streamRemove(ctx, server, stream);
    if (err) ctx.log(`  (${server.label}: deleting stream ${stream} failed: ${err})`);
  }
}

const FILL_STREAM = "BENCHFILL";
const FILL_SUBJECT = "bench.js.fill";
/** Smallest top-up, so that calibration steps do not cause many small fills. */
const FILL_MIN = 20_000;

/**
 * Makes sure the consume stream of this server holds at least `msgs` messages (publishing the
 * difference asynchronously; not measured). The nats-server `always` flavour is restarted with its
 * default setting for the fill and back with `always` afterwards.
 */
async function ensureFilled(ctx, server, msgs) {
  server.jsFill ??= { count: 0 };
  if (server.jsFill.count >= msgs) return;
  const add = Math.max(FILL_MIN, msgs - server.jsFill.count);
  const measuredSync = server.jsSync;
  const t0 = Date.now();
  if (measuredSync === "always") await server.restart({ jsSync: "default" });
  try {
    await jsPublish(ctx, server, {
      mode: "async",
      stream: FILL_STREAM,
      subject: FILL_SUBJECT,
      msgs: add,
      size: SIZE,
      window: WINDOW,
      timeoutMs: 30_000 + add, // ≥ 1,000 msgs/s plus slack
    });
    server.jsFill.count = await streamMessages(ctx, server, FILL_STREAM);
  } catch (err) {
    throw new Error(`filling stream ${FILL_STREAM}: ${err instanceof Error ? err.message : err}`);
  } finally {
    if (measuredSync === "always") await server.restart({ jsSync: "always" });
  }
  if (server.jsFill.count < msgs) {
    throw new Error(`stream ${FILL_STREAM} holds ${server.jsFill.count} messages after the fill, ${msgs} needed`);
  }
  ctx.log(
    `  (${server.label}: ${FILL_STREAM} filled to ${server.jsFill.count.toLocaleString("en-US")} msgs in ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s${measuredSync === "always" ? ", restarted with sync_interval always" : ""})`,
  );
}

let consumerSerial = 0;

export const jetstreamScenarios = [
  throughput({
    ...JS,
    pool: "js-publish",
    id: "js-pub-sync",
    title: "JetStream publish, synchronous (one publisher waits for each PubAck), 16 B: msgs/s",
    label: "JetStream publish sync 16 B",
    targets: [vsAlways("JetStream publish sync")],
    calibration: 500,
    min: 500,
    max: 500_000,
    measure: (ctx, server, msgs, timeoutMs) => publishOnce(ctx, server, "sync", msgs, timeoutMs),
  }),
  throughput({
    ...JS,
    pool: "js-publish",
    id: "js-pub-async",
    title: `JetStream publish, asynchronous in batches of ${WINDOW} (nats bench js pub async --batch ${WINDOW}), 16 B: msgs/s`,
    label: `JetStream publish async (window ${WINDOW}) 16 B`,
    targets: [vsAlways("JetStream publish async"), vsDefault("JetStream publish async", 0.5)],
    calibration: 5_000,
    min: 2_000,
    max: 2_000_000,
    measure: (ctx, server, msgs, timeoutMs) => publishOnce(ctx, server, "async", msgs, timeoutMs),
  }),
  throughput({
    ...JS,
    pool: "js-consume",
    id: "js-fetch",
    title: `JetStream consume, pull (nats bench js fetch: durable, explicit acks, batches of ${PULL_BATCH}) from a pre-filled stream, 16 B: msgs/s`,
    label: `JetStream consume pull fetch (batch ${PULL_BATCH})`,
    targets: [vsAlways("JetStream consume pull fetch")],
    what: "read",
    calibration: 20_000,
    min: 5_000,
    max: 1_000_000,
    sized: ensureFilled,
    measure: async (ctx, server, msgs, timeoutMs) => {
      await ensureFilled(ctx, server, msgs);
      return jsConsume(ctx, server, { kind: "fetch", stream: FILL_STREAM, msgs, batch: PULL_BATCH, timeoutMs });
    },
  }),
  throughput({
    ...JS,
    pool: "js-consume",
    id: "js-push",
    title: `JetStream consume, durable push consumer (explicit ack of every message, max_ack_pending ${PUSH_MAX_ACK_PENDING}; Node client) from a pre-filled stream, 16 B: msgs/s`,
    label: "JetStream consume durable push",
    targets: [vsAlways("JetStream consume durable push")],
    what: "read",
    calibration: 20_000,
    min: 5_000,
    max: 1_000_000,
    sized: ensureFilled,
    measure: async (ctx, server, msgs, timeoutMs) => {
      await ensureFilled(ctx, server, msgs);
      const consumer = `BENCH_PUSH_${++consumerSerial}`;
      return jsPush(ctx, server, { stream: FILL_STREAM, consumer, msgs, maxAckPending: PUSH_MAX_ACK_PENDING, timeoutMs });
    },
  }),
  throughput({
    ...JS,
    pool: "js-consume",
    id: "js-ordered",
    title: "JetStream consume, ordered consumer (nats bench js ordered; pull-based in natscli 0.3) from a pre-filled stream, 16 B: msgs/s",
    label: "JetStream consume ordered",
    targets: [vsAlways("JetStream consume ordered")],
    what: "read",
    calibration: 20_000,
    min: 5_000,
    max: 1_000_000,
    sized: ensureFilled,
    measure: async (ctx, server, msgs, timeoutMs) => {
      await ensureFilled(ctx, server, msgs);
      return jsConsume(ctx, server, { kind: "ordered", stream: FILL_STREAM, msgs, batch: PULL_BATCH, timeoutMs });
    },
  }),
];

