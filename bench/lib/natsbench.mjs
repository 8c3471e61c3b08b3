// Driving `nats bench` (natscli 0.3 subcommands) and reading its figures.
//
// Its summary lines look like:
//   NATS Core NATS publisher stats: 6,470,429 msgs/sec ~ 99 MiB/sec ~ 0.15us
//   NATS Core NATS subscriber stats: 2,730,880 msgs/sec ~ 42 MiB/sec ~ 0.37us
//   NATS Core NATS subscriber aggregated stats: 4,627,324 msgs/sec ~ 71 MiB/sec     (--clients > 1)
// With several clients each `bench sub` client expects --msgs messages; the aggregated rate is
// (clients x msgs) / (last message of any client - first message of any client).
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { run, start, stop, waitFor, sleep } from "./procs.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The msgs/sec figure of a `nats bench` summary for `role` ("publisher", "subscriber", ...). */
export function parseRate(text, role) {
  const num = String.raw`([\d,]+(?:\.\d+)?) msgs/sec`;
  const who = role.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const agg = new RegExp(`${who} aggregated stats: ${num}`).exec(text);
  const one = new RegExp(`${who} stats: ${num}`).exec(text);
  const m = agg ?? one;
  if (!m) return NaN;
  return Number(m[1].replace(/,/g, ""));
}

export function tail(text, n = 3) {
  return text.trim().split("\n").slice(-n).join(" | ");
}

/** Runs `nats bench pub` to completion; resolves to { rate, seconds }. */
export async function benchPub(ctx, server, { subject, msgs, size, clients = 1, timeoutMs }) {
  const args = ["-s", server.url, "bench", "pub", subject, "--msgs", String(msgs), "--size", String(size)];
  args.push("--clients", String(clients), "--no-progress");
  const r = await run(ctx.cli, args, { timeoutMs });
  const text = r.stdout + r.stderr;
  const rate = parseRate(text, "publisher");
  if (r.code !== 0 || !Number.isFinite(rate)) {
    throw new Error(`nats bench pub failed (exit ${r.code ?? r.signal}): ${tail(text)}`);
  }
  return { rate, seconds: msgs / rate };
}

/** Number of subscriptions the server reports on its monitoring port (/subsz), or null. */
export async function subsCount(server) {
  if (!server.monitorUrl) return null;
  try {
    const res = await fetch(`${server.monitorUrl}/subsz`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return null;
    const body = await res.json();
    return typeof body.num_subscriptions === "number" ? body.num_subscriptions : null;
  } catch {
    return null;
  }
}

/**
 * Waits until `expected` more subscriptions than `baseline` exist, by polling /subsz; when the
 * server has no usable /subsz, waits a fixed half second instead.
 */
export async function settleSubscriptions(server, baseline, expected) {
  if (baseline === null) {
    await sleep(500);
    return;
  }
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const n = await subsCount(server);
    if (n === null) break;
    if (n >= baseline + expected) return;
    await sleep(25);
  }
  await sleep(300);
}

/** Starts a child and resolves once `count` lines matching `pattern` were printed (or rejects). */
export function startAndAwait(cmd, args, pattern, count, what, timeoutMs = 10_000) {
  let seen = 0;
  let settled = false;
  let resolveReady;
  let rejectReady;
  const ready = new Promise((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  const settle = (err) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (err) {
      stop(proc, "SIGKILL").finally(() => rejectReady(err));
    } else resolveReady();
  };
  const proc = start(cmd, args, {
    onLine: (line) => {
      if (pattern.test(line) && ++seen === count) settle();
    },
  });
  proc.exited.then(({ code, signal }) => {
    settle(new Error(`${what} exited early (exit ${code ?? signal}): ${tail(proc.out.stderr + proc.out.stdout)}`));
  });
  const timer = setTimeout(() => {
    settle(new Error(`${what} not ready within ${timeoutMs} ms: ${tail(proc.out.stderr + proc.out.stdout)}`));
  }, timeoutMs);
  return { proc, ready };
}

/** Extra messages published beyond what the subscribers wait for, covering a late subscription. */
export const margin = (msgs) => msgs + Math.ceil(msgs * 0.01);

/**
 * Core pub/sub with `nats bench sub --clients <subs>` (every subscriber receives every message)
 * fed by one `nats bench pub`. Resolves to the subscribers' aggregate { rate, seconds }.
 */
export async function benchPubSub(ctx, server, { subject, msgs, size, subs = 1, timeoutMs }) {
  const baseline = await subsCount(server);
  const subArgs = ["-s", server.url, "bench", "sub", subject, "--msgs", String(msgs), "--size", String(size)];
  subArgs.push("--clients", String(subs), "--no-progress");
  const sub = startAndAwait(ctx.cli, subArgs, /Starting Core NATS subscriber, expecting/, subs, "nats bench sub");
  try {
    await sub.ready;
    await settleSubscriptions(server, baseline, subs);
    const pub = benchPub(ctx, server, { subject, msgs: margin(msgs), size, timeoutMs });
    const [, exit] = await Promise.all([pub, waitFor(sub.proc, timeoutMs, "nats bench sub")]);
    const text = sub.proc.out.stdout + sub.proc.out.stderr;
    const rate = parseRate(text, "subscriber");
    if (exit.code !== 0 || !Number.isFinite(rate)) {
      throw new Error(`nats bench sub failed (exit ${exit.code ?? exit.signal}): ${tail(text)}`);
    }
    return { rate, seconds: (msgs * subs) / rate };
  } finally {
    await stop(sub.proc, "SIGKILL");
  }
}

/**
 * A queue group of `members` subscribers (bench/lib/qsub-worker.mjs; `nats bench sub` has no queue
 * option) fed by one `nats bench pub`. Resolves to the group's aggregate { rate, seconds, perMember }.
 */
export async function benchQueue(ctx, server, { subject, msgs, size, members = 4, timeoutMs }) {
  const worker = join(here, "qsub-worker.mjs");
  const args = [worker, server.url, subject, "benchq", String(members), String(msgs), String(timeoutMs)];
  const sub = startAndAwait(process.execPath, args, /^READY$/, 1, "queue subscribers");
  try {
    await sub.ready;
    const pub = benchPub(ctx, server, { subject, msgs: margin(msgs), size, timeoutMs });
    const [, exit] = await Promise.all([pub, waitFor(sub.proc, timeoutMs + 2000, "queue subscribers")]);
    const line = sub.proc.out.stdout.split("\n").find((l) => l.startsWith("{"));
    if (exit.code !== 0 || !line) {
      throw new Error(`queue subscribers failed (exit ${exit.code ?? exit.signal}): ${tail(sub.proc.out.stderr)}`);
    }
    const result = JSON.parse(line);
    return { rate: result.rate, seconds: result.seconds, perMember: result.perMember };
  } finally {
    await stop(sub.proc, "SIGKILL");
  }
}

/**
 * Request/reply latency: `nats bench service serve` answers (a Go responder, the same for both
 * servers; connected to `serveUrl`, by default the same server) and bench/lib/latency-worker.mjs (official Node client) sends sequential requests.
 * Resolves to { p50, p90, p99, mean, max, n } in microseconds.
 */
export async function requestLatency(ctx, server, { subject, requests, warmup, size, timeoutMs, serveUrl = server.url }) {
  const serveArgs = ["-s", serveUrl, "bench", "service", "serve", subject, "--no-progress"];
  const serve = startAndAwait(ctx.cli, serveArgs, /Starting Core NATS service server/, 1, "nats bench service serve");
  try {
    await serve.ready;
    const worker = join(here, "latency-worker.mjs");
    const args = [worker, server.url, subject, String(requests), String(warmup), String(size)];
    const r = await run(process.execPath, args, { timeoutMs });
    const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
    if (r.code !== 0 || !line) throw new Error(`latency client failed (exit ${r.code ?? r.signal}): ${tail(r.stderr)}`);
    return JSON.parse(line);
  } finally {
    await stop(serve.proc, "SIGTERM", 2000);
  }
}
