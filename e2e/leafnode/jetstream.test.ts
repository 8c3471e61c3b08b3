// JetStream across a leaf connection: a client on a natsts spoke uses the hub's JetStream (a
// natsts hub, and a reference nats-server hub) with the official client: stream and consumer
// management, publishing with acknowledgements, fetching and acking messages (deliveries cross
// the leaf connection routed on the client's inbox and shown under the stream subject).
// A reference spoke without JetStream of its own answers JetStream requests itself ("not
// supported in this account", also on a reference hub), so it is not part of this test.

import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, test } from "vitest";
import { startServer, type ServerKind } from "../lib/procs.js";
import { closedAfterAll, collect, conn, waitFor, waitInterest } from "../cluster/helpers.js";
import { leafPort, startSpoke, waitLeafConnects } from "./helpers.js";

const { track } = closedAfterAll();

describe.each(["natsts", "reference"] as ServerKind[])("a natsts spoke's client on a %s hub's JetStream", (hubKind) => {
  test("creates a stream, publishes with acks, fetches and acks, and gets push deliveries", async () => {
    const hub = await startServer(hubKind, {
      name: "JSHUB",
      jetstream: true,
      config: `server_name: JSHUB\nleafnodes { listen: "127.0.0.1:-1" }\n`,
    });
    const spoke = await startSpoke("natsts", "JSSPOKE", [[`nats-leaf://127.0.0.1:${await leafPort(hub)}`]]);
    await waitLeafConnects(spoke, 1);
    const nc = await conn(spoke);
    track(nc);
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    await jsm.streams.add({ name: "LEAFS", subjects: ["leafs.>"] });
    const js = jetstream(nc, { timeout: 5000 });
    for (let i = 0; i < 5; i++) {
      const ack = await js.publish(`leafs.${i}`, `m${i}`);
      expect(ack.seq).toBe(i + 1);
    }
    await jsm.consumers.add("LEAFS", { durable_name: "D", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get("LEAFS", "D");
    const got: Array<[string, string]> = [];
    const batch = await c.fetch({ max_messages: 5, expires: 3000 });
    for await (const m of batch) {
      got.push([m.subject, m.string()]);
      await m.ackAck();
    }
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => [`leafs.${i}`, `m${i}`]));
    const info = await jsm.consumers.info("LEAFS", "D");
    expect(info.num_ack_pending).toBe(0);
    expect(info.delivered.stream_seq).toBe(5);

    // a push consumer delivering to a subject the spoke's client subscribes to
    const pushed = collect(nc, "push.here");
    const hc = await conn(hub);
    track(hc);
    await waitInterest(hc, [nc]);
    await jsm.consumers.add("LEAFS", { durable_name: "P", ack_policy: AckPolicy.None, deliver_subject: "push.here" });
    await waitFor("5 push deliveries", () => pushed.length >= 5);
    expect(pushed.map((m) => [m.subject, m.string()])).toEqual([0, 1, 2, 3, 4].map((i) => [`leafs.${i}`, `m${i}`]));
    await Promise.all([hub.stop(), spoke.stop()]);
  });
});
