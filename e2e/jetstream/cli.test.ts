// The `nats` CLI (natscli v0.3.0, unchanged) driving JetStream on a real natsts process: streams,
// consumers, KV, object store, and stream backup/restore. Every command runs non-interactively
// (--defaults, --force, explicit flags); exit codes and key output are checked.
//
// NATSTS_E2E_JS_TARGET=reference runs the same file against the reference nats-server (see helpers.ts).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopAll, type ServerProcess } from "../lib/procs.js";
import { natsCliPath } from "../lib/tools.js";
import { startJs, storeDir, stderrTail } from "./helpers.js";

let srv: ServerProcess;
const work = storeDir("cli-files");

beforeAll(async () => {
  srv = await startJs();
});
afterAll(async () => {
  await stopAll();
  work.remove();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `nats` against the server; never throws on a non-zero exit (the caller checks `code`). */
function nats(args: readonly string[], options: { timeout?: number; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      natsCliPath(),
      ["-s", srv.url, "--no-context", "--timeout", "5s", ...args],
      { timeout: options.timeout ?? 20_000, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== "number") {
          reject(new Error(`nats ${args.join(" ")}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs `nats` and requires exit code 0; returns stdout. */
async function ok(args: readonly string[], options: { timeout?: number; input?: string } = {}): Promise<string> {
  const r = await nats(args, options);
  expect(r.code, `nats ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout.slice(-1500)}\nstderr: ${r.stderr.slice(-1500)}\nserver: ${stderrTail(srv, 5)}`).toBe(0);
  return r.stdout;
}

/** Like ok() but returns stdout and stderr together (nats pub reports on stderr). */
async function both(args: readonly string[]): Promise<string> {
  const r = await nats(args);
  expect(r.code, `nats ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout.slice(-1500)}\nstderr: ${r.stderr.slice(-1500)}`).toBe(0);
  return r.stdout + r.stderr;
}

function json<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`not JSON (${String(err)}): ${text.slice(0, 500)}`);
  }
}

interface StreamInfoJson {
  config: { name: string; subjects: string[]; max_msgs: number; storage: string; retention: string };
  state: { messages: number; first_seq: number; last_seq: number; bytes: number };
}

describe("nats stream / consumer", () => {
  test("stream add, pub, info, ls, get, purge, rm", async () => {
    const add = await ok(["stream", "add", "ORDERS", "--subjects", "orders.*", "--storage", "file", "--retention", "limits",
      "--discard", "old", "--max-msgs", "1000", "--max-bytes=-1", "--max-age", "1h", "--max-msg-size=-1",
      "--max-msgs-per-subject=-1", "--dupe-window", "2m", "--replicas", "1", "--defaults"]);
    expect(add).toContain("Stream ORDERS was created");
    expect(add).toMatch(/Subjects: orders\.\*/);

    for (let i = 1; i <= 5; i++) {
      const pub = await both(["pub", `orders.${i % 2 === 0 ? "even" : "odd"}`, `order-${i}`, "--jetstream"]);
      expect(pub).toMatch(new RegExp(`Stored in Stream: ORDERS Sequence: ${i}`));
    }

    const info = json<StreamInfoJson>(await ok(["stream", "info", "ORDERS", "--json"]));
    expect(info.config).toMatchObject({ name: "ORDERS", subjects: ["orders.*"], max_msgs: 1000, storage: "file", retention: "limits" });
    expect(info.state).toMatchObject({ messages: 5, first_seq: 1, last_seq: 5 });
    const human = await ok(["stream", "info", "ORDERS"]);
    expect(human).toMatch(/Messages: 5/);
    expect(human).toMatch(/First Sequence: 1 @/);
    expect(human).toMatch(/Last Sequence: 5 @/);

    const ls = await ok(["stream", "ls", "--names"]);
    expect(ls.split(/\s+/)).toContain("ORDERS");
    const lsTable = await ok(["stream", "ls"]);
    expect(lsTable).toMatch(/ORDERS/);
    expect(lsTable).toMatch(/│ 5 /);
    const filtered = await ok(["stream", "ls", "--names", "--subject", "orders.even"]);
    expect(filtered.trim()).toBe("ORDERS");

    const get = await ok(["stream", "get", "ORDERS", "2"]);
    expect(get).toMatch(/Item: ORDERS#2 received .* on Subject orders\.even/);
    expect(get).toContain("order-2");
    const getJson = json<{ subject: string; seq: number; data: string }>(await ok(["stream", "get", "ORDERS", "3", "--json"]));
    expect(getJson).toMatchObject({ subject: "orders.odd", seq: 3 });
    expect(Buffer.from(getJson.data, "base64").toString()).toBe("order-3");
    const last = await ok(["stream", "get", "ORDERS", "--last-for", "orders.even"]);
    expect(last).toMatch(/ORDERS#4/);
    const missing = await nats(["stream", "get", "ORDERS", "99"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/no message found/i);

    const purgeSubj = await ok(["stream", "purge", "ORDERS", "--subject", "orders.odd", "--force"]);
    expect(purgeSubj).toMatch(/Messages: 2/);
    const purgeAll = await ok(["stream", "purge", "ORDERS", "--force", "--json"]);
    expect(json<{ state: { messages: number; first_seq: number } }>(purgeAll).state).toMatchObject({ messages: 0, first_seq: 6 });

    await ok(["stream", "rm", "ORDERS", "--force"]);
    const gone = await nats(["stream", "info", "ORDERS", "--no-select"]);
    expect(gone.code).not.toBe(0);
    expect((await ok(["stream", "ls", "--names"])).split(/\s+/)).not.toContain("ORDERS");
  });

  test("consumer add (pull, push), next with ack, info", async () => {
    await ok(["stream", "add", "JOBS", "--subjects", "jobs.>", "--defaults"]);
    for (let i = 1; i <= 3; i++) await ok(["pub", "jobs.new", `job-${i}`, "--jetstream"]);

    const add = await ok(["consumer", "add", "JOBS", "WORKER", "--pull", "--ack", "explicit", "--deliver", "all",
      "--filter", "jobs.>", "--max-deliver", "5", "--wait", "30s", "--replay", "instant", "--max-pending", "100", "--defaults"]);
    expect(add).toMatch(/Information for Consumer JOBS > WORKER/);
    expect(add).toMatch(/Pull Mode: true/);
    expect(add).toMatch(/Ack Policy: Explicit/);

    const next = await ok(["consumer", "next", "JOBS", "WORKER", "--count", "2", "--ack"]);
    expect(next).toContain("job-1");
    expect(next).toContain("job-2");
    expect(next).toMatch(/Acknowledged message/);
    const raw = await ok(["consumer", "next", "JOBS", "WORKER", "--raw", "--ack"]);
    expect(raw.trim()).toBe("job-3");

    const info = json<{ name: string; delivered: { stream_seq: number }; ack_floor: { stream_seq: number }; num_ack_pending: number; num_pending: number }>(
      await ok(["consumer", "info", "JOBS", "WORKER", "--json"]));
    expect(info).toMatchObject({ name: "WORKER", delivered: { stream_seq: 3 }, ack_floor: { stream_seq: 3 }, num_ack_pending: 0, num_pending: 0 });
    const human = await ok(["consumer", "info", "JOBS", "WORKER"]);
    expect(human).toMatch(/Last Delivered Message: Consumer sequence: 3 Stream sequence: 3/);
    expect(human).toMatch(/Unprocessed Messages: 0/);

    const push = await ok(["consumer", "add", "JOBS", "PUSHER", "--target", "deliver.jobs", "--ack", "none", "--deliver", "last",
      "--replay", "instant", "--heartbeat=-1", "--no-headers-only", "--defaults"]);
    expect(push).toMatch(/Delivery Subject: deliver\.jobs/);
    const ls = await ok(["consumer", "ls", "JOBS", "--names"]);
    expect(ls.split(/\s+/).filter((x) => x !== "").sort()).toEqual(["PUSHER", "WORKER"]);
    await ok(["consumer", "rm", "JOBS", "PUSHER", "--force"]);
    const gone = await nats(["consumer", "info", "JOBS", "PUSHER", "--no-select"]);
    expect(gone.code).not.toBe(0);
    expect((await ok(["consumer", "ls", "JOBS", "--names"])).split(/\s+/).filter((x) => x !== "")).toEqual(["WORKER"]);
  });
});

describe("nats kv", () => {
  test("kv add, put, get, del, history, ls", async () => {
    const add = await ok(["kv", "add", "CONFIG", "--history", "5", "--storage", "file", "--replicas", "1"]);
    expect(add).toMatch(/Information for Key-Value Store Bucket CONFIG/);
    expect(add).toMatch(/History Kept: 5/);
    expect((await ok(["kv", "put", "CONFIG", "db.url", "postgres://one"])).trim()).toBe("postgres://one");
    await ok(["kv", "put", "CONFIG", "db.url", "postgres://two"]);
    await ok(["kv", "put", "CONFIG", "color", "blue"]);
    expect((await ok(["kv", "get", "CONFIG", "db.url", "--raw"])).trim()).toBe("postgres://two");
    const full = await ok(["kv", "get", "CONFIG", "db.url"]);
    expect(full).toMatch(/CONFIG > db\.url revision: 2 created @/);
    expect((await ok(["kv", "get", "CONFIG", "db.url", "--revision", "1", "--raw"])).trim()).toBe("postgres://one");

    await ok(["kv", "del", "CONFIG", "color", "--force"]);
    const missing = await nats(["kv", "get", "CONFIG", "color"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/key not found/i);

    const hist = await ok(["kv", "history", "CONFIG", "db.url"]);
    expect(hist).toMatch(/│\s*1\s*│\s*PUT/);
    expect(hist).toMatch(/│\s*2\s*│\s*PUT/);
    const chist = await ok(["kv", "history", "CONFIG", "color"]);
    expect(chist).toMatch(/DEL/);

    const buckets = await ok(["kv", "ls", "--names"]);
    expect(buckets.split(/\s+/)).toContain("CONFIG");
    const keys = await ok(["kv", "ls", "CONFIG"]);
    expect(keys.split(/\s+/).filter((x) => x !== "").sort()).toEqual(["db.url"]);
    const status = await ok(["kv", "info", "CONFIG"]);
    expect(status).toMatch(/Values Stored: 4/);
  });
});

describe("nats object", () => {
  test("object add, put, get, ls, rm", async () => {
    const add = await ok(["object", "add", "FILES", "--description", "files", "--replicas", "1"]);
    expect(add).toMatch(/Information for Object Store Bucket FILES/);
    const src = join(work.dir, "upload.bin");
    const data = randomBytes(3 * 1024 * 1024 + 123);
    writeFileSync(src, data);
    const put = await ok(["object", "put", "FILES", src, "--name", "upload.bin", "--no-progress", "--force"]);
    expect(put).toMatch(/Object information for FILES > upload\.bin/);
    expect(put).toMatch(/Size: 3\.0 MiB/);
    expect(put).toMatch(/Chunks: 25/);
    const small = join(work.dir, "note.txt");
    writeFileSync(small, "a small note\n");
    await ok(["object", "put", "FILES", small, "--name", "note.txt", "--no-progress", "--force"]);

    const out = join(work.dir, "download.bin");
    const get = await ok(["object", "get", "FILES", "upload.bin", "--output", out, "--no-progress", "--force"]);
    expect(get).toMatch(/Wrote: 3\.0 MiB/);
    expect(readFileSync(out).equals(data)).toBe(true);

    const ls = await ok(["object", "ls", "FILES"]);
    expect(ls).toMatch(/upload\.bin/);
    expect(ls).toMatch(/note\.txt/);
    const buckets = await ok(["object", "ls", "--names"]);
    expect(buckets.split(/\s+/)).toContain("FILES");

    await ok(["object", "rm", "FILES", "note.txt", "--force"]);
    const after = await ok(["object", "ls", "FILES"]);
    expect(after).not.toMatch(/note\.txt/);
    expect(after).toMatch(/upload\.bin/);
    const missing = await nats(["object", "get", "FILES", "note.txt", "--output", join(work.dir, "x"), "--no-progress", "--force"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/not found/i);
  });
});

describe("nats stream backup / restore", () => {
  test("backup a stream with its consumers, remove it, restore it", { timeout: 45_000 }, async () => {
    await ok(["stream", "add", "ARCHIVE", "--subjects", "archive.>", "--defaults"]);
    for (let i = 1; i <= 20; i++) await ok(["pub", `archive.${i % 3}`, `entry-${i}`, "--jetstream"]);
    await ok(["consumer", "add", "ARCHIVE", "READER", "--pull", "--ack", "explicit", "--deliver", "all", "--defaults"]);
    await ok(["consumer", "next", "ARCHIVE", "READER", "--count", "4", "--ack"]);
    const dir = join(work.dir, "backup");
    const backup = await ok(["stream", "backup", "ARCHIVE", dir, "--no-progress", "--consumers"], { timeout: 30_000 });
    expect(backup).toMatch(/Received .* compressed data in \d+ chunks for stream "ARCHIVE"/);
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(["backup.json", "stream.tar.s2"]));

    await ok(["stream", "rm", "ARCHIVE", "--force"]);
    const restore = await ok(["stream", "restore", dir, "--no-progress"], { timeout: 30_000 });
    expect(restore).toMatch(/Restored stream "ARCHIVE"/);
    const info = json<StreamInfoJson>(await ok(["stream", "info", "ARCHIVE", "--json"]));
    expect(info.state).toMatchObject({ messages: 20, first_seq: 1, last_seq: 20 });
    const m = json<{ data: string }>(await ok(["stream", "get", "ARCHIVE", "17", "--json"]));
    expect(Buffer.from(m.data, "base64").toString()).toBe("entry-17");
    const ci = json<{ ack_floor: { stream_seq: number } }>(await ok(["consumer", "info", "ARCHIVE", "READER", "--json"]));
    expect(ci.ack_floor.stream_seq).toBe(4);
    expect((await ok(["consumer", "next", "ARCHIVE", "READER", "--raw", "--ack"])).trim()).toBe("entry-5");
  });
});
