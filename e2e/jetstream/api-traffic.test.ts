// Differential test of the JetStream API as the official KV and object store clients and the nats
// CLI drive it: the same work runs against the reference nats-server and natsts, each fresh, and
// every API request and response is read from the API audit advisories ($JS.EVENT.ADVISORY.API,
// which carry both). The two lists, masked (times, ids, inboxes, the names and nuids the clients
// generate), must be equal one for one: any difference in a response the clients got shows here,
// including the ones the clients tolerate.
// NATSTS_E2E_DUMP=<dir> writes both masked lists to <dir>/traffic-reference.txt and traffic-natsts.txt.
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { natsCliPath } from "../lib/tools.js";
import { collectEvents, maskEvent, type EventRun } from "./events.js";
import { failure, storeDir } from "./helpers.js";

async function kvWork(nc: NatsConnection): Promise<void> {
  const kvm = new Kvm(nc);
  const kv = await kvm.create("CFG", { history: 5, ttl: 60_000 });
  await kv.put("a", "1");
  await kv.put("a", "2");
  await kv.create("b", "x");
  await failure(kv.create("b", "y"), "create of an existing key");
  await kv.update("a", "3", 2);
  await kv.get("a");
  await kv.get("nope");
  await kv.delete("a");
  await kv.purge("b");
  for await (const _ of await kv.history({ key: "a" })) void _;
  for await (const _ of await kv.keys()) void _;
  await kv.status();
  await kv.destroy();
}

async function objWork(nc: NatsConnection): Promise<void> {
  const objm = new Objm(nc);
  const os = await objm.create("FILES", { description: "traffic" });
  await os.putBlob({ name: "f1", description: "three chunks" }, new Uint8Array(300_000).fill(7));
  const blob = await os.getBlob("f1");
  if (blob?.length !== 300_000) throw new Error(`got ${blob?.length ?? "nothing"} bytes back`);
  const info = await os.info("f1");
  if (info === null) throw new Error("no info for f1");
  await os.link("l1", info);
  await os.list();
  await os.delete("f1");
  await os.status();
  await os.destroy();
}

/** `nats` (the CLI) against the server; fails on a non-zero exit. */
function cli(url: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(natsCliPath(), ["-s", url, "--no-context", "--timeout", "5s", ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err === null) resolve();
      else reject(new Error(`nats ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`));
    });
  });
}

const work = storeDir("traffic-files");

/** Streams, consumers, KV and objects through the nats CLI, one command after the other. */
async function cliWork(srv: ServerProcess): Promise<void> {
  const file = `${work.dir}/f.txt`;
  writeFileSync(file, "hello\n");
  for (const args of [
    ["stream", "add", "ORD", "--subjects", "ord.>", "--defaults", "--max-msgs=1000"],
    ["stream", "info", "ORD"],
    ["stream", "ls"],
    ["stream", "edit", "ORD", "--max-msgs=2000", "-f"],
    ["pub", "ord.a", "m1"],
    ["pub", "ord.b", "m2"],
    ["pub", "ord.a", "m3"],
    ["stream", "get", "ORD", "2"],
    ["consumer", "add", "ORD", "C1", "--pull", "--ack", "explicit", "--defaults"],
    ["consumer", "next", "ORD", "C1", "--count", "2"],
    ["consumer", "info", "ORD", "C1"],
    ["consumer", "ls", "ORD"],
    ["consumer", "rm", "ORD", "C1", "-f"],
    ["stream", "purge", "ORD", "-f", "--subject", "ord.a"],
    ["stream", "rmm", "ORD", "1", "-f"],
    ["stream", "rmm", "ORD", "2", "-f"],
    ["kv", "add", "CLIKV", "--history", "3"],
    ["kv", "put", "CLIKV", "k", "v1"],
    ["kv", "get", "CLIKV", "k"],
    ["kv", "history", "CLIKV", "k"],
    ["kv", "ls"],
    ["kv", "rm", "CLIKV", "-f"],
    ["object", "add", "CLIOBJ"],
    ["object", "put", "CLIOBJ", file, "--name", "f.txt"],
    ["object", "ls", "CLIOBJ"],
    ["object", "info", "CLIOBJ", "f.txt"],
    ["object", "rm", "CLIOBJ", "-f"],
    ["stream", "rm", "ORD", "-f"],
    ["account", "info"],
  ]) {
    // `stream rmm 1` is refused (purged: no message found); the others succeed
    await cli(srv.url, args).catch((err: unknown) => {
      if (!(args[1] === "rmm" && args[3] === "1")) throw err;
    });
  }
}

let ref: EventRun;
let mine: EventRun;

beforeAll(async () => {
  const [a, b] = await Promise.all([
    startServer("reference", { jetstream: true, name: "reference-traffic" }),
    startServer("natsts", { jetstream: true, name: "natsts-traffic" }),
  ]);
  const run = (srv: ServerProcess): Promise<EventRun> =>
    collectEvents(srv, "traffic-test", "$JS.EVENT.ADVISORY.API", async (nc: NatsConnection) => {
      await kvWork(nc);
      await objWork(nc);
      await cliWork(srv);
    });
  [ref, mine] = await Promise.all([run(a), run(b)]);
}, 60_000);

afterAll(async () => {
  await stopAll();
  work.remove();
});

/** The names the clients generated in a run (consumer names, object nuids), labelled in order of appearance. */
function generatedNames(run: EventRun): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of run.events) {
    const subject = String(e.body["subject"]);
    const consumer = /^\$JS\.API\.CONSUMER\.CREATE\.[^.]+\.([^.]+)/.exec(subject);
    if (consumer?.[1] !== undefined && !names.has(consumer[1])) names.set(consumer[1], `<consumer${names.size + 1}>`);
    // an object's chunks go to $O.<bucket>.C.<nuid>
    for (const m of `${subject} ${String(e.body["request"] ?? "")}`.matchAll(/\$O\.[^.]+\.C\.([A-Za-z0-9]+)/g)) {
      if (m[1] !== undefined && !names.has(m[1])) names.set(m[1], `<nuid${names.size + 1}>`);
    }
  }
  return names;
}

describe("JetStream API traffic of the KV and object store clients (reference nats-server vs natsts)", () => {
  test("the reference run shows what the scenario claims", () => {
    const subjects = ref.events.map((e) => String(e.body["subject"]));
    for (const want of [
      "$JS.API.STREAM.CREATE.KV_CFG",
      "$JS.API.STREAM.CREATE.OBJ_FILES",
      "$JS.API.STREAM.PURGE.OBJ_FILES",
      "$JS.API.STREAM.DELETE.KV_CFG",
      "$JS.API.STREAM.UPDATE.ORD",
      "$JS.API.STREAM.MSG.DELETE.ORD",
      "$JS.API.STREAM.CREATE.KV_CLIKV",
      "$JS.API.STREAM.CREATE.OBJ_CLIOBJ",
    ]) {
      expect(subjects, want).toContain(want);
    }
    expect(subjects.filter((s) => s.startsWith("$JS.API.CONSUMER.CREATE.")).length).toBeGreaterThanOrEqual(4);
  });

  test("natsts answers every request as nats-server does", () => {
    const want = ref.events.map((e) => maskEvent(e, ref.serverId, generatedNames(ref))).sort();
    const got = mine.events.map((e) => maskEvent(e, mine.serverId, generatedNames(mine))).sort();
    const dump = process.env["NATSTS_E2E_DUMP"];
    if (dump !== undefined && dump !== "") {
      mkdirSync(dump, { recursive: true });
      writeFileSync(join(dump, "traffic-reference.txt"), want.join("\n"));
      writeFileSync(join(dump, "traffic-natsts.txt"), got.join("\n"));
    }
    expect(got.join("\n")).toBe(want.join("\n"));
  });
});
