// Starting and stopping server processes (natsts or the reference nats-server) for end-to-end tests.
//
// Each server runs in its own temporary directory with `-a 127.0.0.1 -p -1 --ports_file_dir <dir>`, so the
// kernel picks free ports and tests can run in parallel; readiness is the appearance of the ports file
// `<dir>/<executable>_<pid>.ports` (JSON: {"nats":["nats://h:p"],"monitoring":["http://h:p"],...}).
//
// Every server is started through a small guardian Node process whose stdin is a pipe from the test
// process: when the test process goes away for any reason (normal end, failure, crash, SIGKILL) the pipe
// closes and the guardian SIGKILLs the server. `stopAll()` (call it from afterAll) stops them in order.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { natstsServerCommand, referenceServerCommand, type Command } from "./tools.js";

export type ServerKind = "natsts" | "reference";

export interface StartOptions {
  /** Extra command-line flags (nats-server syntax), appended after the harness defaults. */
  readonly args?: readonly string[];
  /** Configuration file text; written to <dir>/server.conf and passed as `-c`. */
  readonly config?: string;
  /** Enable HTTP monitoring on a kernel-chosen port (`-m -1`). */
  readonly http?: boolean;
  /** Enable JetStream with its store under <dir>/jetstream (`-js -sd`). */
  readonly jetstream?: boolean;
  /** Bound on the time until the ports file appears; default 15000 ms. */
  readonly startTimeoutMs?: number;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Label used in messages; defaults to the kind. */
  readonly name?: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface ServerProcess {
  readonly kind: ServerKind;
  readonly name: string;
  /** Pid of the server process itself (signals go here). */
  readonly pid: number;
  /** Client port. */
  readonly port: number;
  /** Monitoring port, when `http` was requested (or the args enabled it). */
  readonly httpPort: number | undefined;
  /** nats://127.0.0.1:<port> (or the 127.0.0.x address the server listens on) */
  readonly url: string;
  /** The server's temporary working directory (config, ports file, store). */
  readonly dir: string;
  /** The parsed ports file. */
  readonly ports: PortsFile;
  /** Everything the server wrote to stderr so far (capped to the last 4 MiB). */
  stderr(): string;
  /** Everything the server wrote to stdout so far (capped to the last 4 MiB). */
  stdout(): string;
  /** Sends a signal to the server process. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** Resolves when the server process exits. */
  readonly exited: Promise<ExitStatus>;
  /** Whether the process has exited. */
  isRunning(): boolean;
}

/** The ports file a server writes with --ports_file_dir. */
export interface PortsFile {
  readonly nats?: readonly string[];
  readonly monitoring?: readonly string[];
  readonly cluster?: readonly string[];
  readonly leafnode?: readonly string[];
  readonly websocket?: readonly string[];
  readonly mqtt?: readonly string[];
  readonly [key: string]: unknown;
}

const OUTPUT_CAP = 4 * 1024 * 1024;

// The guardian: spawns the server with the given argv, reports the server pid and exit status on fd 3,
// and SIGKILLs the server when its own stdin (a pipe from the test process) closes.
const GUARDIAN = `
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const [command, ...args] = process.argv.slice(1);
const report = (obj) => {
  try { fs.writeSync(3, JSON.stringify(obj) + "\\n"); }
  catch (err) { process.stderr.write("guardian: cannot report to parent: " + err.message + "\\n"); }
};
const scratch = process.env.NATSTS_E2E_GUARDIAN_DIR;
const env = { ...process.env };
delete env.NATSTS_E2E_GUARDIAN_DIR;
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
let exited = false;
let orphaned = false;
child.on("error", (err) => { report({ error: err.message }); process.exit(127); });
child.on("spawn", () => report({ pid: child.pid }));
child.on("exit", (code, signal) => {
  exited = true;
  report({ exit: { code, signal } });
  // The test process is gone: nobody else will remove the server's directory.
  if (orphaned && scratch) fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
});
const killChild = () => {
  orphaned = true;
  if (!exited && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
};
process.stdin.on("close", killChild);
process.stdin.on("end", killChild);
process.stdin.on("error", killChild);
process.stdin.resume();
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => { killChild(); });
`;

const live = new Set<ServerProcess>();
const guardians = new Set<ChildProcess>();

// Last resort when the test process exits without stopAll(): kill servers synchronously.
process.once("exit", () => {
  for (const s of live) {
    if (s.isRunning()) {
      try {
        process.kill(s.pid, "SIGKILL");
      } catch (err) {
        process.stderr.write(`e2e: cannot kill ${s.name} pid ${s.pid}: ${String(err)}\n`);
      }
    }
  }
});

function hasFlag(args: readonly string[], ...flags: string[]): boolean {
  return args.some((a) => flags.includes(a) || flags.some((f) => a.startsWith(`${f}=`)));
}

function capAppend(current: string, chunk: string): string {
  const next = current + chunk;
  return next.length > OUTPUT_CAP ? next.slice(next.length - OUTPUT_CAP) : next;
}

function portOf(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  const m = /:(\d+)\/?$/.exec(url);
  return m === null ? undefined : Number(m[1]);
}

/** The loopback host of a ports-file URL (servers bound to 127.0.0.x), else 127.0.0.1. */
function loopbackHostOf(url: string | undefined): string {
  const m = /^[a-z]+:\/\/(127\.\d+\.\d+\.\d+):/.exec(url ?? "");
  return m === null ? "127.0.0.1" : m[1];
}

function tail(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n");
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
  });
}

// Signals a process that may have exited a moment ago (ESRCH is then expected and ignored; any other
// error is raised).
function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Starts a server of the given kind and waits until its ports file appears. */
export async function startServer(kind: ServerKind, options: StartOptions = {}): Promise<ServerProcess> {
  const cmd: Command = kind === "natsts" ? natstsServerCommand() : referenceServerCommand();
  const name = options.name ?? kind;
  const dir = mkdtempSync(join(tmpdir(), `natsts-e2e-${kind}-`));
  const extra = options.args ?? [];
  const args: string[] = [];
  if (!hasFlag(extra, "-a", "--addr", "--net")) args.push("-a", "127.0.0.1");
  if (!hasFlag(extra, "-p", "--port")) args.push("-p", "-1");
  if (options.http === true && !hasFlag(extra, "-m", "--http_port")) args.push("-m", "-1");
  if (options.config !== undefined) {
    const confPath = join(dir, "server.conf");
    writeFileSync(confPath, options.config);
    args.push("-c", confPath);
  }
  if (options.jetstream === true) args.push("-js", "-sd", join(dir, "jetstream"));
  if (!hasFlag(extra, "--ports_file_dir")) args.push("--ports_file_dir", dir);
  args.push(...extra);

  const guardian = spawn(process.execPath, ["-e", GUARDIAN, cmd.command, ...cmd.args, ...args], {
    cwd: dir,
    env: { ...process.env, ...options.env, NATSTS_E2E_GUARDIAN_DIR: dir },
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  guardians.add(guardian);
  let stdout = "";
  let stderr = "";
  guardian.stdout?.setEncoding("utf8");
  guardian.stderr?.setEncoding("utf8");
  guardian.stdout?.on("data", (c: string) => { stdout = capAppend(stdout, c); });
  guardian.stderr?.on("data", (c: string) => { stderr = capAppend(stderr, c); });
  // The pipe to the guardian must never be written; errors on it only mean the guardian is gone.
  guardian.stdin?.on("error", (err) => { stderr = capAppend(stderr, `[e2e] guardian stdin: ${err.message}\n`); });

  let serverPid: number | undefined;
  let exitStatus: ExitStatus | undefined;
  let spawnError: string | undefined;
  let resolveExit: (s: ExitStatus) => void = () => undefined;
  const exited = new Promise<ExitStatus>((res) => { resolveExit = res; });
  const status = guardian.stdio[3];
  if (status === null || status === undefined || !("setEncoding" in status)) {
    throw new Error("e2e: guardian status pipe missing");
  }
  readLines(status as Readable, (line) => {
    if (line.trim() === "") return;
    const msg = JSON.parse(line) as { pid?: number; exit?: ExitStatus; error?: string };
    if (msg.pid !== undefined) serverPid = msg.pid;
    if (msg.error !== undefined) spawnError = msg.error;
    if (msg.exit !== undefined && exitStatus === undefined) {
      exitStatus = msg.exit;
      resolveExit(msg.exit);
    }
  });
  guardian.on("exit", (code, signal) => {
    guardians.delete(guardian);
    if (exitStatus === undefined) {
      // The guardian died without reporting the server's exit: report its own status.
      exitStatus = { code, signal };
      resolveExit(exitStatus);
    }
  });

  // Startup failed: make the guardian kill the server, and drop the directory.
  const abandon = (): void => {
    guardian.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  };

  const cmdline = [cmd.command, ...cmd.args, ...args].join(" ");
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let ports: PortsFile | undefined;
  let lastParseError = "";
  while (ports === undefined) {
    if (spawnError !== undefined) {
      throw new Error(`${name}: cannot start \`${cmdline}\`: ${spawnError}`);
    }
    if (exitStatus !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name}: exited during startup (code ${String(exitStatus.code)}, signal ${String(exitStatus.signal)})` +
        `\ncommand: ${cmdline}\n--- stderr (tail) ---\n${tail(stderr)}\n--- stdout (tail) ---\n${tail(stdout)}`);
    }
    if (Date.now() > deadline) {
      abandon();
      throw new Error(`${name}: no ports file in ${dir} after ${timeoutMs} ms` +
        `${lastParseError === "" ? "" : ` (last parse error: ${lastParseError})`}` +
        `\ncommand: ${cmdline}\n--- stderr (tail) ---\n${tail(stderr)}\n--- stdout (tail) ---\n${tail(stdout)}`);
    }
    if (serverPid !== undefined) {
      const suffix = `_${serverPid}.ports`;
      const file = readdirSync(dir).find((f) => f.endsWith(suffix));
      if (file !== undefined) {
        try {
          ports = JSON.parse(readFileSync(join(dir, file), "utf8")) as PortsFile;
        } catch (err) {
          // Possibly caught mid-write: retry until the deadline.
          lastParseError = err instanceof Error ? err.message : String(err);
        }
      }
    }
    if (ports === undefined) await new Promise((r) => setTimeout(r, 15));
  }
  const pid = serverPid;
  if (pid === undefined) throw new Error(`${name}: ports file seen but no pid reported`);
  const port = portOf(ports.nats?.[0]);
  if (port === undefined) {
    abandon();
    throw new Error(`${name}: ports file has no client URL: ${JSON.stringify(ports)}`);
  }
  const httpPort = portOf(ports.monitoring?.[0]);

  let stopping: Promise<ExitStatus> | undefined;
  const server: ServerProcess = {
    kind,
    name,
    pid,
    port,
    httpPort,
    url: `nats://${loopbackHostOf(ports.nats?.[0])}:${port}`,
    dir,
    ports,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    isRunning: () => exitStatus === undefined,
    kill(signal: NodeJS.Signals): void {
      if (exitStatus !== undefined) throw new Error(`${name}: cannot send ${signal}, the process already exited`);
      process.kill(pid, signal);
    },
    stop(graceMs = 5000): Promise<ExitStatus> {
      if (stopping !== undefined) return stopping;
      stopping = (async () => {
        if (exitStatus === undefined) {
          signalIfAlive(pid, "SIGTERM");
          const timer = setTimeout(() => {
            if (exitStatus === undefined) signalIfAlive(pid, "SIGKILL");
          }, graceMs);
          await exited;
          clearTimeout(timer);
        }
        const result = await exited;
        live.delete(server);
        rmSync(dir, { recursive: true, force: true });
        return result;
      })();
      return stopping;
    },
  };
  live.add(server);
  return server;
}

/** Stops every server this process started and has not stopped yet. Use as `afterAll(stopAll)`. */
export async function stopAll(): Promise<void> {
  const servers = [...live];
  const results = await Promise.allSettled(servers.map((s) => s.stop()));
  const failures = results.flatMap((r, i) => (r.status === "rejected" ? [`${servers[i]?.name}: ${String(r.reason)}`] : []));
  for (const g of guardians) g.stdin?.end();
  if (failures.length > 0) throw new Error(`e2e: stopping servers failed:\n${failures.join("\n")}`);
}

/** Servers started and not yet stopped (for diagnostics). */
export function liveServers(): readonly ServerProcess[] {
  return [...live];
}
