// Bounded protocol fuzzing: random and mutated client-protocol bytes from many connections
// (fixed seed, capped in count and time). After every batch a well-behaved connection must still
// get PONG for PING and see its own messages, and the server process must still be running.

import { afterAll, beforeAll, expect, test } from "vitest";
import { RawConnection, untilText } from "../lib/raw.js";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";

const SEED = Number(process.env["NATSTS_FUZZ_SEED"] ?? 20261122);
const MAX_ITERATIONS = 400;
const TIME_BUDGET_MS = 15_000;

let srv: ServerProcess;
beforeAll(async () => {
  srv = await startServer("natsts", { config: "max_payload: 64KB\nmax_control_line: 512\n" });
});
afterAll(async () => {
  await stopAll();
});

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const VALID = [
  'CONNECT {"verbose":false,"pedantic":false,"headers":true,"protocol":1}\r\n',
  "PING\r\n",
  "PONG\r\n",
  "SUB foo 1\r\n",
  "SUB foo.* q 2\r\n",
  "SUB > 3\r\n",
  "UNSUB 1\r\n",
  "UNSUB 2 5\r\n",
  "PUB foo 5\r\nhello\r\n",
  "PUB foo.bar _INBOX.x 0\r\n\r\n",
  "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
  "HPUB foo.x r 22 24\r\nNATS/1.0\r\nA: b\r\n\r\n\r\nok\r\n",
  "+OK\r\n",
  "INFO {}\r\n",
];

function mutate(rand: () => number, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const ops = 1 + Math.floor(rand() * 4);
  let out = b;
  for (let i = 0; i < ops; i++) {
    const kind = Math.floor(rand() * 6);
    const pos = Math.floor(rand() * Math.max(1, out.length));
    if (kind === 0 && out.length > 0) out[pos] = Math.floor(rand() * 256);
    else if (kind === 1) out = Buffer.concat([out.subarray(0, pos), out.subarray(pos + 1)]);
    else if (kind === 2) out = Buffer.concat([out.subarray(0, pos), Buffer.from([Math.floor(rand() * 256)]), out.subarray(pos)]);
    else if (kind === 3) out = out.subarray(0, pos);
    else if (kind === 4) out = Buffer.concat([out.subarray(0, pos), Buffer.from(String(Math.floor(rand() * 1e9))), out.subarray(pos)]);
    else out = Buffer.concat([out, Buffer.from(VALID[Math.floor(rand() * VALID.length)])]);
  }
  return out;
}

function randomInput(rand: () => number): Buffer {
  const mode = rand();
  if (mode < 0.2) {
    const n = Math.floor(rand() * 2048);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  }
  const parts: Buffer[] = [];
  const count = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < count; i++) parts.push(Buffer.from(VALID[Math.floor(rand() * VALID.length)]));
  const joined = Buffer.concat(parts);
  return mode < 0.9 ? mutate(rand, joined) : joined;
}

test(`fuzzed protocol input never disturbs other connections (seed ${SEED})`, async () => {
  const rand = prng(SEED);
  const guard = await RawConnection.connect(srv.port);
  await guard.read(untilText("\r\n"));
  await guard.write('CONNECT {"verbose":false,"pedantic":false}\r\nSUB guard 1\r\nPING\r\n');
  expect((await guard.read(untilText("PONG\r\n"))).matched).toBe(true);
  const started = Date.now();
  let iterations = 0;
  while (iterations < MAX_ITERATIONS && Date.now() - started < TIME_BUDGET_MS) {
    const batch = await Promise.all(Array.from({ length: 4 }, () => RawConnection.connect(srv.port)));
    for (const c of batch) {
      const input = randomInput(rand);
      // send in a few random-sized pieces to exercise chunk boundaries
      let off = 0;
      while (off < input.length) {
        const n = 1 + Math.floor(rand() * Math.max(1, input.length - off));
        await c.write(input.subarray(off, off + n));
        off += n;
      }
      iterations++;
    }
    await new Promise((r) => setTimeout(r, 5));
    for (const c of batch) c.close();
    await guard.write(`PUB guard 2\r\n${String(iterations % 100).padStart(2, "0")}\r\nPING\r\n`);
    const r = await guard.read(untilText("PONG\r\n"), 3000);
    expect(r.matched, `guard lost after ${iterations} inputs`).toBe(true);
    expect(r.data.toString()).toContain(`MSG guard 1 2\r\n${String(iterations % 100).padStart(2, "0")}\r\n`);
  }
  expect(iterations).toBeGreaterThanOrEqual(40);
  expect(srv.isRunning()).toBe(true);
  guard.close();
});
