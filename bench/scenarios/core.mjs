// Core NATS scenarios (issue #2). A scenario is a plain object:
//   id          name for `--only`
//   title       one line for `--list`
//   figures     [{ key, label, unit, better: "higher"|"lower", target? }]; `run` returns { [key]: number }
//   serverArgs  extra server flags (e.g. ["-js"]); scenarios with equal serverArgs share a server pair
//   fresh       true: a new server is started for every run (and stopped after it)
//   check(ctx)  optional; throws when the scenario cannot run on this machine
//   prepare(ctx, server) optional, once per server before the rounds (calibration, warm-up); returns state
//   run(ctx, server, state)  one measurement
//   describe(state, ctx) optional, words for the report (e.g. the message count chosen)
//   sides       "core" (default: natsts vs nats-server) or "jetstream" (natsts vs nats-server default
//               vs nats-server with sync_interval always); each kind gets its own table
//   jetstream   true: the servers run JetStream, each on a new, empty store directory
//   pool        optional name: scenarios with the same pool (and flavour) share a server
// target: { op: ">=" | "<=", ratio, text } compares the ratio subject/reference of the medians
// (issue #2); targets: [{ vs: side key ("reference", "always"), op, ratio, text, issue }].
import { benchPub, benchPubSub, benchQueue, requestLatency } from "../lib/natsbench.mjs";
import { openIdle } from "../lib/idle.mjs";
import { openFilesLimit, rssKb } from "../lib/servers.mjs";
import { sleep } from "../lib/procs.mjs";

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const round = (n) => {
  // 2 significant digits keep the chosen counts readable (e.g. 4,300,000).
  const p = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / p) * p;
};

/**
 * A throughput scenario measured with a message count sized per server so that one run lasts
 * about ctx.targetSeconds: a calibration run (repeated once bigger when it was too short to be
 * meaningful) doubles as warm-up.
 */
export function throughput({ id, title, label, target, targets, calibration, min, max, measure, sized, what, ...rest }) {
  return {
    id,
    title,
    figures: [{ key: "rate", label, unit: "msgs/s", better: "higher", target, targets }],
    ...rest,
    async prepare(ctx, server) {
      // measure() reports the duration of its measured window; counts scale linearly with it.
      let msgs = calibration;
      let r = await measure(ctx, server, msgs, ctx.timeoutFor(null));
      if (r.seconds < 0.4) {
        msgs = clamp(round((msgs * 0.8) / r.seconds), min, max);
        r = await measure(ctx, server, msgs, ctx.timeoutFor(null));
      }
      const secondsPerMsg = r.seconds / msgs;
      const state = { msgs: clamp(round(ctx.targetSeconds / secondsPerMsg), min, max), secondsPerMsg };
      // Optional set-up once the count is known (e.g. filling a stream to read from); not measured.
      if (sized) await sized(ctx, server, state.msgs);
      return state;
    },
    async run(ctx, server, state) {
      const r = await measure(ctx, server, state.msgs, ctx.timeoutFor(state.msgs * state.secondsPerMsg));
      return { rate: r.rate };
    },
    describe: (state) => `${state.msgs.toLocaleString("en-US")} msgs ${what ?? "published"} per run`,
  };
}

const THROUGHPUT_TARGET = (what) => ({ op: ">=", ratio: 0.5, text: `${what} ≥ 0.5× nats-server msgs/s` });

export const coreScenarios = [
  throughput({
    id: "pub-16",
    title: "pub-only, 16 B payload (no subscribers): publisher msgs/s",
    label: "pub-only 16 B",
    target: THROUGHPUT_TARGET("pub-only 16 B"),
    calibration: 300_000,
    min: 100_000,
    max: 40_000_000,
    measure: (ctx, server, msgs, timeoutMs) =>
      benchPub(ctx, server, { subject: "bench.pub16", msgs, size: 16, timeoutMs }),
  }),
  throughput({
    id: "pub-1k",
    title: "pub-only, 1 KB payload (no subscribers): publisher msgs/s",
    label: "pub-only 1 KB",
    calibration: 100_000,
    min: 50_000,
    max: 10_000_000,
    measure: (ctx, server, msgs, timeoutMs) =>
      benchPub(ctx, server, { subject: "bench.pub1k", msgs, size: 1024, timeoutMs }),
  }),
  throughput({
    id: "pubsub-16",
    title: "pub/sub 1:1, 16 B: subscriber msgs/s",
    label: "pub/sub 1:1 16 B, subscriber rate",
    target: THROUGHPUT_TARGET("pub/sub 16 B"),
    calibration: 200_000,
    min: 50_000,
    max: 20_000_000,
    measure: (ctx, server, msgs, timeoutMs) =>
      benchPubSub(ctx, server, { subject: "bench.pubsub16", msgs, size: 16, subs: 1, timeoutMs }),
  }),
  throughput({
    id: "fanout-16",
    title: "fan-out 1 publisher → 4 subscribers, 16 B: aggregate subscriber msgs/s",
    label: "fan-out 1→4 16 B, aggregate subscriber rate",
    calibration: 100_000,
    min: 25_000,
    max: 10_000_000,
    measure: (ctx, server, msgs, timeoutMs) =>
      benchPubSub(ctx, server, { subject: "bench.fanout16", msgs, size: 16, subs: 4, timeoutMs }),
  }),
  throughput({
    id: "queue-16",
    title: "queue group of 4 subscribers, 16 B: aggregate msgs/s received by the group",
    label: "queue group of 4, 16 B, aggregate rate",
    calibration: 200_000,
    min: 50_000,
    max: 20_000_000,
    measure: (ctx, server, msgs, timeoutMs) =>
      benchQueue(ctx, server, { subject: "bench.queue16", msgs, size: 16, members: 4, timeoutMs }),
  }),
  {
    id: "reqrep",
    title: "request/reply latency, 16 B, sequential requests (Node client, Go responder): p50 / p99",
    figures: [
      {
        key: "p50",
        label: "request/reply latency p50",
        unit: "µs",
        better: "lower",
        target: { op: "<=", ratio: 2, text: "request/reply p50 ≤ 2× nats-server" },
      },
      { key: "p99", label: "request/reply latency p99", unit: "µs", better: "lower" },
    ],
    async prepare(ctx, server) {
      // Warm-up (JIT, buffers) of both ends; not measured.
      await requestLatency(ctx, server, {
        subject: "bench.rr",
        requests: 1000,
        warmup: 200,
        size: 16,
        timeoutMs: 60_000,
      });
      return { requests: ctx.latencyRequests };
    },
    async run(ctx, server, state) {
      const r = await requestLatency(ctx, server, {
        subject: "bench.rr",
        requests: state.requests,
        warmup: 200,
        size: 16,
        timeoutMs: 60_000,
      });
      return { p50: r.p50, p99: r.p99 };
    },
    describe: (state) => `${state.requests.toLocaleString("en-US")} sequential requests per run`,
  },
  {
    id: "idle-rss",
    title: "server RSS with idle client connections (fresh server per run): before, after, per connection",
    fresh: true,
    figures: [
      { key: "before", label: "RSS before connections", unit: "KB", better: "lower" },
      { key: "after", label: "RSS with idle connections", unit: "KB", better: "lower" },
      {
        key: "perConn",
        label: "RSS per idle connection",
        unit: "KB",
        better: "lower",
        target: { op: "<=", ratio: 3, text: "RSS per idle connection ≤ 3× nats-server" },
      },
    ],
    check(ctx) {
      const limit = openFilesLimit();
      // The client side holds one descriptor per connection and so does the server; the servers are
      // measured one after the other, so 2 × connections plus headroom is needed.
      const needed = Math.max(4500, ctx.idleConnections * 2 + 500);
      if (!(limit >= needed)) {
        throw new Error(
          `the open-files limit is ${limit}, below the ${needed} needed for ${ctx.idleConnections} idle ` +
            `connections: raise it (e.g. \`ulimit -n 8192\` in the shell that runs \`make bench\`)`,
        );
      }
    },
    async run(ctx, server) {
      await sleep(1000); // let start-up allocation settle
      const before = rssKb(server.pid);
      const idle = await openIdle(server.url, ctx.idleConnections, { parallel: 100, timeoutMs: 15_000 });
      try {
        await sleep(2000);
        const open = idle.stillOpen();
        if (open !== ctx.idleConnections) {
          throw new Error(`${ctx.idleConnections - open} idle connections were closed by the server`);
        }
        const after = rssKb(server.pid);
        return { before, after, perConn: (after - before) / ctx.idleConnections };
      } finally {
        idle.close();
      }
    },
    describe: (_state, ctx) => `${ctx.idleConnections.toLocaleString("en-US")} raw TCP connections (CONNECT + PING, then idle ~2 s)`,
  },
];
