// Gateway settings nats-server refuses when it starts (but accepts with -t): natsts refuses the
// same ones, with the same text, and exits with an error.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { natstsServerCommand, referenceServerCommand, type Command } from "../lib/tools.js";

const dir = mkdtempSync(join(tmpdir(), "natsts-gw-startup-"));
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
  ["gateway { listen: \"127.0.0.1:-1\" }", "gateway has no name"],
  ["gateway { name: A }", 'gateway "A" has no port specified (select -1 for random port)'],
  ["cluster { name: B, listen: \"127.0.0.1:-1\" }\ngateway { name: A, listen: \"127.0.0.1:-1\" }", "cluster name conflicts between cluster and gateway definitions"],
  ["gateway { name: A, listen: \"127.0.0.1:-1\", gateways: [{ name: B }] }", 'gateway "B" has no URL'],
  ["gateway { name: A, listen: \"127.0.0.1:-1\", gateways: [{ url: \"nats://127.0.0.1:1\" }] }", "gateway in the list 0 has no name"],
];

describe("gateway checks at start", () => {
  test.each(cases)("%s", (conf, text) => {
    const ref = run(referenceServerCommand(), conf);
    const nat = run(natstsServerCommand(), conf);
    expect(ref.status).not.toBe(0);
    expect(ref.out).toContain(text);
    expect(nat.status, nat.out).not.toBe(0);
    expect(nat.out).toContain(text);
    // and both accept the file with -t
    expect(run(referenceServerCommand(), conf, ["-t"]).status).toBe(0);
    expect(run(natstsServerCommand(), conf, ["-t"]).status).toBe(0);
  });
});
