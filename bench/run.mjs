#!/usr/bin/env node
// natsts benchmark: starts natsts and the reference nats-server side by side on 127.0.0.1, drives
// both alternately with the same load (mostly `nats bench`), and prints a Markdown table of the
// medians with the ratio natsts / nats-server. A full run also writes bench/RESULTS.md.
// Figures, not tests: nothing here passes or fails on performance. See bench/README.md.
import { writeFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";
import { installCleanup, run, sleep } from "./lib/procs.mjs";
import { flavours, natsCli, repoRoot, startServer, versionOf } from "./lib/servers.mjs";
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
BENCH_MAX_SECONDS (watchdog for the whole run, 600), NATSTS_TOOLS_DIR (reference tools cache).`;

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
    maxSeconds: envInt("BENCH_MAX_SECONDS", 600),
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
    for (const s of scenarios) console.log(`${s.id.padEnd(12)} ${s.title}`);
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
  const { subject, reference } = flavours({ refVsRef: opts.refVsRef });
  const cliVersion = await run(cli, ["--version"], { timeoutMs: 10_000 })
    .then((r) => (r.stdout + r.stderr).trim().split("\n")[0])
    .catch(() => "unknown");
  const versions = {
    subject: await versionOf(subject),
    reference: await versionOf(reference),
    cli: `nats CLI ${cliVersion} (\`nats bench\`)`,
  };
  const started = new Date();
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  const cpuList = cpus();
  const machine =
    `${cpuList.length} cores (${cpuList[0]?.model?.trim() ?? "unknown CPU"}), Linux ${release()}, ` +
    `Node ${process.version}, load average at start ${load}`;
  const notes = [];
  if (opts.refVsRef) {
    notes.push("Reference-vs-reference run: both columns are nats-server (harness sanity check; ratios should be ≈1).");
  }

  const ctx = {
    cli,
    rounds: opts.rounds,
    targetSeconds: opts.targetSeconds,
    latencyRequests: opts.latencyRequests,
    idleConnections: opts.idleConnections,
    /** Time limit for one measurement expected to last `seconds` (null: unknown, calibration). */
    timeoutFor: (seconds) =>
      seconds === null || !Number.isFinite(seconds) ? 60_000 : Math.min(90_000, 10_000 + 6_000 * seconds),
  };

  log(`bench: ${subject.label} ${versions.subject} vs ${reference.label} ${versions.reference}`);
  log(`bench: ${machine}; ${opts.rounds} rounds; scenarios: ${selected.map((s) => s.id).join(", ")}`);

  // Long-lived servers, one per flavour and server flags, shared by the scenarios that need them.
  const pool = new Map();
  async function sharedServer(flavour, scenario) {
    const key = `${flavour.label}|${JSON.stringify(scenario.serverArgs ?? [])}`;
    let server = pool.get(key);
    if (server && !server.alive()) {
      const note = `${flavour.label} exited during the run (restarted before ${scenario.id}); last output: ${server.logTail(3)}`;
      log(`bench: ${note}`);
      notes.push(note.replace(/\n/g, " | "));
      server = undefined;
    }
    if (!server) {
      server = await startServer(flavour, { extraArgs: scenario.serverArgs ?? [] });
      log(`bench: started ${flavour.label} pid ${server.pid} at ${server.url}`);
      pool.set(key, server);
    }
    return server;
  }

  const rows = [];
  let failures = 0;
  const sides = [
    { key: "subject", flavour: subject },
    { key: "reference", flavour: reference },
  ];
  try {
    // Preflight: both servers must start at all (a broken build fails here, once, with its output).
    for (const { flavour } of sides) await sharedServer(flavour, { id: "preflight" });

    for (const scenario of selected) {
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
              server = await startServer(flavour, { extraArgs: scenario.serverArgs ?? [] });
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
        const row = { scenario, figure: f };
        for (const { key } of sides) {
          row[key] = { values: acc[key].values[f.key], errors: acc[key].errors, detail: acc[key].detail };
        }
        rows.push(row);
        const s = median(row.subject.values);
        const r = median(row.reference.values);
        const ratio = ratioOf(s, r);
        log(
          `[${scenario.id}] ${f.label}: ${subject.label} ${summarize(f, row.subject.values)}, ` +
            `${reference.label} ${summarize(f, row.reference.values)}, ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"}`,
        );
      }
      if (sides.some(({ key }) => acc[key].errors.length)) failures++;
    }
  } finally {
    for (const server of pool.values()) await server.stop();
  }

  const meta = {
    date: started.toISOString(),
    machine,
    subjectLabel: subject.label,
    referenceLabel: reference.label,
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
  if (failures) log(`bench: ${failures} scenario(s) had errors (see the Rounds section)`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
