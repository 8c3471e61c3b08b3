// Differential test of the JetStream events on $JS.EVENT.>: one scenario through the official client
// (stream created, updated and deleted; consumers with max_deliver and ack sampling: naks up to max
// deliveries, a term with a reason, sampled acks, an ack after the term, an ack subject with another
// delivery count; pause and resume; an API error) runs against the reference nats-server and
// natsts, each fresh.
// Every event is validated against its jsm.go JSON schema, then masked (ids, times, server ids,
// per-run numbers) and the two sets compared. They are compared sorted: nats-server sends its
// events from another goroutine, so their order across subjects is not fixed.
// NATSTS_E2E_DUMP=<dir> writes both masked lists to <dir>/events-reference.txt and events-natsts.txt.
import { AckPolicy, jetstream, jetstreamManager, type Consumer, type ConsumerConfig, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { schemaIds, validateJs } from "../lib/jsschemas.js";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { collectEvents, maskEvent, type EventRun } from "./events.js";
import { failure, natsCli, storeDir } from "./helpers.js";

/** The schema of an event's type (io.nats.jetstream.advisory.v1.nak -> jetstream/advisory/v1/nak). */
function schemaOf(type: string): string {
  const m = /^io\.nats\.jetstream\.(advisory|metric)\.v1\.(\w+)$/.exec(type);
  if (m === null) throw new Error(`unknown event type ${type}`);
  return `jetstream/${m[1]}/v1/${m[2]}`;
}

async function scenario(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: 3000 });
  const js = jetstream(nc, { timeout: 3000 });
  await jsm.streams.add({ name: "ADV", subjects: ["adv.>"] });
  await jsm.streams.update("ADV", { subjects: ["adv.>"], max_msgs: 100 });
  await js.publish("adv.nak", "n");
  await js.publish("adv.term", "t");
  await js.publish("adv.ack", "a1");
  await js.publish("adv.ack", "a2");
  // one consumer per case, each on its own subject: the next delivery is known whatever the timing
  const consumer = async (name: string, filter: string, extra: Partial<ConsumerConfig> = {}): Promise<Consumer> => {
    await jsm.consumers.add("ADV", { durable_name: name, ack_policy: AckPolicy.Explicit, filter_subject: filter, ...extra });
    return js.consumers.get("ADV", name);
  };
  const next = async (c: Consumer): Promise<JsMsg> => {
    const m = await c.next({ expires: 2000 });
    if (m === null) throw new Error("no message");
    return m;
  };
  // delivered twice, both nak'ed: the second reaches max_deliver (parked, advisory)
  const n = await consumer("N", "adv.nak", { max_deliver: 2 });
  (await next(n)).nak();
  (await next(n)).nak();
  // nats-server parks it (and tells) when it next looks for something to deliver
  if ((await n.next({ expires: 1000 })) !== null) throw new Error("delivered past max_deliver");
  // terminated with a reason, then acked when no longer pending (sampled, but no metric)
  const t = await consumer("T", "adv.term", { sample_freq: "100" });
  const tm = await next(t);
  tm.term("not for me");
  await tm.ackAck();
  // a sampled ack; then an ack on a subject whose delivery count says 7: the metric reports it as given
  const a = await consumer("A", "adv.ack", { sample_freq: "100%" });
  await (await next(a)).ackAck();
  const i = (await next(a)).info;
  await nc.request(`$JS.ACK.ADV.A.7.${i.streamSequence}.${i.deliverySequence}.${i.timestampNanos}.${i.pending}`, "+ACK", { timeout: 2000 });
  await jsm.consumers.pause("ADV", "A", new Date("2099-01-01T00:00:00Z"));
  await jsm.consumers.resume("ADV", "A");
  await jsm.consumers.delete("ADV", "A");
  await failure(jsm.streams.info("NOPE"), "info of an unknown stream");
  await jsm.streams.delete("ADV");
}


/** A stream with a consumer backed up, removed and restored with the CLI (snapshot and restore events). */
async function backupAndRestore(nc: NatsConnection, url: string, dir: string): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: 3000 });
  const js = jetstream(nc, { timeout: 3000 });
  await jsm.streams.add({ name: "BK", subjects: ["bk.>"] });
  await js.publish("bk.a", "one");
  await js.publish("bk.b", "two");
  await jsm.consumers.add("BK", { durable_name: "D", ack_policy: AckPolicy.Explicit });
  await natsCli(url, ["stream", "backup", "BK", dir, "--no-progress", "--consumers"]);
  await natsCli(url, ["stream", "rm", "BK", "-f"]);
  await natsCli(url, ["stream", "restore", dir, "--no-progress"]);
  await jsm.streams.delete("BK");
}

let ref: EventRun;
let mine: EventRun;
const work = storeDir("events-backups");

beforeAll(async () => {
  const [a, b] = await Promise.all([
    startServer("reference", { jetstream: true, name: "reference-events" }),
    startServer("natsts", { jetstream: true, name: "natsts-events" }),
  ]);
  const run = (srv: ServerProcess, dir: string): Promise<EventRun> =>
    collectEvents(srv, "advisories-test", "$JS.EVENT.>", async (nc) => {
      await scenario(nc);
      await backupAndRestore(nc, srv.url, dir);
    });
  [ref, mine] = await Promise.all([run(a, `${work.dir}/reference`), run(b, `${work.dir}/natsts`)]);
}, 60_000);

afterAll(async () => {
  await stopAll();
  work.remove();
});

describe("JetStream events (reference nats-server vs natsts)", () => {
  test("the reference run shows what the scenario claims", () => {
    const types = ref.events.map((e) => `${e.subject.replace(/\.(ADV|BK)(\.[A-Z])?$/, "")}`);
    for (const want of [
      "$JS.EVENT.ADVISORY.API",
      "$JS.EVENT.ADVISORY.STREAM.CREATED",
      "$JS.EVENT.ADVISORY.STREAM.UPDATED",
      "$JS.EVENT.ADVISORY.STREAM.DELETED",
      "$JS.EVENT.ADVISORY.CONSUMER.CREATED",
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED",
      "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED",
      "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES",
      "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED",
      "$JS.EVENT.ADVISORY.CONSUMER.PAUSE",
      "$JS.EVENT.METRIC.CONSUMER.ACK",
      "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE",
      "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_COMPLETE",
      "$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE",
      "$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE",
    ]) {
      expect(types, want).toContain(want);
    }
    const metrics = ref.events.filter((e) => e.subject.startsWith("$JS.EVENT.METRIC."));
    expect(metrics.map((e) => [e.body["consumer"], e.body["stream_seq"], e.body["deliveries"]])).toEqual([["A", 3, 1], ["A", 4, 7]]);
    const parked = ref.events.filter((e) => e.subject.startsWith("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."));
    expect(parked.map((e) => [e.body["consumer"], e.body["stream_seq"], e.body["deliveries"]])).toEqual([["N", 1, 2]]);
  });

  test("every event validates against its JSON schema", () => {
    const known = new Set(schemaIds());
    const problems: string[] = [];
    for (const [label, r] of [["reference", ref], ["natsts", mine]] as const) {
      for (const e of r.events) {
        const id = schemaOf(String(e.body["type"]));
        if (!known.has(id)) problems.push(`${label}: no schema ${id}`);
        else {
          for (const p of validateJs(id, e.body)) {
            // the nak and terminated schemas declare consumer_seq a string; nats-server sends a number
            if (/^\/consumer_seq must be string/.test(p) && typeof e.body["consumer_seq"] === "number") continue;
            // the snapshot_create schema asks for blocks and block_size; nats-server 2.12 sends the stream state
            if (id.endsWith("/snapshot_create") && /'blocks'|'block_size'|"additionalProperty":"state"/.test(p)) continue;
            problems.push(`${label}: ${e.subject}: ${p}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("natsts sends the same events as nats-server", () => {
    const want = ref.events.map((e) => maskEvent(e, ref.serverId)).sort();
    const got = mine.events.map((e) => maskEvent(e, mine.serverId)).sort();
    const dump = process.env["NATSTS_E2E_DUMP"];
    if (dump !== undefined && dump !== "") {
      mkdirSync(dump, { recursive: true });
      writeFileSync(join(dump, "events-reference.txt"), want.join("\n"));
      writeFileSync(join(dump, "events-natsts.txt"), got.join("\n"));
    }
    // Deleting a stream that has consumers: nats-server now and then loses some of the deleted
    // events it sends then (seen with 2.12.15: a stream's and one consumer's, while another
    // consumer's of the same deletion arrived). natsts must send every one; nats-server's must be
    // among them. Every other event is compared one for one.
    const deletion = (line: string): boolean => /^\$JS\.EVENT\.ADVISORY\.(STREAM|CONSUMER)\.DELETED\./.test(line);
    expect(got.filter((l) => !deletion(l)).join("\n")).toBe(want.filter((l) => !deletion(l)).join("\n"));
    const deleted = got.filter(deletion);
    expect(deleted.map((l) => l.slice(0, l.indexOf(" ")))).toEqual([
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED.ADV.A",
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED.ADV.N",
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED.ADV.T",
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED.BK.D",
      "$JS.EVENT.ADVISORY.CONSUMER.DELETED.BK.D",
      "$JS.EVENT.ADVISORY.STREAM.DELETED.ADV",
      "$JS.EVENT.ADVISORY.STREAM.DELETED.BK",
      "$JS.EVENT.ADVISORY.STREAM.DELETED.BK",
    ]);
    const unmatched = [...deleted];
    for (const l of want.filter(deletion)) {
      const i = unmatched.indexOf(l);
      expect(i, `nats-server sent ${l}, natsts did not`).toBeGreaterThanOrEqual(0);
      unmatched.splice(i, 1);
    }
  });
});
