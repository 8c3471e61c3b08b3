// Crash safety of a real natsts server: JetStream with file storage and the default sync policy
// (fsync before the PubAck). A child process (crash-publisher.mjs) publishes from several concurrent
// publishers and consumes with a durable pull consumer that acknowledges with AckSync, printing only
// what the server confirmed. The server is SIGKILLed at a random (seeded) moment, restarted on the same
// store directory, and checked:
//   - every acknowledged message is there, byte for byte (subject, payload hash, header), read back with
//     STREAM.MSG.GET;
//   - the stream has no gaps (nothing is ever deleted here): first_seq 1, messages = last_seq,
//     num_deleted 0, and last_seq is at least the highest acknowledged sequence;
//   - the durable consumer's ack floor is never below the last ack the server confirmed, and it never
//     delivers a message at or below that confirmed floor again.
// NATSTS_CRASH_SEED changes the seed.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AckPolicy, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { mulberry32, stderrTail, storeDir } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const publisherScript = join(here, "crash-publisher.mjs");
const SEED = Number(process.env["NATSTS_CRASH_SEED"] ?? 0xc7a5);
const ITERATIONS = 20;
const PUBLISHERS = 4;
const store = storeDir("js-crash");

afterAll(async () => {
  await stopAll();
  store.remove();
});

interface Acked {
  readonly subject: string;
  readonly hash: string;
  readonly header: string | undefined;
  readonly iteration: number;
}

interface ChildOutput {
  readonly lines: string[];
  readonly stderr: string;
}

/** Runs the publisher against `srv`; SIGKILLs the server `killAfterMs` after the child is ready, then the child. */
function runAndCrash(srv: ServerProcess, iteration: number, killAfterMs: number): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [publisherScript, srv.url, String(SEED), String(iteration), String(PUBLISHERS)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let armed = false;
    const safety = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`iteration ${iteration}: the publisher never became ready\n${err}`));
    }, 10_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      if (!armed && out.startsWith("ready\n")) {
        armed = true;
        clearTimeout(safety);
        setTimeout(() => {
          srv.kill("SIGKILL");
          // Give lines already written before the server died a moment to reach us, then stop the child.
          void srv.exited.then(() => setTimeout(() => child.kill("SIGKILL"), 50));
        }, killAfterMs);
      }
    });
    child.stderr.on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(safety);
      const lines = out.split("\n");
      lines.pop(); // a last line may be cut short by the kill
      resolve({ lines, stderr: err });
    });
  });
}

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

async function start(iteration: number): Promise<ServerProcess> {
  return startServer("natsts", { args: ["-js", "-sd", store.dir], name: `natsts-crash-${iteration}`, startTimeoutMs: 20_000 });
}

/** Checks that every message in `seqs` is stored as acknowledged (64 requests in flight). */
async function verifyMessages(jsm: JetStreamManager, acked: Map<number, Acked>, seqs: readonly number[], when: string): Promise<void> {
  const problems: string[] = [];
  for (let i = 0; i < seqs.length; i += 64) {
    const chunk = seqs.slice(i, i + 64);
    const got = await Promise.all(chunk.map(async (seq) => ({ seq, m: await jsm.streams.getMessage("CRASH", { seq }) })));
    for (const { seq, m } of got) {
      const want = acked.get(seq);
      if (want === undefined) continue;
      if (m === null) {
        problems.push(`seq ${seq} (acked in iteration ${want.iteration}) is missing`);
        continue;
      }
      if (m.subject !== want.subject) problems.push(`seq ${seq}: subject ${m.subject}, acked ${want.subject}`);
      if (sha(m.data) !== want.hash) problems.push(`seq ${seq}: payload differs (${m.data.length} bytes)`);
      const h = m.header.get("X-Crash");
      if ((h === "" ? undefined : h) !== want.header) problems.push(`seq ${seq}: header X-Crash ${JSON.stringify(h)}, acked ${JSON.stringify(want.header)}`);
    }
  }
  expect(problems, `${when}: ${problems.length} acknowledged message(s) wrong`).toEqual([]);
}

describe("crash safety of natsts JetStream (SIGKILL under publish load)", () => {
  test(`${ITERATIONS} kills: acknowledged messages and confirmed consumer acks survive`, { timeout: 120_000 }, async () => {
    const rnd = mulberry32(SEED);
    const acked = new Map<number, Acked>();
    // Stream sequences whose ack the server confirmed; the confirmed floor is the highest F with all of
    // 1..F confirmed (the consumer delivers every message of the stream, in order, one at a time).
    const confirmed = new Set<number>();
    let confirmedFloor = 0;
    let deliveries = 0;
    const floors: number[] = [];
    let srv = await start(0);
    let nc: NatsConnection = await connect({ servers: srv.url });
    let jsm = await jetstreamManager(nc, { timeout: 5000 });
    await jsm.streams.add({ name: "CRASH", subjects: ["crash.>"] });
    await jsm.consumers.add("CRASH", { durable_name: "D", ack_policy: AckPolicy.Explicit, ack_wait: 2_000_000_000 });
    await nc.close();

    for (let it = 0; it < ITERATIONS; it++) {
      const killAfter = 30 + Math.floor(rnd() * 450);
      const run = await runAndCrash(srv, it, killAfter);
      await srv.stop();
      const fresh: number[] = [];
      for (const line of run.lines) {
        const f = line.split(" ");
        if (f[0] === "ack") {
          const seq = Number(f[1]);
          const p = Number(f[2]);
          const n = Number(f[3]);
          expect(acked.has(seq), `iteration ${it}: sequence ${seq} acknowledged twice`).toBe(false);
          acked.set(seq, { subject: `crash.${p}`, hash: f[4] ?? "", header: n % 7 === 0 ? `${it}-${p}-${n}` : undefined, iteration: it });
          fresh.push(seq);
        } else if (f[0] === "dlv") {
          deliveries++;
          const seq = Number(f[1]);
          expect(confirmed.has(seq), `iteration ${it}: consumer D redelivered ${seq}, whose ack the server had confirmed (confirmed floor ${confirmedFloor})`)
            .toBe(false);
        } else if (f[0] === "cack") {
          confirmed.add(Number(f[1]));
          while (confirmed.has(confirmedFloor + 1)) confirmedFloor++;
        }
      }

      srv = await start(it + 1).catch((err: unknown) => {
        throw new Error(`iteration ${it}: natsts did not restart after SIGKILL: ${err instanceof Error ? err.message : String(err)}`);
      });
      nc = await connect({ servers: srv.url });
      jsm = await jetstreamManager(nc, { timeout: 5000 });
      const st = (await jsm.streams.info("CRASH")).state;
      const maxAcked = Math.max(0, ...acked.keys());
      const where = `after kill ${it + 1} (killed ${killAfter} ms after the publisher started; ${fresh.length} new acks)`;
      expect(st.last_seq, `${where}: last_seq below the highest acknowledged sequence\n${stderrTail(srv)}`).toBeGreaterThanOrEqual(maxAcked);
      expect({ first_seq: st.first_seq, messages: st.messages, num_deleted: st.num_deleted ?? 0 }, `${where}: the stream has gaps`)
        .toEqual({ first_seq: st.last_seq === 0 ? 0 : 1, messages: st.last_seq, num_deleted: 0 });
      await verifyMessages(jsm, acked, fresh, where);
      const ci = await jsm.consumers.info("CRASH", "D");
      expect(ci.ack_floor.stream_seq, `${where}: consumer ack floor below the last confirmed ack`).toBeGreaterThanOrEqual(confirmedFloor);
      expect(ci.delivered.stream_seq).toBeGreaterThanOrEqual(ci.ack_floor.stream_seq);
      // The floor the server reported is confirmed too (acks processed whose confirmation the kill lost).
      confirmedFloor = Math.max(confirmedFloor, ci.ack_floor.stream_seq);
      while (confirmed.has(confirmedFloor + 1)) confirmedFloor++;
      floors.push(ci.ack_floor.stream_seq);
      await nc.close();
    }

    // Everything ever acknowledged, once more, after the last restart.
    nc = await connect({ servers: srv.url });
    jsm = await jetstreamManager(nc, { timeout: 5000 });
    await verifyMessages(jsm, acked, [...acked.keys()].sort((a, b) => a - b), "final check");
    await nc.close();
    await srv.stop();

    expect(acked.size, "the publishers must have had a fair number of messages acknowledged").toBeGreaterThan(200);
    expect(confirmedFloor, `the consumer must have confirmed acks (floors after each restart: ${floors.join(" ")})`).toBeGreaterThan(100);
    expect(deliveries).toBeGreaterThan(20);
  });
});
