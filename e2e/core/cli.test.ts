// The `nats` CLI (natscli), unchanged, against a real natsts process.

import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { natsCliPath } from "../lib/tools.js";

const run = promisify(execFile);
let srv: ServerProcess;

beforeAll(async () => {
  srv = await startServer("natsts");
});
afterAll(async () => {
  await stopAll();
});

function nats(args: string[], timeout = 15_000): Promise<{ stdout: string; stderr: string }> {
  return run(natsCliPath(), ["-s", srv.url, "--no-context", ...args], { timeout, env: { ...process.env, NO_COLOR: "1" } });
}

/** Starts a long-running nats command and resolves once it printed `ready` on stdout or stderr. */
function background(args: string[], ready: RegExp): Promise<{ done: Promise<string>; kill: () => void }> {
  return new Promise((resolve, reject) => {
    const p = spawn(natsCliPath(), ["-s", srv.url, "--no-context", ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`nats ${args.join(" ")} did not become ready: ${out}`));
    }, 10_000);
    const done = new Promise<string>((res) => p.on("exit", () => res(out)));
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ done, kill: () => p.kill("SIGKILL") });
      }
    };
    p.stdout.on("data", onData);
    p.stderr.on("data", onData);
  });
}

describe("nats CLI", () => {
  test("nats sub receives what nats pub sends", async () => {
    const sub = await background(["sub", "cli.>", "--count", "2"], /Subscribing/i);
    await nats(["pub", "cli.a", "hello"]);
    await nats(["pub", "cli.b", "world", "-H", "X-Test:1"]);
    const out = await sub.done;
    expect(out).toContain("hello");
    expect(out).toContain("world");
  });

  test("nats reply answers nats req", async () => {
    const rep = await background(["reply", "cli.svc", "the-answer", "--count", "1"], /Listening/i);
    const r = await nats(["req", "cli.svc", "question", "--raw"]);
    expect(r.stdout.trim()).toBe("the-answer");
    await rep.done;
  });

  test("nats req to a subject nobody serves reports no responders", async () => {
    const r = await nats(["req", "cli.nobody", "x", "--timeout", "3s"]).then(
      (ok) => ok.stdout + ok.stderr,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    expect(r).toMatch(/no responders/i);
  });

  test("nats server check connection is OK", async () => {
    const r = await nats(["server", "check", "connection"]);
    expect(r.stdout).toMatch(/OK/);
  });

  test("nats rtt measures round trips", async () => {
    const r = await nats(["rtt", "3"]);
    expect(r.stdout).toMatch(/\d+(\.\d+)?(µs|us|ms)/);
  });
});
