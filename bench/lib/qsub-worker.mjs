#!/usr/bin/env node
// Queue-group subscriber for the benchmark (run as a child process, one per measurement):
//   node qsub-worker.mjs <nats-url> <subject> <queue> <members> <total-msgs> <timeout-ms>
// Opens <members> raw protocol connections, each subscribing to <subject> in queue group <queue>,
// prints "READY" once every subscription is confirmed (PONG), then counts MSGs across all members.
// When <total-msgs> have arrived it prints one JSON line:
//   {"msgs":N,"seconds":S,"rate":R,"perMember":[...]}
// where S runs from the first message received (any member) to the N-th. A raw client keeps the
// per-message cost low so that the subscriber side, identical for both servers, is not the bottleneck.
import net from "node:net";

const [url, subject, queue, membersArg, totalArg, timeoutArg] = process.argv.slice(2);
const members = Number(membersArg);
const total = Number(totalArg);
const timeoutMs = Number(timeoutArg || 60_000);
const { hostname, port } = new URL(url);

const CR = 13;
const LF = 10;
let received = 0;
let first = 0n;
let done = false;
let ready = 0;
const perMember = new Array(members).fill(0);
const sockets = [];

function finish() {
  done = true;
  const last = process.hrtime.bigint();
  const seconds = Number(last - first) / 1e9;
  process.stdout.write(JSON.stringify({ msgs: received, seconds, rate: received / seconds, perMember }) + "\n");
  for (const s of sockets) s.destroy();
  process.exit(0);
}

function member(index) {
  const sock = net.connect({ host: hostname, port: Number(port) });
  sock.setNoDelay(true);
  sockets.push(sock);
  let pending = null; // unparsed tail (a partial control line)
  let skip = 0; // payload bytes (+ CRLF) still to skip
  let confirmed = false;
  sock.on("connect", () => {
    sock.write(
      `CONNECT {"verbose":false,"pedantic":false,"protocol":1,"name":"bench-qsub-${index}"}\r\n` +
        `SUB ${subject} ${queue} ${index + 1}\r\nPING\r\n`,
    );
  });
  sock.on("data", (chunk) => {
    let buf = chunk;
    let pos = 0;
    if (skip > 0) {
      if (skip >= buf.length) {
        skip -= buf.length;
        return;
      }
      pos = skip;
      skip = 0;
    }
    if (pending) {
      buf = Buffer.concat([pending, buf.subarray(pos)]);
      pos = 0;
      pending = null;
    }
    const len = buf.length;
    let count = 0;
    while (pos < len) {
      const eol = buf.indexOf(LF, pos);
      if (eol < 0) {
        pending = Buffer.from(buf.subarray(pos));
        break;
      }
      const c0 = buf[pos];
      if (c0 === 0x4d /* M */ || c0 === 0x48 /* H */) {
        // MSG <subject> <sid> [reply] <size> (or HMSG ... <hdr-size> <total-size>): the last token is the size.
        let end = eol;
        if (buf[end - 1] === CR) end--;
        let size = 0;
        let mul = 1;
        let i = end - 1;
        while (i > pos && buf[i] !== 0x20) {
          size += (buf[i] - 48) * mul;
          mul *= 10;
          i--;
        }
        count++;
        const next = eol + 1 + size + 2;
        if (next > len) {
          skip = next - len;
          pos = len;
          break;
        }
        pos = next;
        continue;
      }
      const line = buf.toString("latin1", pos, eol).trim();
      if (line === "PING") sock.write("PONG\r\n");
      else if (line === "PONG" && !confirmed) {
        confirmed = true;
        if (++ready === members) process.stdout.write("READY\n");
      } else if (line.startsWith("-ERR")) {
        process.stderr.write(`member ${index}: ${line}\n`);
      }
      pos = eol + 1;
    }
    if (count > 0) {
      if (received === 0) first = process.hrtime.bigint();
      received += count;
      perMember[index] += count;
      if (received >= total && !done) finish();
    }
  });
  sock.on("error", (err) => {
    process.stderr.write(`member ${index}: ${err.message}\n`);
    process.exit(2);
  });
  sock.on("close", () => {
    if (!done) {
      process.stderr.write(`member ${index}: connection closed after ${received} msgs in total\n`);
      process.exit(3);
    }
  });
}

for (let i = 0; i < members; i++) member(i);
setTimeout(() => {
  process.stderr.write(`timed out with ${received} of ${total} msgs (per member ${perMember.join(",")})\n`);
  process.exit(4);
}, timeoutMs).unref();
