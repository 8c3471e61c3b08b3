// JetStream across a gateway: the JetStream server is in another cluster than the clients. Stream
// and consumer management, publishes with their acks, a push consumer (the subscriber sees the
// stream subject and a plain $JS.ACK reply) and a pull consumer fetched and acked from the other
// cluster, KV. natsts serves JetStream; the clients' cluster is natsts, then nats-server (a single
// nats-server cannot serve JetStream next to a gateway: it wants a JetStream cluster).

import type { Msg } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { describe, expect, test } from "vitest";
import { startServer, type ServerKind } from "../lib/procs.js";
import { closedAfterAll, waitFor, waitInterest } from "../cluster/helpers.js";
import { gatewayURL, waitOutbound } from "./helpers.js";

const te = new TextEncoder();
const { client } = closedAfterAll();

async function waitAcked(jsm: JetStreamManager, stream: string, consumer: string, n: number): Promise<void> {
  await waitFor(`${n} acks on ${stream}/${consumer}`, async () => {
    const ci = await jsm.consumers.info(stream, consumer);
    return ci.ack_floor.stream_seq >= n && ci.num_ack_pending === 0;
  });
}

describe.each([["natsts" as ServerKind], ["reference" as ServerKind]])("JetStream on natsts, clients on a %s server in another cluster", (edgeKind) => {
  test("streams, publishes, push and pull consumers and KV across the gateway", async () => {
    const tag = edgeKind === "natsts" ? "JN" : "JR";
    const js = await startServer("natsts", {
      name: `${tag}-js`,
      http: true,
      jetstream: true,
      config: `server_name: ${tag}js\ngateway { name: ${tag}S, listen: "127.0.0.1:-1" }\n`,
    });
    const edge = await startServer(edgeKind, {
      name: `${tag}-edge`,
      http: true,
      config: `server_name: ${tag}edge\ngateway { name: ${tag}E, listen: "127.0.0.1:-1", gateways: [{ name: ${tag}S, url: "${await gatewayURL(js)}" }] }\n`,
    });
    await Promise.all([waitOutbound(edge, [`${tag}S`]), waitOutbound(js, [`${tag}E`])]);
    const nc = await client(edge);
    const sub = await client(edge);
    let jsm: JetStreamManager | undefined;
    let lastError: unknown = null;
    // the JetStream API's interest reaches the edge cluster a moment after the gateway is up
    await waitFor("the JetStream API across the gateway", async () => {
      try {
        jsm = await jetstreamManager(nc, { timeout: 1000 });
        return true;
      } catch (err) {
        lastError = err;
        return false;
      }
    }, 15_000);
    if (jsm === undefined) throw new Error(`no JetStream manager: ${String(lastError)}`);
    await jsm.streams.add({ name: "ORD", subjects: ["ord.>"] });
    const jsc = jetstream(nc, { timeout: 5000 });
    for (let i = 1; i <= 5; i++) {
      const ack = await jsc.publish(`ord.${i}`, te.encode(`o${i}`));
      expect(ack).toMatchObject({ stream: "ORD", seq: i });
    }

    // push: delivered to a subscriber in the edge cluster, acked from there
    const got: Msg[] = [];
    sub.subscribe("deliver.ord", { callback: (err, m) => {
      if (err !== null) throw err;
      got.push(m);
      m.respond();
    } });
    await sub.flush();
    // the subscription's interest crosses the gateway on another connection than the CONSUMER.CREATE
    // request: wait until the JetStream server's cluster has it
    await waitInterest(await client(js), [sub]);
    await jsm.consumers.add("ORD", { durable_name: "push", deliver_subject: "deliver.ord", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    await waitFor("5 push deliveries", () => got.length >= 5);
    await waitAcked(jsm, "ORD", "push", 5);
    expect(got.map((m) => m.subject)).toEqual(["ord.1", "ord.2", "ord.3", "ord.4", "ord.5"]);
    for (const m of got) expect(m.reply).toMatch(/^\$JS\.ACK\.ORD\.push\.1\.\d+\.\d+\.\d+\.\d+$/);

    // pull: fetched from the edge cluster, each acked
    await jsm.consumers.add("ORD", { durable_name: "pull", ack_policy: AckPolicy.Explicit });
    const consumer = await jsc.consumers.get("ORD", "pull");
    const seen: string[] = [];
    const iter = await consumer.fetch({ max_messages: 5, expires: 5000 });
    for await (const m of iter) {
      seen.push(`${m.subject}=${m.string()}`);
      expect(m.info.stream).toBe("ORD");
      await m.ackAck();
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(Array.from({ length: 5 }, (_, i) => `ord.${i + 1}=o${i + 1}`));
    await waitAcked(jsm, "ORD", "pull", 5);

    // KV
    const kv = await new Kvm(nc).create("CFG", { history: 5 });
    await kv.put("color", "blue");
    await kv.put("color", "green");
    expect((await kv.get("color"))?.string()).toBe("green");
    const hist: string[] = [];
    for await (const e of await kv.history({ key: "color" })) hist.push(e.string());
    expect(hist).toEqual(["blue", "green"]);
  });
});
