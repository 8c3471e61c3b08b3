#!/usr/bin/env node
// Durable push consumer for the JetStream benchmark (run as a child process, one per measurement):
//   node jspush-worker.mjs <nats-url> <stream> <consumer> <msgs> <max-ack-pending> <timeout-ms>
// natscli 0.3 has no push-consumer benchmark (its `bench js ordered` and `consume` are pull-based),
// hence this client (official @nats-io/transport-node core client, JetStream API spoken directly).
// It subscribes to a fresh inbox, creates a durable push consumer on <stream> delivering there
// (deliver all, explicit ack, at most <max-ack-pending> unacknowledged), acknowledges every message
// as it arrives, and stops after <msgs> messages. The consumer is deleted at the end.
// Prints one JSON line: {"n":N,"seconds":s,"rate":msgs/s,"redelivered":R} where seconds runs from
// the first to the last message.
import { connect, createInbox } from "@nats-io/transport-node";

const [url, stream, consumer, msgsArg, maxAckArg, timeoutArg] = process.argv.slice(2);
const msgs = Number(msgsArg);
const maxAckPending = Number(maxAckArg);
const timeoutMs = Number(timeoutArg);
const enc = new TextEncoder();
const dec = new TextDecoder();

function fail(text) {
  process.stderr.write(`${text}\n`);
  process.exit(2);
}

async function api(nc, subject, body) {
  const reply = await nc.request(subject, enc.encode(JSON.stringify(body)), { timeout: 10_000 });
  const json = JSON.parse(dec.decode(reply.data));
  if (json.error) throw new Error(`${subject}: ${json.error.description ?? JSON.stringify(json.error)} (${json.error.err_code ?? json.error.code})`);
  return json;
}

const watchdog = setTimeout(() => fail(`push consumer: timed out after ${timeoutMs} ms with ${received} of ${msgs} messages`), timeoutMs);
let received = 0;
let redelivered = 0;
let t0 = 0n;
let t1 = 0n;
let done;
const finished = new Promise((resolve) => (done = resolve));

const nc = await connect({ servers: url, name: "bench-js-push" });
const inbox = createInbox();
nc.subscribe(inbox, {
  callback: (err, m) => {
    if (err) fail(`push consumer subscription: ${err.message}`);
    if (!m.reply) return; // status messages (none are asked for)
    if (received >= msgs) {
      m.respond(); // late extras after the last counted message: acknowledged, not counted
      return;
    }
    // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>
    const tokens = m.reply.split(".");
    const delivered = Number(tokens[tokens.length - 5]);
    if (delivered > 1) redelivered++;
    m.respond(); // empty payload = +ACK
    if (received === 0) t0 = process.hrtime.bigint();
    if (++received === msgs) {
      t1 = process.hrtime.bigint();
      done();
    }
  },
});
await nc.flush(); // the subscription exists at the server before the consumer does

try {
  await api(nc, `$JS.API.CONSUMER.CREATE.${stream}.${consumer}`, {
    stream_name: stream,
    config: {
      durable_name: consumer,
      deliver_subject: inbox,
      deliver_policy: "all",
      ack_policy: "explicit",
      max_ack_pending: maxAckPending,
      replay_policy: "instant",
    },
  });
} catch (err) {
  fail(`creating the push consumer: ${err.message}`);
}

await finished;
clearTimeout(watchdog);
await nc.flush();
try {
  await api(nc, `$JS.API.CONSUMER.DELETE.${stream}.${consumer}`, {});
} catch (err) {
  process.stderr.write(`deleting the push consumer: ${err.message}\n`);
}
await nc.close();
const seconds = Number(t1 - t0) / 1e9;
process.stdout.write(JSON.stringify({ n: received, seconds, rate: received / seconds, redelivered }) + "\n");
