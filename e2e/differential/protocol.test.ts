// Differential test of the client protocol: every case of cases/ runs against the reference nats-server
// and against natsts (each started once per configuration profile, same options), and the masked
// transcripts must be identical byte-for-byte, including which connections the server closed.
//
// NATSTS_E2E_DUMP=<dir> writes every transcript to <dir>/reference.txt and <dir>/natsts.txt.
import { mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { escapeBytes, infoJsonOf, infoKeys, maskInfoJson, maskProtocolText } from "../lib/mask.js";
import { startServer, stopAll, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { RawConnection, untilClosed, untilCount, untilLine, untilText, type Matcher, type ReadResult } from "../lib/raw.js";
import { CASES, PROFILES, type Case, type ProfileName, type Step, type Wait } from "./cases/index.js";

const SIDES: readonly ServerKind[] = ["reference", "natsts"];
const DEFAULT_WAIT_MS = 1000;
const DEGRADED_WAIT_MS = 150;
const QUIET_MS = 150;

// ---------------------------------------------------------------------------------------------------
// Servers: one per (side, profile), started on first use, stopped after the file.

const servers = new Map<string, Promise<ServerProcess>>();

function serverFor(kind: ServerKind, profile: ProfileName): Promise<ServerProcess> {
  const key = `${kind}/${profile}`;
  let s = servers.get(key);
  if (s === undefined) {
    const config = PROFILES[profile].config;
    // A failed start is cached too: every case of that profile reports the same startup error at once.
    s = startServer(kind, { name: key, ...(config === undefined ? {} : { config }), startTimeoutMs: 15_000 });
    servers.set(key, s);
  }
  return s;
}

afterAll(async () => {
  await stopAll();
  const dumpDir = process.env["NATSTS_E2E_DUMP"];
  if (dumpDir !== undefined && dumpDir !== "") {
    mkdirSync(dumpDir, { recursive: true });
    for (const side of SIDES) writeFileSync(join(dumpDir, `${side}.txt`), dumps[side].join("\n"));
  }
}, 30_000);

const dumps: Record<ServerKind, string[]> = { reference: [], natsts: [] };

// ---------------------------------------------------------------------------------------------------
// Running one case against one server.

interface Transcript {
  /** Readable, masked, comparable lines. */
  readonly lines: readonly string[];
  /** Everything received, unmasked, in transcript order (latin1). */
  readonly received: string;
  /** Whether the server closed each connection. */
  readonly closed: ReadonlyMap<number, boolean>;
}

function abbreviate(escaped: string, limit = 240): string {
  if (escaped.length <= limit) return escaped;
  const hash = createHash("sha256").update(escaped).digest("hex").slice(0, 12);
  return `${escaped.slice(0, 160)}…[${escaped.length} chars escaped, sha256 ${hash}]`;
}

function pingLines(data: string | Buffer): number {
  const text = typeof data === "string" ? data : data.toString("latin1");
  // The reference answers any control line starting with PING (PING, PING foo, PINGX).
  return text.split("\n").filter((l) => /^ping/i.test(l)).length;
}

function matcherFor(wait: Wait, step: Step): Matcher | "quiet" | "none" {
  if (wait === "pong") return untilCount("PONG\r\n", Math.max(1, step.send === undefined ? 1 : pingLines(step.send)));
  if (wait === "close") return untilClosed;
  if (wait === "line") return untilLine;
  if (wait === "quiet" || wait === "none") return wait;
  if ("text" in wait) return untilText(wait.text);
  return untilCount("PONG\r\n", wait.pongs);
}

function defaultWait(step: Step): Wait {
  if (step.send === undefined) return "quiet";
  return /(^|\n)ping[^\n]*\n$/i.test(typeof step.send === "string" ? step.send : step.send.toString("latin1")) ? "pong" : "quiet";
}

// Cases in which a side let a wait run into its time bound. After a few, that side's waits are cut short
// for the rest of the file, so a server that stops answering fails every case quickly instead of slowly.
const casesWithTimeouts: Record<ServerKind, number> = { reference: 0, natsts: 0 };
const SIDE_DEGRADED_AFTER = 3;
const SIDE_DEGRADED_CASE_MS = 250;

async function runCase(k: Case, server: ServerProcess): Promise<Transcript> {
  const conns = new Map<number, RawConnection>();
  const closedLocally = new Set<number>();
  const lines: string[] = [];
  const received: string[] = [];
  const secrets = new Map<string, string>();
  const sideDegraded = casesWithTimeouts[server.kind] >= SIDE_DEGRADED_AFTER;
  const deadline = Date.now() + (sideDegraded ? SIDE_DEGRADED_CASE_MS : k.timeoutMs ?? 8000);
  let degraded = sideDegraded;
  let timedOut = false;

  const bound = (ms: number): number => Math.max(1, Math.min(degraded ? DEGRADED_WAIT_MS : ms, deadline - Date.now()));

  const record = (c: number, r: ReadResult, what: string): void => {
    if (r.data.length > 0) {
      const raw = r.data.toString("latin1");
      received.push(raw);
      const masked = maskProtocolText(raw, { secrets, extra: k.mask ?? [] });
      for (const piece of masked.split(/(?<=\n)/)) lines.push(`c${c} << ${abbreviate(escapeBytes(piece), 1200)}`);
    }
    if (r.timedOut) {
      lines.push(`c${c} !! nothing more within the time bound while waiting for ${what}`);
      degraded = true;
      if (!timedOut) casesWithTimeouts[server.kind] += 1;
      timedOut = true;
    }
  };

  const open = async (c: number): Promise<RawConnection> => {
    const existing = conns.get(c);
    if (existing !== undefined) return existing;
    const conn = await RawConnection.connect(server.port, { timeoutMs: 5000 });
    conns.set(c, conn);
    lines.push(`c${c} -- connected`);
    record(c, await conn.read(untilLine, bound(2000)), "INFO");
    return conn;
  };

  try {
    for (const step of k.steps) {
      if (step.sleepMs !== undefined) await new Promise((r) => setTimeout(r, step.sleepMs));
      const c = step.c ?? 1;
      const conn = await open(c);
      if (step.send !== undefined) {
        lines.push(`c${c} >> ${abbreviate(escapeBytes(step.send))}`);
        if (step.chunk !== undefined) await conn.writeChunked(step.send, step.chunk, 1);
        else await conn.write(step.send);
      }
      const wait = step.wait ?? defaultWait(step);
      const m = matcherFor(wait, step);
      const what = typeof wait === "string" ? wait : JSON.stringify(wait);
      if (m === "quiet") record(c, await conn.readQuiet(QUIET_MS, bound(step.timeoutMs ?? 2000)), what);
      else if (m !== "none") record(c, await conn.read(m, bound(step.timeoutMs ?? DEFAULT_WAIT_MS)), what);
      if (step.closeLocal === true) {
        conn.close();
        closedLocally.add(c);
        lines.push(`c${c} -- client closed the connection`);
      }
    }
    // Final sync: every connection still open answers a PING; then report who closed what.
    const closed = new Map<number, boolean>();
    for (const c of [...conns.keys()].sort((a, b) => a - b)) {
      const conn = conns.get(c);
      if (conn === undefined || closedLocally.has(c)) continue;
      let answered = false;
      if (!conn.closed) {
        lines.push(`c${c} >> PING\\r\\n (final sync)`);
        await conn.write("PING\r\n");
        const r = await conn.read(untilText("PONG\r\n"), bound(DEFAULT_WAIT_MS));
        answered = r.matched;
        record(c, r, "PONG to the final PING");
      }
      // Anything already received beyond that (e.g. replies no step waited for) is shown too.
      record(c, await conn.read((unread) => unread.length, 1), "the rest");
      closed.set(c, conn.closed);
      lines.push(`c${c} == ${conn.closed ? "closed by the server" : answered ? "open (answered the final PING)" : "open (final PING not answered)"}`);
    }
    return { lines, received: received.join(""), closed };
  } finally {
    for (const conn of conns.values()) conn.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Checking the reference transcript against what the case claims to exercise.

function checkReference(k: Case, t: Transcript): string[] {
  const problems: string[] = [];
  let from = 0;
  for (const text of k.ref.contains ?? []) {
    const i = t.received.indexOf(text, from);
    if (i < 0) problems.push(`expected (in order) ${JSON.stringify(abbreviate(escapeBytes(text)))}`);
    else from = i + text.length;
  }
  for (const text of k.ref.absent ?? []) {
    if (t.received.includes(text)) problems.push(`did not expect ${JSON.stringify(escapeBytes(text))}`);
  }
  const wanted = k.ref.closed;
  const closedWanted: Record<number, boolean> = typeof wanted === "boolean" ? { 1: wanted } : { ...(wanted ?? {}) };
  for (const [c, want] of Object.entries(closedWanted)) {
    const got = t.closed.get(Number(c));
    if (got !== want) problems.push(`connection ${c}: expected ${want ? "closed" : "open"}, got ${String(got)}`);
  }
  return problems;
}

function stderrTail(s: ServerProcess, n = 25): string {
  const text = s.stderr().trimEnd();
  return text === "" ? "(empty)" : text.split("\n").slice(-n).join("\n");
}

// ---------------------------------------------------------------------------------------------------

describe("differential: client protocol", () => {
  it("INFO key set and masked values match per configuration", async () => {
    const profiles = Object.keys(PROFILES) as ProfileName[];
    for (const profile of profiles) {
      const infos: Record<string, string> = {};
      for (const side of SIDES) {
        const server = await serverFor(side, profile);
        const conn = await RawConnection.connect(server.port);
        try {
          const r = await conn.read(untilLine, 2000);
          const json = infoJsonOf(r.data.toString("latin1"));
          if (json === undefined) throw new Error(`${side}/${profile}: first line is not INFO: ${escapeBytes(r.data)}`);
          infos[side] = json;
        } finally {
          conn.close();
        }
      }
      const ref = infos["reference"] ?? "";
      const ts = infos["natsts"] ?? "";
      const refKeys = infoKeys(ref);
      const tsKeys = infoKeys(ts);
      const missing = refKeys.filter((key) => !tsKeys.includes(key));
      const extra = tsKeys.filter((key) => !refKeys.includes(key));
      expect({ profile, missing, extra }, `INFO keys (${profile})`).toEqual({ profile, missing: [], extra: [] });
      expect(tsKeys, `INFO key order (${profile})`).toEqual(refKeys);
      expect(maskInfoJson(ts), `masked INFO (${profile})`).toBe(maskInfoJson(ref));
    }
  });

  for (const k of CASES) {
    it(`${k.name} [${k.profile}]`, async () => {
      const results = await Promise.allSettled(SIDES.map(async (side) => {
        const server = await serverFor(side, k.profile);
        return { server, transcript: await runCase(k, server) };
      }));
      const [refResult, tsResult] = results;
      if (refResult === undefined || tsResult === undefined) throw new Error("internal: missing side result");
      if (refResult.status === "rejected") throw refResult.reason;
      const ref = refResult.value.transcript;
      dumps.reference.push(`### ${k.name} [${k.profile}]`, ...ref.lines, "");

      const problems = checkReference(k, ref);
      if (problems.length > 0) {
        throw new Error(`the reference transcript does not show what the case claims (fix the table):\n` +
          `${problems.join("\n")}\n--- reference transcript ---\n${ref.lines.join("\n")}`);
      }
      if (tsResult.status === "rejected") {
        const reason: unknown = tsResult.reason;
        dumps.natsts.push(`### ${k.name} [${k.profile}]`, `!! ${String(reason)}`, "");
        throw new Error(`natsts side failed: ${reason instanceof Error ? reason.message : String(reason)}`);
      }
      const ts = tsResult.value.transcript;
      dumps.natsts.push(`### ${k.name} [${k.profile}]`, ...ts.lines, "");
      const same = ts.lines.join("\n") === ref.lines.join("\n");
      expect(ts.lines.join("\n"), same ? "" :
        `natsts differs from the reference nats-server (expected = reference, received = natsts)\n` +
        `--- natsts stderr (tail) ---\n${stderrTail(tsResult.value.server)}\n--- end of stderr ---\n`).toBe(ref.lines.join("\n"));
    }, 40_000);
  }
});
