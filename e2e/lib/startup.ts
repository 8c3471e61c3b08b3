// Server start-up checks: a server binary run once on a configuration file (bounded in time), and
// the test that nats-server and natsts both refuse a configuration at start with the same text,
// yet accept it with -t (which only parses it).

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { natstsServerCommand, referenceServerCommand, type Command } from "./tools.js";

export interface StartupRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout then stderr */
  readonly out: string;
}

export interface StartupRunner {
  /**
   * Writes `conf` to a new file and runs `cmd -c <file> -a 127.0.0.1 -p -1 ...extra` to its end
   * (10 s at most: past the bound it throws), or, given a `killSignal`, until the bound ends it.
   */
  run(cmd: Command, conf: string, extra?: readonly string[], options?: Pick<SpawnSyncOptions, "timeout" | "killSignal">): StartupRun;
}

/** A runner whose files live in a temporary directory (prefix `prefix`), removed after the test file. */
export function startupRunner(prefix: string): StartupRunner {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    run(cmd, conf, extra = [], options = {}) {
      const file = join(dir, `c${n++}.conf`);
      writeFileSync(file, conf);
      const r = spawnSync(cmd.command, [...cmd.args, "-c", file, "-a", "127.0.0.1", "-p", "-1", ...extra], {
        encoding: "utf8",
        timeout: 10_000,
        ...options,
      });
      if (r.error !== undefined && options.killSignal === undefined) throw r.error;
      return { status: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
    },
  };
}

/** One test per [configuration, text]: both servers exit with an error that contains the text, and accept it with -t. */
export function testRefusedAtStart(runner: StartupRunner, cases: ReadonlyArray<readonly [string, string]>): void {
  test.each(cases)("%s", (conf, text) => {
    const ref = runner.run(referenceServerCommand(), conf);
    const nat = runner.run(natstsServerCommand(), conf);
    expect(ref.status, ref.out).not.toBe(0);
    expect(ref.out).toContain(text);
    expect(nat.status, nat.out).not.toBe(0);
    expect(nat.out).toContain(text);
    expect(runner.run(referenceServerCommand(), conf, ["-t"]).status).toBe(0);
    expect(runner.run(natstsServerCommand(), conf, ["-t"]).status).toBe(0);
  });
}
