// Driving the JetStream benchmarks: `nats bench js ...` (natscli 0.3), a few `nats stream` /
// `nats consumer` management commands, and bench/lib/jspush-worker.mjs for push consumers.
//
// natscli's summary lines look like:
//   NATS JetStream synchronous publisher stats: 2,072 msgs/sec ~ 32 KiB/sec ~ 482.42us
//   NATS JetStream asynchronous publisher stats: 76,874 msgs/sec ~ 1.2 MiB/sec ~ 13.01us
//   NATS JetStream durable consumer (fetch) stats: 26,807 msgs/sec ~ 3.3 MiB/sec ~ 37.30us
//   NATS JetStream ordered ephemeral consumer stats: 126,015 msgs/sec ~ 15 MiB/sec ~ 7.94us
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseRate, tail } from "./natsbench.mjs";
import { run } from "./procs.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The telling line of a failed natscli command: its final "nats: error: ..." or else the last error-ish lines. */
const errorLine = (text) => {
  const lines = text
    .trim()
    .split("\n")
    .map((l) => l.replace(/^\d\d:\d\d:\d\d /, "").trim());
  const final = lines.filter((l) => l.startsWith("nats: error:"));
  if (final.length) return final[final.length - 1];
  const errs = lines.filter((l) => /error|timeout|timed out/i.test(l));
  return (errs.length ? errs.slice(-2).join(" | ") : tail(text)).trim();
};

/**
 * `nats bench js pub sync|async`: one publisher, `msgs` messages of `size` bytes on `subject`, into
 * `stream` (created first when missing: file storage, R1; `--create`). For "async", `window`
 * is natscli's `--batch`: the number of asynchronous publishes per batch. Resolves to { rate, seconds }.
 */
export async function jsPublish(ctx, server, { mode, stream, subject, msgs, size, window = 500, timeoutMs }) {
  const args = ["-s", server.url, "bench", "js", "pub", mode, subject, "--create", "--stream", stream];
  args.push("--storage", "file", "--replicas", "1", "--size", String(size), "--msgs", String(msgs), "--no-progress");
  if (mode === "async") args.push("--batch", String(window));
  const r = await run(ctx.cli, args, { timeoutMs });
  const text = r.stdout + r.stderr;
  const rate = parseRate(text, mode === "sync" ? "synchronous publisher" : "asynchronous publisher");
  if (r.code !== 0 || !Number.isFinite(rate)) {
    throw new Error(`nats bench js pub ${mode} failed (exit ${r.code ?? r.signal}): ${errorLine(text)}`);
  }
  return { rate, seconds: msgs / rate };
}

const CONSUMERS = {
  fetch: { command: "fetch", role: "durable consumer (fetch)" },
  ordered: { command: "ordered", role: "ordered ephemeral consumer" },
};

/**
 * `nats bench js fetch|ordered`: one client reads `msgs` messages of `stream` from its start.
 * fetch: natscli's durable pull consumer "nats-bench" (explicit acks, pulls of `batch`), deleted
 * before the run and created by natscli; ordered: an ordered ephemeral consumer. Resolves to { rate, seconds }.
 */
export async function jsConsume(ctx, server, { kind, stream, msgs, batch = 500, timeoutMs }) {
  const { command, role } = CONSUMERS[kind];
  // natscli reuses an existing "nats-bench" durable (and leaves it behind): without this the run
  // would continue where the previous one stopped and wait for messages that never come.
  if (kind === "fetch") await consumerRemove(ctx, server, stream, "nats-bench");
  const args = ["-s", server.url, "bench", "js", command, "--stream", stream, "--msgs", String(msgs)];
  args.push("--batch", String(batch), "--no-progress");
  let r;
  try {
    r = await run(ctx.cli, args, { timeoutMs });
  } catch (err) {
    if (kind === "fetch") await consumerRemove(ctx, server, stream, "nats-bench");
    throw err;
  }
  const text = r.stdout + r.stderr;
  const rate = parseRate(text, role);
  if (r.code !== 0 || !Number.isFinite(rate)) {
    if (kind === "fetch") await consumerRemove(ctx, server, stream, "nats-bench");
    throw new Error(`nats bench js ${command} failed (exit ${r.code ?? r.signal}): ${errorLine(text)}`);
  }
  return { rate, seconds: msgs / rate };
}

/**
 * A durable push consumer (bench/lib/jspush-worker.mjs): deliver all, explicit acks, each message
 * acknowledged on arrival; reads `msgs` messages of `stream`. Resolves to { rate, seconds, redelivered }.
 */
export async function jsPush(ctx, server, { stream, consumer, msgs, maxAckPending = 1000, timeoutMs }) {
  const worker = join(here, "jspush-worker.mjs");
  // The worker's own limit comes first so that it can say how far it got.
  const inner = Math.max(5000, timeoutMs - 3000);
  const args = [worker, server.url, stream, consumer, String(msgs), String(maxAckPending), String(inner)];
  let r;
  try {
    r = await run(process.execPath, args, { timeoutMs });
  } catch (err) {
    await consumerRemove(ctx, server, stream, consumer);
    throw err;
  }
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.code !== 0 || !line) {
    await consumerRemove(ctx, server, stream, consumer);
    throw new Error(`push consumer failed (exit ${r.code ?? r.signal}): ${tail(r.stderr)}`);
  }
  const result = JSON.parse(line);
  return { rate: result.rate, seconds: result.seconds, redelivered: result.redelivered };
}

/** Messages in `stream` (`nats stream info --json`). */
export async function streamMessages(ctx, server, stream) {
  const r = await run(ctx.cli, ["-s", server.url, "stream", "info", stream, "--json"], { timeoutMs: 15_000 });
  const text = r.stdout + r.stderr;
  if (r.code !== 0) throw new Error(`nats stream info ${stream} failed (exit ${r.code ?? r.signal}): ${errorLine(text)}`);
  const info = JSON.parse(r.stdout);
  return info?.state?.messages ?? 0;
}

/** Deletes a stream; best effort (returns an error text or null). */
export async function streamRemove(ctx, server, stream) {
  try {
    const r = await run(ctx.cli, ["-s", server.url, "stream", "rm", "-f", stream], { timeoutMs: 15_000 });
    return r.code === 0 ? null : errorLine(r.stdout + r.stderr);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Deletes a consumer; best effort (a consumer left over from a failed run would skew the next). */
export async function consumerRemove(ctx, server, stream, consumer) {
  try {
    const r = await run(ctx.cli, ["-s", server.url, "consumer", "rm", "-f", stream, consumer], { timeoutMs: 15_000 });
    return r.code === 0 ? null : errorLine(r.stdout + r.stderr);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
