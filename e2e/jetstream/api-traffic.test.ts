// Differential test of the JetStream API as the official JetStream, KV and object store clients and
// the nats CLI drive it: the same work runs against the reference nats-server and natsts, each fresh, and
// every API request and response is read from the API audit advisories ($JS.EVENT.ADVISORY.API,
// which carry both). The two lists, masked (times, ids, inboxes, the names and nuids the clients
// generate), must be equal one for one: any difference in a response the clients got shows here,
// including the ones the clients tolerate.
// NATSTS_E2E_DUMP=<dir> writes both masked lists to <dir>/traffic-reference.txt and traffic-natsts.txt.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, ReplayPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { collectEvents, maskEvent, type EventRun } from "./events.js";
import { failure, natsCli, storeDir } from "./helpers.js";

/** Streams and consumers through @nats-io/jetstream: infos, lists, fetches, ordered consumers, purges, gets. */
async function jsWork(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: 3000 });
  const js = jetstream(nc, { timeout: 3000 });
  await jsm.streams.add({ name: "F", subjects: ["f.>"], max_msgs_per_subject: 3, description: "flows", metadata: { a: "b" } });
  for (let i = 0; i < 10; i++) await js.publish(`f.${i % 3}`, `m${i}`, { msgID: `id${i}` });
  await jsm.streams.info("F", { subjects_filter: ">" });
  await jsm.streams.info("F", { deleted_details: true });
  await jsm.streams.find("f.1");
  for await (const _ of jsm.streams.list()) void _;
  for await (const _ of jsm.streams.names()) void _;
  await jsm.consumers.add("F", { durable_name: "D", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.LastPerSubject, filter_subjects: ["f.0", "f.1"], metadata: { x: "y" } });
  await jsm.consumers.update("F", "D", { description: "upd", max_ack_pending: 10 });
  for await (const m of await (await js.consumers.get("F", "D")).fetch({ max_messages: 5, expires: 1000 })) m.ack();
  await jsm.consumers.info("F", "D");
  // an ordered consumer (its name is generated)
  for await (const _ of await (await js.consumers.get("F")).fetch({ max_messages: 3, expires: 1000 })) void _;
  await jsm.consumers.add("F", { durable_name: "P", ack_policy: AckPolicy.Explicit, deliver_subject: "push.here", idle_heartbeat: 5e9, flow_control: true });
  await jsm.consumers.add("F", {
    name: "E", ack_policy: AckPolicy.All, inactive_threshold: 60e9, replay_policy: ReplayPolicy.Original, headers_only: true,
    max_deliver: 3, backoff: [1e9, 2e9], ack_wait: 3e9,
  });
  await jsm.streams.purge("F", { filter: "f.2", keep: 1 });
  await jsm.streams.getMessage("F", { last_by_subj: "f.1" });
  // gone by the per-subject limit: the client answers null
  if ((await jsm.streams.getMessage("F", { seq: 1 })) !== null) throw new Error("seq 1 should be gone");
  await jsm.streams.deleteMessage("F", 10, false);
  await jsm.streams.update("F", { subjects: ["f.>", "g.>"], max_msgs_per_subject: 5, description: "flows2" });
  await jsm.consumers.delete("F", "D");
  await jsm.consumers.pause("F", "P", new Date("2099-06-01T00:00:00Z"));
  await jsm.streams.delete("F");
  await jsm.getAccountInfo();
}

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
    await natsCli(srv.url, args).catch((err: unknown) => {
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
      await jsWork(nc);
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
    // the scenario's own names are short; the clients generate 8 characters or more
    const name = consumer?.[1];
    if (name !== undefined && name.length >= 8 && !names.has(name)) names.set(name, `<consumer${names.size + 1}>`);
    // an object's chunks go to $O.<bucket>.C.<nuid>
    for (const m of `${subject} ${String(e.body["request"] ?? "")}`.matchAll(/\$O\.[^.]+\.C\.([A-Za-z0-9]+)/g)) {
      if (m[1] !== undefined && !names.has(m[1])) names.set(m[1], `<nuid${names.size + 1}>`);
    }
  }
  return names;
}

describe("JetStream API traffic of the official clients and the nats CLI (reference nats-server vs natsts)", () => {
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
      "$JS.API.CONSUMER.PAUSE.F.P",
      "$JS.API.STREAM.MSG.DELETE.F",
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
