#!/usr/bin/env node
// Request/reply latency client for the benchmark (run as a child process, one per measurement):
//   node latency-worker.mjs <nats-url> <subject> <requests> <warmup> <payload-bytes>
// Uses the official @nats-io/transport-node client. Sends <warmup> requests (not measured; they also
// wait for the responder to appear), then <requests> sequential requests, timing each one with a
// monotonic clock, and prints one JSON line: {"n":N,"p50":us,"p90":us,"p99":us,"mean":us,"max":us}.
import { connect } from "@nats-io/transport-node";

const [url, subject, requestsArg, warmupArg, sizeArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const warmup = Number(warmupArg);
const payload = new Uint8Array(Number(sizeArg)).fill(0x61);

const nc = await connect({ servers: url, name: "bench-latency" });

// Wait (up to 5 s) until a responder answers: a "no responders" error means it is not subscribed yet.
const readyBy = Date.now() + 5000;
for (;;) {
  try {
    await nc.request(subject, payload, { timeout: 1000 });
    break;
  } catch (err) {
    if (Date.now() > readyBy) {
      process.stderr.write(`no reply on ${subject}: ${err?.message ?? err}\n`);
      process.exit(2);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
for (let i = 0; i < warmup; i++) await nc.request(subject, payload, { timeout: 5000 });

const samples = new Float64Array(requests);
for (let i = 0; i < requests; i++) {
  const t0 = process.hrtime.bigint();
  await nc.request(subject, payload, { timeout: 5000 });
  samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
await nc.close();

samples.sort();
const pct = (p) => samples[Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1))];
let sum = 0;
for (const s of samples) sum += s;
process.stdout.write(
  JSON.stringify({
    n: requests,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    mean: sum / requests,
    max: samples[samples.length - 1],
  }) + "\n",
);
