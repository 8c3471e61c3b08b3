// The order a spoke tries a remote's URLs in, the same for natsts and the reference nats-server:
// with `no_randomize` the configured order, and when the hub goes away the next URL in that
// order. (Without it the order is shuffled: server/src/leafnode/remote.test.ts.)

import { afterAll, describe, expect, test } from "vitest";
import { stopAll, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { waitFor } from "../cluster/helpers.js";
import { json, type Json } from "../monitor/helpers.js";
import { leafPort, startHub, startSpoke } from "./helpers.js";

afterAll(async () => {
  await stopAll();
});

/** The name of the hub the spoke is connected to ("" when none). */
async function hubOf(spoke: ServerProcess): Promise<string> {
  const leafs = (await json(spoke, "/leafz")).leafs as Json[];
  return leafs.length === 1 ? String(leafs[0].name) : "";
}

describe.each(["reference", "natsts"] as ServerKind[])("a %s spoke with no_randomize", (kind) => {
  test("connects to the first URL, then to the next one in order as each hub goes away", async () => {
    const hubs = await Promise.all(["U1", "U2", "U3"].map((n) => startHub("natsts", n)));
    const ports = await Promise.all(hubs.map((h) => leafPort(h)));
    const spoke = await startSpoke(kind, `NR-${kind}`, [ports.map((p) => `nats-leaf://127.0.0.1:${p}`)], {
      http: true,
      remoteExtra: "no_randomize: true",
    });
    await waitFor("the spoke on U1", async () => (await hubOf(spoke)) === "U1");
    await hubs[0].stop();
    await waitFor("the spoke on U2", async () => (await hubOf(spoke)) === "U2");
    await hubs[1].stop();
    await waitFor("the spoke on U3", async () => (await hubOf(spoke)) === "U3");
    expect(await hubOf(spoke)).toBe("U3");
    await Promise.all([hubs[2].stop(), spoke.stop()]);
  }, 60_000);
});
