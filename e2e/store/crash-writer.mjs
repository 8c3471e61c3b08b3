// Child process for e2e/store/crash.test.ts: writes to a file store (the built one, server/dist)
// and reports on stdout ONLY what the store has acknowledged as durable. The test kills it with
// SIGKILL at a random moment and checks that everything reported survived.
//
//   node crash-writer.mjs stream <dir> <seed> <publishers>
//     "ack <seq> <publisher> <n> <sha256>"  after append(...).durable resolved
//     "rm? <seq>" before removeFirst() of <seq>, "rm! <seq>" after the removal was synced
//   node crash-writer.mjs consumer <dir> <savers>
//     "ack <floor>"  after save() of a state with that ack floor resolved
//
// Stdout writes to a pipe are synchronous in Node on Linux: a printed line is out before the next
// statement runs, so a kill never loses a line printed before it (it may cut the last one short).

import { createHash } from "node:crypto";
import { openFileConsumerStore } from "../../server/dist/jetstream/store/consumerfile.js";
import { openFileStreamStore } from "../../server/dist/jetstream/store/filestore.js";

const [mode, dir, ...rest] = process.argv.slice(2);
const out = (line) => process.stdout.write(`${line}\n`);
const logger = (level, msg) => process.stderr.write(`[${level}] ${msg}\n`);

/** The payload of message n of publisher p (deterministic, varied lengths). */
function payload(seed, p, n) {
  const len = 1 + ((seed * 31 + p * 7919 + n * 104729) % 3000);
  const b = Buffer.allocUnsafe(len);
  let x = (seed ^ (p << 16) ^ n) >>> 0 || 1;
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

async function stream(seed, publishers) {
  const s = await openFileStreamStore(dir, { syncPolicy: "always", blockSize: 16 * 1024, logger });
  out(`ready ${s.state().lastSeq}`);
  const run = async (p) => {
    for (let n = 0; ; n++) {
      const data = payload(seed, p, n);
      const hdr = n % 5 === 0 ? Buffer.from(`NATS/1.0\r\nP: ${p}-${n}\r\n\r\n`) : null;
      const r = s.append(`pub.${p}`, hdr, data);
      await r.durable;
      out(`ack ${r.seq} ${p} ${n} ${createHash("sha256").update(data).digest("hex")}`);
    }
  };
  // Keeps the stream bounded like a max_msgs limit would, reporting what it removes.
  const limiter = async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      while (s.state().messages > 300) {
        const first = s.state().firstSeq;
        out(`rm? ${first}`);
        if (s.removeFirst() !== first) throw new Error("removeFirst did not remove the first sequence");
        await s.sync();
        out(`rm! ${first}`);
      }
    }
  };
  await Promise.all([...Array.from({ length: publishers }, (_, p) => run(p)), limiter()]);
}

async function consumer(savers) {
  const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger });
  let floor = c.load().ackFloor.consumerSeq;
  out(`ready ${floor}`);
  const run = async () => {
    for (;;) {
      const f = ++floor;
      const pending = new Map();
      for (let i = 1; i <= f % 40; i++) pending.set(f + i, { consumerSeq: f + i, ts: BigInt(f) });
      await c.save({
        delivered: { consumerSeq: f + 40, streamSeq: f + 40 },
        ackFloor: { consumerSeq: f, streamSeq: f },
        pending,
        redelivered: new Map([[f + 1, f % 7]]),
      });
      out(`ack ${f}`);
    }
  };
  await Promise.all(Array.from({ length: savers }, run));
}

if (mode === "stream") await stream(Number(rest[0]), Number(rest[1]));
else if (mode === "consumer") await consumer(Number(rest[0]));
else if (mode !== undefined) throw new Error(`unknown mode ${mode}`);
