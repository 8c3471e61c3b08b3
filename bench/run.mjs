#!/usr/bin/env node
// natsts benchmark: starts natsts and the reference nats-server side by side on 127.0.0.1, drives
// them alternately with the same load (mostly `nats bench`), and prints Markdown tables of the
// medians with the ratios natsts / nats-server. Core NATS scenarios compare natsts with nats-server;
// JetStream scenarios compare natsts (its default: fsync before ack) with nats-server in its default
// (lazy fsync, sync_interval 2 min) and with `sync_interval: always`. A full run also writes
// bench/RESULTS.md.
// Figures, not tests: nothing here passes or fails on performance. See bench/README.md.
import { writeFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";
import { installCleanup, run, sleep } from "./lib/procs.mjs";
import { filesystemOf, flavours, natsCli, repoRoot, startServer, storeRoot, versionOf } from "./lib/servers.mjs";
import { formatValue, median, renderMarkdown, ratioOf } from "./lib/report.mjs";
import { scenarios } from "./scenarios/index.mjs";

const HELP = `usage: node bench/run.mjs [options]

  --only <id>[,<id>...]  run only these scenarios (see --list); the table is printed, not written
  --list                 list the scenarios and exit
  --rounds <n>           rounds per server (default $BENCH_ROUNDS or 3)
  --ref-vs-ref           compare nats-server with a second nats-server (harness sanity check;
                         ratios should come out near 1.0); the table is printed, not written
  --out <file>           also write the table to <file> (default for a full natsts run: bench/RESULTS.md)
  --no-write             do not write bench/RESULTS.md
  -h, --help             this help

Environment: BENCH_ROUNDS (3), BENCH_SECONDS (target duration of one throughput run, 2),
BENCH_LAT_REQS (sequential requests per latency run, 5000), BENCH_IDLE_CONNS (2000),
BENCH_MAX_SECONDS (watchdog for the whole run, 900), BENCH_STORE_DIR (parent of the JetStream
store directories, default the system temporary directory), NATSTS_TOOLS_DIR (reference tools cache).`;

function parseArgs(argv) {
  const envInt = (name, dflt) => {
    const v = process.env[name];
    if (v === undefined || v === "") return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
    return n;
  };
  const opts = {
    only: null,
    list: false,
    refVsRef: false,
    rounds: Math.floor(envInt("BENCH_ROUNDS", 3)),
    out: null,
    write: true,
    targetSeconds: envInt("BENCH_SECONDS", 2),
    latencyRequests: Math.floor(envInt("BENCH_LAT_REQS", 5000)),
    idleConnections: Math.floor(envInt("BENCH_IDLE_CONNS", 2000)),
    maxSeconds: envInt("BENCH_MAX_SECONDS", 900),
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case "--only":
        opts.only = next().split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "--list":
        opts.list = true;
        break;
      case "--ref-vs-ref":
        opts.refVsRef = true;
        break;
      case "--rounds": {
        const n = Number(next());
        if (!Number.isInteger(n) || n < 1) throw new Error("--rounds needs a positive integer");
        opts.rounds = n;
        break;
      }
      case "--out":
        opts.out = next();
        break;
      case "--no-write":
        opts.write = false;
        break;
      case "-h":
      case "--help":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg} (see --help)`);
    }
  }
  return opts;
}

const log = (msg) => process.stderr.write(`${msg}\n`);
const errText = (err) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();

function summarize(figure, values) {
  return `${formatValue(median(values), figure.unit)} ${figure.unit}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    for (const s of scenarios) console.log(`${s.id.padEnd(14)} ${s.title}`);
    return 0;
  }
  let selected = scenarios;
  if (opts.only) {
    const unknown = opts.only.filter((id) => !scenarios.some((s) => s.id === id));
    if (unknown.length) {
      throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${scenarios.map((s) => s.id).join(", ")}`);
    }
    selected = scenarios.filter((s) => opts.only.includes(s.id));
  }

  installCleanup();
  setTimeout(() => {
    log(`bench: still running after ${opts.maxSeconds} s (BENCH_MAX_SECONDS); stopping everything`);
    process.exit(2);
  }, opts.maxSeconds * 1000).unref();

  const cli = natsCli();
  const { subject, reference, referenceAlways } = flavours({ refVsRef: opts.refVsRef });
  // The servers compared, per kind of scenario (scenario.sides): the first is the subject, the
  // ratios are subject / each other side.
  const SIDES = {
    core: [
      { key: "subject", flavour: subject, label: subject.label },
      { key: "reference", flavour: reference, label: reference.label },
    ],
    jetstream: [
      { key: "subject", flavour: subject, label: subject.label },
      { key: "reference", flavour: reference, label: `${reference.label} default` },
      { key: "always", flavour: referenceAlways, label: referenceAlways.label },
    ],
  };
  const sidesOf = (scenario) => {
    const sides = SIDES[scenario.sides ?? "core"];
    if (!sides) throw new Error(`scenario ${scenario.id}: unknown sides "${scenario.sides}"`);
    return sides;
  };
  const cliVersion = await run(cli, ["--version"], { timeoutMs: 10_000 })
    .then((r) => (r.stdout + r.stderr).trim().split("\n")[0])
    .catch(() => "unknown");
  const versions = {
    subject: await versionOf(subject),
    reference: await versionOf(reference),
    cli: `nats CLI ${cliVersion} (\`nats bench\`)`,
  };
  const jetstreamSelected = selected.some((s) => s.jetstream);
  let storeNote = null;
  if (jetstreamSelected) {
    const dir = storeRoot();
    const fs = await filesystemOf(dir);
    storeNote =
      `JetStream stores: a new, empty directory per server start under \`${dir}\`` +
      (fs ? ` (${fs.type} on ${fs.device}, mounted at ${fs.mount})` : "") +
      ", the same filesystem for every server; deleted when the server stops";
    if (fs && /tmpfs|ramfs|overlay/.test(fs.type)) {
      storeNote += `. WARNING: ${fs.type} is not a real disk, fsync costs nothing there; set BENCH_STORE_DIR to a directory on disk`;
    }
  }
  const started = new Date();
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  const cpuList = cpus();
  const machine =
    `${cpuList.length} cores (${cpuList[0]?.model?.trim() ?? "unknown CPU"}), Linux ${release()}, ` +
    `Node ${process.version}, load average at start ${load}`;
  const notes = [];
  if (opts.refVsRef) {
    notes.push(
      "Reference-vs-reference run: the first column is a second nats-server (JetStream: its default settings) " +
        "instead of natsts (harness sanity check; ratios against the same settings should be ≈1).",
    );
  }
  if (storeNote) notes.push(storeNote);

  const ctx = {
    cli,
    rounds: opts.rounds,
    targetSeconds: opts.targetSeconds,
    latencyRequests: opts.latencyRequests,
    idleConnections: opts.idleConnections,
    log: (msg) => log(msg),
    /** Time limit for one measurement expected to last `seconds` (null: unknown, calibration). */
    timeoutFor: (seconds) =>
      seconds === null || !Number.isFinite(seconds) ? 60_000 : Math.round(Math.min(90_000, 10_000 + 6_000 * seconds)),
  };

  log(`bench: ${subject.label} ${versions.subject} vs ${reference.label} ${versions.reference}`);
  if (storeNote) log(`bench: ${storeNote}`);
  log(`bench: ${machine}; ${opts.rounds} rounds; scenarios: ${selected.map((s) => s.id).join(", ")}`);

  // Long-lived servers, one per flavour and server flags (or scenario.pool), shared by the scenarios
  // that need them; a pool entry is stopped once no remaining scenario uses it.
  const pool = new Map();
  const poolKey = (flavour, scenario) =>
    `${flavour.label}|${scenario.jetstream ? "js" : "core"}|${scenario.pool ?? JSON.stringify(scenario.serverArgs ?? [])}`;
  const serverOptions = (scenario) => ({ extraArgs: scenario.serverArgs ?? [], jetstream: !!scenario.jetstream });
  async function sharedServer(flavour, scenario) {
    const key = poolKey(flavour, scenario);
    let server = pool.get(key);
    if (server && !server.alive()) {
      const note = `${flavour.label} exited during the run (restarted before ${scenario.id}); last output: ${server.logTail(3)}`;
      log(`bench: ${note}`);
      notes.push(note.replace(/\n/g, " | "));
      server = undefined;
    }
    if (!server) {
      server = await startServer(flavour, serverOptions(scenario));
      log(`bench: started ${flavour.label} pid ${server.pid} at ${server.url}${server.storeDir ? ` (store ${server.storeDir})` : ""}`);
      pool.set(key, server);
    }
    return server;
  }

  async function releaseUnused(remaining) {
    const needed = new Set();
    for (const s of remaining) {
      if (s.fresh) continue;
      for (const { flavour } of sidesOf(s)) needed.add(poolKey(flavour, s));
    }
    for (const [key, server] of pool) {
      if (needed.has(key)) continue;
      pool.delete(key);
      await server.stop();
    }
  }

  const rows = [];
  let failures = 0;
  try {
    // Preflight: both servers must start at all (a broken build fails here, once, with its output).
    for (const { flavour } of SIDES.core) await sharedServer(flavour, { id: "preflight" });

    for (const [index, scenario] of selected.entries()) {
      await releaseUnused(selected.slice(index));
      const sides = sidesOf(scenario);
      log(`\n[${scenario.id}] ${scenario.title}`);
      const acc = {};
      for (const { key } of sides) {
        acc[key] = { values: Object.fromEntries(scenario.figures.map((f) => [f.key, []])), errors: [], detail: "" };
      }
      const states = {};
      let runnable = true;
      try {
        scenario.check?.(ctx);
      } catch (err) {
        runnable = false;
        log(`[${scenario.id}] ERROR: ${errText(err)}`);
        for (const { key } of sides) acc[key].errors.push(errText(err));
      }
      if (runnable && !scenario.fresh) {
        for (const { key, flavour } of sides) {
          try {
            const server = await sharedServer(flavour, scenario);
            states[key] = scenario.prepare ? await scenario.prepare(ctx, server) : {};
            acc[key].detail = scenario.describe?.(states[key], ctx) ?? "";
            if (acc[key].detail) log(`[${scenario.id}] ${flavour.label}: ${acc[key].detail}`);
          } catch (err) {
            log(`[${scenario.id}] ${flavour.label} calibration failed: ${errText(err)}`);
            acc[key].errors.push(`calibration/warm-up: ${errText(err)}`);
          }
        }
      }
      for (let round = 1; runnable && round <= ctx.rounds; round++) {
        for (const { key, flavour } of sides) {
          if (!scenario.fresh && states[key] === undefined) continue;
          let server;
          const t0 = Date.now();
          try {
            if (scenario.fresh) {
              server = await startServer(flavour, serverOptions(scenario));
              states[key] = scenario.prepare ? await scenario.prepare(ctx, server) : {};
              acc[key].detail = scenario.describe?.(states[key], ctx) ?? "";
            } else {
              server = await sharedServer(flavour, scenario);
            }
            const values = await scenario.run(ctx, server, states[key]);
            const parts = [];
            for (const f of scenario.figures) {
              acc[key].values[f.key].push(values[f.key]);
              parts.push(`${f.key} ${formatValue(values[f.key], f.unit)} ${f.unit}`);
            }
            log(`[${scenario.id}] round ${round} ${flavour.label}: ${parts.join(", ")} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
          } catch (err) {
            log(`[${scenario.id}] round ${round} ${flavour.label} FAILED: ${errText(err)}`);
            acc[key].errors.push(`round ${round}: ${errText(err)}`);
          } finally {
            if (scenario.fresh && server) await server.stop();
          }
          await sleep(250);
        }
      }
      for (const f of scenario.figures) {
        const row = {
          scenario,
          figure: f,
          sides: sides.map(({ key, label }) => ({
            key,
            label,
            values: acc[key].values[f.key],
            errors: acc[key].errors,
            detail: acc[key].detail,
          })),
        };
        rows.push(row);
        const s = median(row.sides[0].values);
        const parts = row.sides.map((side) => `${side.label} ${summarize(f, side.values)}`);
        const ratios = row.sides.slice(1).map((side) => {
          const ratio = ratioOf(s, median(side.values));
          return `/${side.label} ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"}`;
        });
        log(`[${scenario.id}] ${f.label}: ${parts.join(", ")}; ratios ${ratios.join(", ")}`);
      }
      if (sides.some(({ key }) => acc[key].errors.length)) failures++;
    }
  } finally {
    for (const server of pool.values()) {
      try {
        await server.stop();
      } catch (err) {
        log(`bench: stopping ${server.label}: ${errText(err)}`);
      }
    }
    pool.clear();
  }

  notes.push(
    `Load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ` +
      `the run took ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min`,
  );
  const meta = {
    date: started.toISOString(),
    machine,
    subjectLabel: subject.label,
    referenceLabel: reference.label,
    alwaysLabel: referenceAlways.label,
    versions,
    rounds: ctx.rounds,
    command: process.argv.length > 2 ? `node bench/run.mjs ${process.argv.slice(2).join(" ")}` : "make bench (node bench/run.mjs)",
    notes,
  };
  const markdown = renderMarkdown(meta, rows);
  process.stdout.write(`\n${markdown}`);
  const targets = [];
  if (opts.out) targets.push(opts.out);
  if (opts.write && !opts.only && !opts.refVsRef) targets.push(join(repoRoot, "bench", "RESULTS.md"));
  for (const file of new Set(targets)) {
    writeFileSync(file, markdown);
    log(`bench: wrote ${file}`);
  }
  if (failures) log(`bench: ${failures} scenario(s) had errors (see the Failures section)`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
