// Child processes for the benchmark: every process started here is tracked so that it is killed
// when the benchmark ends, fails, or is interrupted (Ctrl-C, SIGTERM, SIGHUP).
import { spawn } from "node:child_process";

/** @type {Set<import("node:child_process").ChildProcess>} */
const live = new Set();
/** @type {Array<() => void>} */
const exitHooks = [];

/** Kills every tracked child that is still running (synchronous; safe in an exit handler). */
export function killAll(signal = "SIGKILL") {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

/** Registers a synchronous clean-up step run at exit (after the children are killed). */
export function onExit(fn) {
  exitHooks.push(fn);
}

let installed = false;
/** Installs the exit and signal handlers once. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  const cleanup = () => {
    killAll();
    for (const fn of exitHooks.splice(0)) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
  };
  process.on("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping servers and clients\n`);
      cleanup();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

/**
 * Starts a tracked child process. Output is collected into `out.stdout` / `out.stderr`;
 * `onLine(line)` sees every line of stdout and stderr as it arrives.
 */
export function start(cmd, args, { env, onLine, cwd } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const out = { stdout: "", stderr: "" };
  const feed = (key) => {
    let partial = "";
    return (chunk) => {
      const text = chunk.toString("utf8");
      // Keep the collected output bounded (the interesting lines are short summaries).
      out[key] = (out[key] + text).slice(-200_000);
      if (!onLine) return;
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    };
  };
  child.stdout.on("data", feed("stdout"));
  child.stderr.on("data", feed("stderr"));
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.on("error", (err) => {
      live.delete(child);
      out.stderr += `\nspawn error: ${err.message}`;
      resolve({ code: -1, signal: null });
    });
  });
  return { child, out, exited, pid: child.pid };
}

/** Sends `signal` to a child, then SIGKILL if it has not exited after `graceMs`. */
export async function stop(proc, signal = "SIGTERM", graceMs = 3000) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return proc.exited;
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

/** Error thrown when a command exceeds its time limit. */
export class TimeoutError extends Error {}

/**
 * Runs a command to completion within `timeoutMs` (killed after that). Resolves to
 * { code, signal, stdout, stderr }; rejects with TimeoutError on timeout.
 */
export async function run(cmd, args, { timeoutMs = 30_000, env, onLine } = {}) {
  const proc = start(cmd, args, { env, onLine });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      proc.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (timedOut) {
    const tail = (proc.out.stderr + proc.out.stdout).trim().split("\n").slice(-3).join(" | ");
    throw new TimeoutError(`${shortCmd(cmd, args)} timed out after ${timeoutMs} ms${tail ? ` (last output: ${tail})` : ""}`);
  }
  return { code, signal, stdout: proc.out.stdout, stderr: proc.out.stderr };
}

/** Waits for a tracked process with a time limit; kills it on timeout. */
export async function waitFor(proc, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      try {
        proc.child.kill("SIGKILL");
      } catch {
        // already gone
      }
      const tail = (proc.out.stderr + proc.out.stdout).trim().split("\n").slice(-3).join(" | ");
      reject(new TimeoutError(`${what} timed out after ${timeoutMs} ms${tail ? ` (last output: ${tail})` : ""}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function shortCmd(cmd, args) {
  const base = cmd.split("/").pop();
  return [base, ...args].join(" ");
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
