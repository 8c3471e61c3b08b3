// Leafnode settings nats-server refuses when it starts (but accepts with -t): accounts that do
// not exist (natsts has only the global account $G). natsts refuses the same ones, with the same
// text, and exits with an error; `$G` named explicitly is fine.

import { describe, expect, test } from "vitest";
import { natstsServerCommand, referenceServerCommand } from "../lib/tools.js";
import { startupRunner, testRefusedAtStart } from "../lib/startup.js";

const runner = startupRunner("natsts-leaf-startup-");

const cases: Array<[string, string]> = [
  ['leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:1", account: FOO } ] }', 'cannot find local account "FOO" specified in leafnode remote'],
  ['leafnodes { listen: "127.0.0.1:-1", authorization: { users: [ { user: a, password: b, account: BAR } ] } }', 'cannot find local account "BAR" specified in leafnode authorization'],
  ['leafnodes { listen: "127.0.0.1:-1", authorization: { user: a, password: b, account: BAZ } }', 'cannot find local account "BAZ" specified in leafnode authorization'],
];

describe("leafnode checks at start", () => {
  testRefusedAtStart(runner, cases);

  test("the global account named explicitly is accepted", () => {
    const conf = 'leafnodes { listen: "127.0.0.1:-1", authorization: { users: [ { user: a, password: b, account: "$G" } ] }, remotes: [ { url: "nats-leaf://127.0.0.1:1", account: "$G" } ] }';
    // it starts (and is still running when the time bound ends it)
    for (const cmd of [referenceServerCommand(), natstsServerCommand()]) {
      const r = runner.run(cmd, conf, [], { timeout: 3000, killSignal: "SIGKILL" });
      expect(r.out).toContain("Server is ready");
      expect(r.signal).toBe("SIGKILL");
    }
  });
});
