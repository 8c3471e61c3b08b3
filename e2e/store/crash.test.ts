// Crash safety of the file stores: a child process (crash-writer.mjs, running the built store from
// server/dist) writes and prints only what was acknowledged as durable; we SIGKILL it at a random
// (seeded) moment, reopen the store here and check that everything acknowledged is there, byte for
// byte, and that the store goes on. The same directory is reused across iterations, so recovery
// also runs over the remains of earlier crashes and recoveries.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openFileConsumerStore } from "../../server/src/jetstream/store/consumerfile.js";
import { openFileStreamStore } from "../../server/src/jetstream/store/filestore.js";
import { mulberry32 } from "../lib/prng.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const writer = join(here, "crash-writer.mjs");
const SEED = Number(process.env.NATSTS_CRASH_SEED ?? 0x5eed);

const root = mkdtempSync(join(tmpdir(), "natsts-crash-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));


/** The child runs server/dist: refuse to test a build older than the store sources. */
beforeAll(() => {
  const src = join(repo, "server/src/jetstream/store");
  const dist = join(repo, "server/dist/jetstream/store");
  for (const f of readdirSync(src)) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    const js = join(dist, f.replace(/\.ts$/, ".js"));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(src, f)).mtimeMs) {
      throw new Error(`${js} is missing or older than its source: run \`npm run build -w server\` first`);
    }
  }
});

interface ChildRun {
  lines: string[];
  stderr: string;
}

/** Runs the writer and SIGKILLs it `ms` after it is ready (or after spawn when !afterReady). */
function runAndKill(args: string[], afterReady: boolean, ms: number): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [writer, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let armed = false;
    const kill = (): void => void child.kill("SIGKILL");
    const arm = (): void => {
      if (armed) return;
      armed = true;
      setTimeout(kill, ms);
    };
    const safety = setTimeout(kill, 15_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      if (afterReady && out.includes("ready ")) arm();
    });
    child.stderr.on("data", (d: string) => (err += d));
    if (!afterReady) arm();
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(safety);
      if (signal !== "SIGKILL") {
        reject(new Error(`writer exited by itself (code ${code}, signal ${signal}):\n${err}`));
        return;
      }
      const lines = out.split("\n");
      lines.pop(); // the last line may be cut short by the kill
      resolvePromise({ lines, stderr: err });
    });
  });
}

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

describe("crash safety (SIGKILL)", () => {
  test("stream store: every acknowledged message survives, in order, and appends go on", { timeout: 60_000 }, async () => {
    const rnd = mulberry32(SEED);
    const dir = join(root, "stream");
    const acked = new Map<number, { subject: string; hdr: string | null; hash: string }>();
    const rmIntent = new Set<number>();
    const rmDone = new Set<number>();
    let kills = 0;
    let ackCount = 0;
    for (let it = 0; it < 24; it++) {
      const afterReady = rnd() < 0.8;
      const ms = afterReady ? 2 + Math.floor(rnd() * 250) : Math.floor(rnd() * 120);
      const run = await runAndKill(["stream", dir, String(SEED + it), "6"], afterReady, ms);
      kills++;
      const lastN = new Map<number, { n: number; seq: number }>();
      for (const line of run.lines) {
        const f = line.split(" ");
        if (f[0] === "ack") {
          const [seq, p, n] = [Number(f[1]), Number(f[2]), Number(f[3])];
          expect(acked.has(seq), `sequence ${seq} acknowledged twice`).toBe(false);
          const prev = lastN.get(p);
          if (prev) expect(seq, `publisher ${p}: message ${n} must follow ${prev.n}`).toBeGreaterThan(prev.seq);
          lastN.set(p, { n, seq });
          acked.set(seq, { subject: `pub.${p}`, hdr: n % 5 === 0 ? `NATS/1.0\r\nP: ${p}-${n}\r\n\r\n` : null, hash: f[4] });
          ackCount++;
        } else if (f[0] === "rm?") rmIntent.add(Number(f[1]));
        else if (f[0] === "rm!") rmDone.add(Number(f[1]));
      }

      const logs: string[] = [];
      const s = await openFileStreamStore(dir, { syncPolicy: "always", blockSize: 16 * 1024, logger: (l, m) => logs.push(`${l} ${m}`) });
      const st = s.state();
      expect(st.lost, `iteration ${it}: nothing may be reported corrupt after a kill\n${logs.join("\n")}`).toBeNull();
      for (const [seq, want] of acked) {
        const m = s.get(seq);
        if (rmDone.has(seq)) {
          expect(m, `removed ${seq} came back`).toBeNull();
          continue;
        }
        if (m === null && rmIntent.has(seq)) continue; // removal in flight at the kill: either outcome is fine
        expect(m, `iteration ${it}: acknowledged message ${seq} is missing`).not.toBeNull();
        if (!m) continue;
        expect(m.subject).toBe(want.subject);
        expect(m.hdr === null ? null : m.hdr.toString()).toBe(want.hdr);
        expect(sha(m.data), `message ${seq} differs`).toBe(want.hash);
      }
      // The walk agrees with the state, in strictly increasing order.
      let count = 0;
      let prev = 0;
      for (let m = s.nextMatching(0, ">"); m; m = s.nextMatching(m.seq + 1, ">")) {
        expect(m.seq).toBeGreaterThan(prev);
        prev = m.seq;
        count++;
      }
      expect(count).toBe(st.messages);
      const maxAcked = Math.max(0, ...acked.keys());
      expect(st.lastSeq).toBeGreaterThanOrEqual(maxAcked);
      // The store goes on at last + 1; the probe is acknowledged too and checked from now on.
      const probe = Buffer.from(`probe ${it}`);
      const r = s.append("probe", null, probe);
      expect(r.seq).toBe(st.lastSeq + 1);
      await r.durable;
      acked.set(r.seq, { subject: "probe", hdr: null, hash: sha(probe) });
      await s.close();
      // Every third round the next writer has to rebuild without the index.
      if (it % 3 === 1) unlinkSync(join(dir, "msgs", "index.idx"));
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(ackCount, "the writer must have acknowledged a fair number of messages").toBeGreaterThan(200);
  });

  test("consumer store: the loaded ack floor is never below the last acknowledged save", { timeout: 60_000 }, async () => {
    const rnd = mulberry32(SEED ^ 0xc0ffee);
    const dir = join(root, "consumer");
    let floor = 0;
    let saves = 0;
    for (let it = 0; it < 20; it++) {
      const afterReady = rnd() < 0.8;
      const run = await runAndKill(["consumer", dir, "4"], afterReady, Math.floor(rnd() * 150));
      for (const line of run.lines) {
        const f = line.split(" ");
        if (f[0] === "ack") {
          floor = Math.max(floor, Number(f[1]));
          saves++;
        }
      }
      const c = await openFileConsumerStore(dir, { syncPolicy: "always", logger: () => undefined });
      const st = c.load();
      const f = st.ackFloor.consumerSeq;
      expect(f, `iteration ${it}: loaded floor ${f} below acknowledged ${floor}`).toBeGreaterThanOrEqual(floor);
      // The state is exactly one of the states the writer saved, not a mix.
      expect(st.ackFloor.streamSeq).toBe(f);
      expect(st.delivered).toEqual({ consumerSeq: f === 0 ? 0 : f + 40, streamSeq: f === 0 ? 0 : f + 40 });
      expect(st.pending.size).toBe(f % 40);
      floor = f;
      await c.close();
    }
    expect(saves).toBeGreaterThan(100);
  });
});
