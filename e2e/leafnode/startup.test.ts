// Leafnode settings nats-server refuses when it starts (but accepts with -t): accounts that do
// not exist (natsts has only the global account $G). natsts refuses the same ones, with the same
// text, and exits with an error; `$G` named explicitly is fine.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { natstsServerCommand, referenceServerCommand, type Command } from "../lib/tools.js";

const dir = mkdtempSync(join(tmpdir(), "natsts-leaf-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function run(cmd: Command, conf: string, extra: string[] = []): { status: number | null; out: string } {
  const file = join(dir, `c${n++}.conf`);
  writeFileSync(file, conf);
  const r = spawnSync(cmd.command, [...cmd.args, "-c", file, "-a", "127.0.0.1", "-p", "-1", ...extra], { encoding: "utf8", timeout: 10_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const cases: Array<[string, string]> = [
  ['leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:1", account: FOO } ] }', 'cannot find local account "FOO" specified in leafnode remote'],
  ['leafnodes { listen: "127.0.0.1:-1", authorization: { users: [ { user: a, password: b, account: BAR } ] } }', 'cannot find local account "BAR" specified in leafnode authorization'],
  ['leafnodes { listen: "127.0.0.1:-1", authorization: { user: a, password: b, account: BAZ } }', 'cannot find local account "BAZ" specified in leafnode authorization'],
];

describe("leafnode checks at start", () => {
  test.each(cases)("%s", (conf, text) => {
    const ref = run(referenceServerCommand(), conf);
    const nat = run(natstsServerCommand(), conf);
    expect(ref.status).not.toBe(0);
    expect(ref.out).toContain(text);
    expect(nat.status).not.toBe(0);
    expect(nat.out).toContain(text);
    // and both accept the file with -t
    expect(run(referenceServerCommand(), conf, ["-t"]).status).toBe(0);
    expect(run(natstsServerCommand(), conf, ["-t"]).status).toBe(0);
  });

  test("the global account named explicitly is accepted", () => {
    const conf = 'leafnodes { listen: "127.0.0.1:-1", authorization: { users: [ { user: a, password: b, account: "$G" } ] }, remotes: [ { url: "nats-leaf://127.0.0.1:1", account: "$G" } ] }';
    // it starts (and is still running when the time bound ends it)
    for (const cmd of [referenceServerCommand(), natstsServerCommand()]) {
      const file = join(dir, `ok${n++}.conf`);
      writeFileSync(file, conf);
      const r = spawnSync(cmd.command, [...cmd.args, "-c", file, "-a", "127.0.0.1", "-p", "-1"], { encoding: "utf8", timeout: 3000, killSignal: "SIGKILL" });
      expect(`${r.stdout}${r.stderr}`).toContain("Server is ready");
      expect(r.signal).toBe("SIGKILL");
    }
  });
});
