// The servers under comparison: natsts (bin/natsts-server) and the reference nats-server, both
// started on 127.0.0.1 with random client and monitoring ports discovered through a ports file.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, accessSync, constants } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run, start, stop, sleep, onExit } from "./procs.mjs";

/** Root of the repository. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Cache root of the reference tools (same rule as e2e/tools/install.sh). */
export function toolsDir() {
  const explicit = process.env.NATSTS_TOOLS_DIR;
  if (explicit) return resolve(explicit);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "natsts-tools");
}

function executable(path, what, remedy) {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}. ${remedy}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${what} at ${path} is not executable. ${remedy}`);
  }
  return path;
}

const TOOLS_REMEDY = "Install the reference tools with `make tools`; set NATSTS_TOOLS_DIR if they live elsewhere.";

export const natsCli = () => executable(join(toolsDir(), "current", "nats"), "nats CLI", TOOLS_REMEDY);
export const natsServerBin = () =>
  executable(join(toolsDir(), "current", "nats-server"), "reference nats-server", TOOLS_REMEDY);

export function natstsBin() {
  const launcher = join(repoRoot, "bin", "natsts-server");
  executable(launcher, "natsts launcher", "");
  const entry = join(repoRoot, "server", "dist", "cli", "main.js");
  if (!existsSync(entry)) throw new Error(`natsts is not built (${entry} missing): run \`make build\`.`);
  return launcher;
}

/**
 * A server flavour: how to launch it and what its ports file is called.
 * `label` is the column heading; two flavours may share a binary (reference-vs-reference mode).
 */
export function flavours({ refVsRef = false } = {}) {
  const reference = { label: "nats-server", bin: natsServerBin(), portsPrefix: "nats-server_" };
  const subject = refVsRef
    ? { label: "nats-server#2", bin: natsServerBin(), portsPrefix: "nats-server_" }
    : { label: "natsts", bin: natstsBin(), portsPrefix: "natsts-server_" };
  return { subject, reference };
}

const versionCache = new Map();
/** The version string a binary reports for `--version` (falls back to package metadata for natsts). */
export async function versionOf(flavour) {
  if (versionCache.has(flavour.bin)) return versionCache.get(flavour.bin);
  let version = "unknown";
  try {
    const r = await run(flavour.bin, ["--version"], { timeoutMs: 10_000 });
    const text = (r.stdout + r.stderr).trim().split("\n")[0] ?? "";
    if (r.code === 0 && text) version = text.replace(/^[^:]*:\s*/, "").trim();
  } catch {
    // fall through
  }
  if (version === "unknown" && flavour.portsPrefix.startsWith("natsts")) {
    try {
      const pkg = JSON.parse(readFileSync(join(repoRoot, "server", "package.json"), "utf8"));
      version = `v${pkg.version}`;
    } catch {
      // keep unknown
    }
  }
  try {
    if (flavour.portsPrefix.startsWith("natsts")) {
      const r = await run("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { timeoutMs: 5000 });
      if (r.code === 0) {
        const dirty = await run("git", ["-C", repoRoot, "status", "--porcelain", "--", "server", "bin"], { timeoutMs: 5000 });
        const local = dirty.code === 0 && dirty.stdout.trim() ? " + uncommitted changes in server/" : "";
        version += ` (git ${r.stdout.trim()}${local})`;
      }
    }
  } catch {
    // no git
  }
  versionCache.set(flavour.bin, version);
  return version;
}

let scratchDir = null;
/** A temporary directory for ports files, removed at exit. */
function scratch() {
  if (!scratchDir) {
    const dir = mkdtempSync(join(tmpdir(), "natsts-bench-"));
    scratchDir = dir;
    onExit(() => rmSync(dir, { recursive: true, force: true }));
  }
  return scratchDir;
}

let serial = 0;

/**
 * Starts a server of the given flavour and waits for its ports file.
 * Resolves to { label, pid, url, monitorUrl, proc, stop() }.
 */
export async function startServer(flavour, { extraArgs = [], timeoutMs = 20_000 } = {}) {
  const dir = join(scratch(), `srv-${++serial}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = ["-a", "127.0.0.1", "-p", "-1", "-m", "-1", "--ports_file_dir", dir, ...extraArgs];
  const proc = start(flavour.bin, args);
  const deadline = Date.now() + timeoutMs;
  let ports;
  let pid;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) break;
    const file = readdirSync(dir).find((f) => f.startsWith(flavour.portsPrefix) && f.endsWith(".ports"));
    if (file) {
      try {
        ports = JSON.parse(readFileSync(join(dir, file), "utf8"));
        pid = Number(file.slice(flavour.portsPrefix.length, -".ports".length));
        if (ports?.nats?.length) break;
      } catch {
        // partially written; retry
      }
    }
    await sleep(50);
  }
  if (!ports?.nats?.length) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) await stop(proc, "SIGKILL");
    const tail = (proc.out.stderr + proc.out.stdout).trim().split("\n").slice(-5).join("\n  ");
    const exited = proc.child.exitCode !== null || proc.child.signalCode !== null;
    const why = exited
      ? `exited (${proc.child.exitCode ?? proc.child.signalCode}) without writing a ports file`
      : `did not write a ports file within ${timeoutMs} ms`;
    throw new Error(
      `${flavour.label} (${flavour.bin} ${args.join(" ")}) ${why}` +
        (tail ? `; its last output:\n  ${tail}` : ""),
    );
  }
  const url = ports.nats[0];
  const monitorUrl = ports.monitoring?.[0];
  if (!Number.isInteger(pid) || pid <= 0) pid = proc.pid;
  return {
    label: flavour.label,
    flavour,
    pid,
    url,
    monitorUrl,
    proc,
    alive: () => proc.child.exitCode === null && proc.child.signalCode === null,
    stop: () => stop(proc, "SIGTERM", 3000),
    logTail: (n = 5) => (proc.out.stderr + proc.out.stdout).trim().split("\n").slice(-n).join("\n"),
  };
}

/** VmRSS of a process in KB (from /proc/<pid>/status). */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

/** The soft limit on open files of this process (children inherit it). */
export function openFilesLimit() {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
    if (m) return m[1] === "unlimited" ? Infinity : Number(m[1]);
  } catch {
    // not Linux
  }
  return NaN;
}
