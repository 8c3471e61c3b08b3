// Locations of the programs the end-to-end tests drive: the reference nats-server and nats CLI
// (installed by e2e/tools/install.sh into a per-machine cache) and the natsts launcher (bin/natsts-server,
// which needs `npm run build -w server`). A missing program is an error with a remedy in its message:
// tests that need it fail, they never skip.
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the repository (the directory holding package.json, bin/, server/, e2e/). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/**
 * Cache root of the reference tools: $NATSTS_TOOLS_DIR, else $XDG_CACHE_HOME/natsts-tools,
 * else ~/.cache/natsts-tools (the same rule as e2e/tools/install.sh).
 */
export function toolsDir(): string {
  const explicit = process.env["NATSTS_TOOLS_DIR"];
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const xdg = process.env["XDG_CACHE_HOME"];
  const cache = xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache");
  return join(cache, "natsts-tools");
}

function requireExecutable(path: string, what: string, remedy: string): string {
  if (!existsSync(path)) {
    throw new Error(`${what} not found at ${path}. ${remedy}`);
  }
  try {
    accessSync(path, constants.X_OK);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${what} at ${path} is not executable (${reason}). ${remedy}`);
  }
  return path;
}

const TOOLS_REMEDY = "Install the reference tools with `make tools` (bash e2e/tools/install.sh); " +
  "set NATSTS_TOOLS_DIR if they live elsewhere.";

/** Path of the reference nats-server binary (<tools>/current/nats-server). Throws when missing. */
export function natsServerPath(): string {
  return requireExecutable(join(toolsDir(), "current", "nats-server"), "reference nats-server", TOOLS_REMEDY);
}

/** Path of the reference nats CLI binary (<tools>/current/nats). Throws when missing. */
export function natsCliPath(): string {
  return requireExecutable(join(toolsDir(), "current", "nats"), "nats CLI", TOOLS_REMEDY);
}

/** Path of bin/natsts-server. Throws when the launcher or the server build it loads is missing. */
export function natstsLauncherPath(): string {
  const root = repoRoot();
  const launcher = join(root, "bin", "natsts-server");
  if (!existsSync(launcher)) throw new Error(`natsts launcher not found at ${launcher}`);
  const entry = join(root, "server", "dist", "cli", "main.js");
  if (!existsSync(entry)) {
    throw new Error(`natsts server is not built: ${entry} is missing. Run \`npm run build -w server\` (or \`make build\`).`);
  }
  return launcher;
}

/** A program and the arguments that precede the server flags. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

/** How to run the reference nats-server. */
export function referenceServerCommand(): Command {
  return { command: natsServerPath(), args: [] };
}

/** How to run natsts: the current Node binary with bin/natsts-server. */
export function natstsServerCommand(): Command {
  return { command: process.execPath, args: [natstsLauncherPath()] };
}
