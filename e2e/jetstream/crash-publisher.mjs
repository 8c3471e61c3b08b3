// Child process of e2e/jetstream/crash.test.ts: publishes into the stream CRASH from several concurrent
// publishers (one connection each) and consumes with the durable pull consumer D, reporting on stdout
// only what the server has confirmed:
//
//   node crash-publisher.mjs <url> <seed> <iteration> <publishers>
//     "ready"                                  connected
//     "ack <seq> <publisher> <n> <sha256>"     after the PubAck for message n of a publisher arrived
//     "dlv <stream seq> <delivery count>"      a delivery of consumer D was received
//     "cack <stream seq>"                      after the server confirmed the ack (AckSync) of a delivery
//
// The payload of message n of publisher p in an iteration is deterministic (see payload()); every
// seventh message carries a header X-Crash: <iteration>-<p>-<n>. Stdout writes to a pipe are
// synchronous in Node on Linux, so a line is out before the next statement runs.
import { createHash } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import { connect, headers } from "@nats-io/transport-node";

const [url, seedText, iterText, pubsText] = process.argv.slice(2);
const seed = Number(seedText);
const iteration = Number(iterText);
const publishers = Number(pubsText);
const out = (line) => process.stdout.write(`${line}\n`);

function payload(s, it, p, n) {
  const len = 1 + ((s * 31 + it * 131 + p * 7919 + n * 104729) % 2000);
  const b = Buffer.allocUnsafe(len);
  let x = (s ^ (it << 20) ^ (p << 16) ^ n) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const opts = { servers: url, reconnect: false, timeout: 5000 };
const conns = await Promise.all(Array.from({ length: publishers + 1 }, () => connect(opts)));
out("ready");

async function publisher(p) {
  const js = jetstream(conns[p], { timeout: 5000 });
  for (let n = 0; ; n++) {
    const data = payload(seed, iteration, p, n);
    const o = {};
    if (n % 7 === 0) {
      const h = headers();
      h.set("X-Crash", `${iteration}-${p}-${n}`);
      o.headers = h;
    }
    const pa = await js.publish(`crash.${p}`, data, o);
    out(`ack ${pa.seq} ${p} ${n} ${createHash("sha256").update(data).digest("hex")}`);
  }
}

async function consumer() {
  const js = jetstream(conns[publishers], { timeout: 5000 });
  const c = await js.consumers.get("CRASH", "D");
  for (;;) {
    const m = await c.next({ expires: 1000 });
    if (m === null) continue;
    out(`dlv ${m.seq} ${m.info.deliveryCount}`);
    if (await m.ackAck({ timeout: 3000 })) out(`cack ${m.seq}`);
  }
}

// The server is killed under us: every loop ends with an error then, which is expected; stay alive
// (quietly) until the test kills this process.
const loops = [...Array.from({ length: publishers }, (_, p) => publisher(p)), consumer()];
for (const l of loops) {
  l.catch((err) => process.stderr.write(`loop ended: ${err instanceof Error ? err.message : String(err)}\n`));
}
setInterval(() => undefined, 1000);
