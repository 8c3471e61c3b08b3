// The servers under comparison: natsts (bin/natsts-server) and the reference nats-server, both
// started on 127.0.0.1 with random client and monitoring ports discovered through a ports file.
import {
  accessSync,
  constants,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

let snapshotBin = null;
/**
 * A private copy of the natsts build (bin/natsts-server + server/dist) for the whole run, so that a
 * rebuild of server/ while the benchmark runs (other work in the same checkout) cannot change or
 * break natsts between rounds. It lives under bench/ so that the server's packages still resolve
 * from the repository's node_modules; removed at exit.
 */
export function natstsSnapshotBin() {
  if (snapshotBin) return snapshotBin;
  natstsBin();
  const root = join(repoRoot, "bench", ".natsts-build", String(process.pid));
  rmSync(root, { recursive: true, force: true });
  onExit(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "bin"), { recursive: true });
  cpSync(join(repoRoot, "server", "dist"), join(root, "server", "dist"), { recursive: true });
  copyFileSync(join(repoRoot, "bin", "natsts-server"), join(root, "bin", "natsts-server"));
  snapshotBin = executable(join(root, "bin", "natsts-server"), "natsts launcher (run copy)", "");
  return snapshotBin;
}

/**
 * The server flavours: how to launch each and what its ports file is called. `label` is the column
 * heading; flavours may share a binary (reference-vs-reference mode, the two nats-server JetStream
 * settings). `jsSync` is the JetStream fsync setting used when a scenario runs with JetStream:
 * "default" (the server's own default: fsync before ack with group commit for natsts, a 2 min
 * sync_interval for nats-server) or "always" (`jetstream { sync_interval: always }`).
 */
export function flavours({ refVsRef = false } = {}) {
  const bin = natsServerBin();
  const reference = { label: "nats-server", bin, portsPrefix: "nats-server_", jsSync: "default" };
  const referenceAlways = { label: "nats-server always", bin, portsPrefix: "nats-server_", jsSync: "always" };
  const subject = refVsRef
    ? { label: "nats-server#2", bin, portsPrefix: "nats-server_", jsSync: "default" }
    : { label: "natsts", bin: natstsSnapshotBin(), portsPrefix: "natsts-server_", jsSync: "default" };
  return { subject, reference, referenceAlways };
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

let storeRootDir = null;
/**
 * Parent of the JetStream store directories: a fresh directory under $BENCH_STORE_DIR (default: the
 * system temporary directory), removed at exit. Every server start gets its own empty store below it.
 */
export function storeRoot() {
  if (!storeRootDir) {
    const parent = resolve(process.env.BENCH_STORE_DIR || tmpdir());
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, "natsts-bench-store-"));
    storeRootDir = dir;
    onExit(() => rmSync(dir, { recursive: true, force: true }));
  }
  return storeRootDir;
}

/** Filesystem holding `dir`: { device, type, mount } from `df -PT`, or null. */
export async function filesystemOf(dir) {
  try {
    const r = await run("df", ["-PT", dir], { timeoutMs: 5000 });
    const line = r.stdout.trim().split("\n")[1];
    if (r.code !== 0 || !line) return null;
    const cols = line.split(/\s+/);
    return { device: cols[0], type: cols[1], mount: cols[cols.length - 1] };
  } catch {
    return null;
  }
}

/** Server arguments for JetStream with the store in `storeDir` and the given fsync setting. */
function jetstreamArgs(flavour, storeDir, jsSync, configDir) {
  if (jsSync !== "always") return ["-js", "-sd", storeDir];
  if (flavour.portsPrefix.startsWith("natsts")) throw new Error("natsts has no 'always' flavour in this harness");
  const conf = join(configDir, "jetstream-always.conf");
  writeFileSync(conf, `jetstream {\n  store_dir: ${JSON.stringify(storeDir)}\n  sync_interval: always\n}\n`);
  return ["-c", conf];
}

async function launch(flavour, args, dir, timeoutMs) {
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
      `${flavour.label} (${flavour.bin} ${args.join(" ")}) ${why}` + (tail ? `; its last output:\n  ${tail}` : ""),
    );
  }
  if (!Number.isInteger(pid) || pid <= 0) pid = proc.pid;
  return { proc, pid, url: ports.nats[0], monitorUrl: ports.monitoring?.[0] };
}

/**
 * Starts a server of the given flavour and waits for its ports file. With `jetstream: true` the
 * server runs JetStream (setting `flavour.jsSync`) on a new, empty store directory that is removed
 * when the server is stopped. Resolves to a handle
 * { label, flavour, pid, url, monitorUrl, proc, storeDir, jsSync, alive(), stop(), restart(), logTail() };
 * `restart({ jsSync })` stops the server and starts it again on the same store (the handle's url,
 * pid and proc change), e.g. to fill a stream under another fsync setting.
 */
export async function startServer(flavour, { extraArgs = [], jetstream = false, timeoutMs = 20_000 } = {}) {
  const dir = join(scratch(), `srv-${++serial}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const storeDir = jetstream ? join(storeRoot(), `store-${serial}`) : null;
  if (storeDir) {
    rmSync(storeDir, { recursive: true, force: true });
    mkdirSync(storeDir, { recursive: true });
  }
  const argsFor = (jsSync) => [
    "-a", "127.0.0.1", "-p", "-1", "-m", "-1", "--ports_file_dir", dir,
    ...(storeDir ? jetstreamArgs(flavour, storeDir, jsSync, dir) : []),
    ...extraArgs,
  ];
  const clearPorts = () => {
    for (const f of readdirSync(dir)) if (f.endsWith(".ports")) rmSync(join(dir, f), { force: true });
  };
  const handle = {
    label: flavour.label,
    flavour,
    storeDir,
    jsSync: jetstream ? flavour.jsSync : null,
    alive: () => handle.proc.child.exitCode === null && handle.proc.child.signalCode === null,
    async stop() {
      const result = await stop(handle.proc, "SIGTERM", 5000);
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
      return result;
    },
    async restart({ jsSync = handle.jsSync } = {}) {
      await stop(handle.proc, "SIGTERM", 10_000);
      clearPorts();
      Object.assign(handle, await launch(flavour, argsFor(jsSync), dir, timeoutMs), { jsSync });
      return handle;
    },
    logTail: (n = 5) => (handle.proc.out.stderr + handle.proc.out.stdout).trim().split("\n").slice(-n).join("\n"),
  };
  try {
    Object.assign(handle, await launch(flavour, argsFor(handle.jsSync), dir, timeoutMs));
  } catch (err) {
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  return handle;
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
