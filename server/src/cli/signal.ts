// --signal <cmd>[=<pid>]: send a signal to a running natsts-server, as nats-server's -sl does.
// <pid> may be a process id or the path of a PID file; without it, the one running
// natsts-server process is found in /proc.

import { readdirSync, readFileSync } from "node:fs";

const SIGNALS: Record<string, NodeJS.Signals> = {
  stop: "SIGKILL",
  quit: "SIGINT",
  term: "SIGTERM",
  reopen: "SIGUSR1",
  reload: "SIGHUP",
  ldm: "SIGUSR2",
};

function findServerPids(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1");
    } catch {
      continue; // the process ended while we looked: not a candidate
    }
    const args = cmdline.split("\0");
    if (args.some((a) => a.endsWith("natsts-server") || a.endsWith("cli/main.js")) && !args.some((a) => a === "--signal" || a === "-sl" || a.startsWith("--signal=") || a.startsWith("-sl="))) {
      out.push(pid);
    }
  }
  return out;
}

function resolvePid(pid: string | undefined): number {
  if (pid === undefined || pid === "") {
    const pids = findServerPids();
    if (pids.length === 0) throw new Error("no natsts-server processes running");
    if (pids.length > 1) throw new Error(`multiple natsts-server processes running:\n${pids.join("\n")}`);
    return pids[0];
  }
  if (/^\d+$/.test(pid)) return Number(pid);
  const text = readFileSync(pid, "utf8").trim();
  if (!/^\d+$/.test(text)) throw new Error(`invalid pid file ${pid}: ${JSON.stringify(text)}`);
  return Number(text);
}

export function sendSignal(command: string, pid: string | undefined): void {
  const sig = SIGNALS[command];
  if (sig === undefined) throw new Error(`unknown signal "${command}"`);
  process.kill(resolvePid(pid), sig);
}
