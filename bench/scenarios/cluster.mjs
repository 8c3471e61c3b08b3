// Cluster scenarios (issue #4): three servers of each kind in a full mesh on 127.0.0.1 (distinct
// ports; bench/lib/cluster.mjs), messages crossing routes. Fan-out: `nats bench pub` on server 1,
// one `nats bench sub` on each of servers 2 and 3. Latency: a responder on server 2, sequential
// requests from server 1 (each request and its reply cross a route).
import { benchClusterFanout, clusterArgs, clusterOf } from "../lib/cluster.mjs";
import { requestLatency } from "../lib/natsbench.mjs";
import { throughput } from "./core.mjs";

const POOL = "cluster3";

export const clusterScenarios = [
  throughput({
    id: "cluster-fanout-16",
    title: "3-server cluster, 16 B: pub on server 1, a subscriber on each of servers 2 and 3 (msgs/s received, both together)",
    label: "cluster fan-out 16 B",
    targets: [{ vs: "reference", op: ">=", ratio: 0.5, text: "cluster throughput ≥ 0.5× nats-server msgs/s", issue: 4 }],
    serverArgs: clusterArgs,
    pool: POOL,
    calibration: 200_000,
    min: 50_000,
    max: 20_000_000,
    what: "published (each received on 2 other servers)",
    measure: async (ctx, server, msgs, timeoutMs) => {
      const [s1, s2, s3] = await clusterOf(server);
      return benchClusterFanout(ctx, s1, [s2, s3], { subject: "bench.cluster16", msgs, size: 16, timeoutMs });
    },
  }),
  {
    id: "cluster-rr",
    title: "3-server cluster: request/reply latency, requester on server 1, responder on server 2 (µs)",
    serverArgs: clusterArgs,
    pool: POOL,
    figures: [
      { key: "p50", label: "cluster request/reply latency p50", unit: "µs", better: "lower" },
      { key: "p99", label: "cluster request/reply latency p99", unit: "µs", better: "lower" },
    ],
    async prepare(ctx, server) {
      const [s1, s2] = await clusterOf(server);
      // Warm-up (JIT, buffers) of both servers and the route; not measured.
      await requestLatency(ctx, s1, { subject: "bench.crr", requests: 1000, warmup: 200, size: 16, timeoutMs: 60_000, serveUrl: s2.url });
      return { requests: ctx.latencyRequests };
    },
    async run(ctx, server, state) {
      const [s1, s2] = await clusterOf(server);
      const r = await requestLatency(ctx, s1, {
        subject: "bench.crr",
        requests: state.requests,
        warmup: 200,
        size: 16,
        timeoutMs: 60_000,
        serveUrl: s2.url,
      });
      return { p50: r.p50, p99: r.p99 };
    },
    describe: (state) => `${state.requests.toLocaleString("en-US")} sequential requests per run across a route`,
  },
];
