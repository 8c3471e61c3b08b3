// Leaf connections that must not stand: a loop (two servers soliciting each other), a second
// connection from the same spoke, and a peer writing garbage on the leafnode port. Each closes
// only the connection at fault, with nats-server's error texts, and the server keeps serving.

import { describe, expect, test } from "vitest";
import { rawConnect, untilClosed, untilLine, untilText } from "../lib/raw.js";
import { startServer, type ServerKind } from "../lib/procs.js";
import { closedAfterAll, collect, waitFor, waitInterest } from "../cluster/helpers.js";
import { leafPort, startHub, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const LOOP = /Loop detected for leafnode account="\$G"\. Delaying attempt to reconnect for 30s/;

describe.each(["natsts", "reference"] as ServerKind[])("loop detection with a %s partner", (partnerKind) => {
  test("two servers soliciting each other: the loop is detected, logged, and both keep serving", async () => {
    // X listens; Y listens and solicits X; then X is restarted soliciting Y: X -> Y -> X
    const y = await startServer("natsts", {
      name: "Y",
      config: `server_name: Y\nleafnodes { listen: "127.0.0.1:-1" }\n`,
    });
    const yPort = await leafPort(y);
    const x = await startSpoke(partnerKind, "X", [[`nats-leaf://127.0.0.1:${yPort}`]], { listen: true });
    const xPort = await leafPort(x);
    await waitLeafConnects(x, 1);
    const y2 = await startSpoke("natsts", "Y2", [[`nats-leaf://127.0.0.1:${xPort}`]], { listen: true });
    // Y2 is a spoke of X, and X a spoke of Y; now close the loop: Y solicits Y2
    const y2Port = await leafPort(y2);
    await y.stop();
    const yLooping = await startServer("natsts", {
      name: "Y",
      config: `server_name: Y\nleafnodes { listen: "127.0.0.1:${yPort}", reconnect: "250ms", remotes: [ { url: "nats-leaf://127.0.0.1:${y2Port}" } ] }\n`,
    });
    const servers = [x, y2, yLooping];
    await waitFor("a loop reported by one of the servers", () => servers.some((s) => LOOP.test(s.stderr())), 15_000);
    // every server still serves its clients
    for (const s of servers) {
      expect(s.isRunning()).toBe(true);
      const nc = await client(s);
      const got = collect(nc, "still.alive");
      await waitInterest(nc, [nc]);
      nc.publish("still.alive", "yes");
      await nc.flush();
      await waitFor(`${s.name} delivers locally`, () => got.length === 1);
    }
    await Promise.all(servers.map((s) => s.stop()));
  });
});

describe("the same spoke twice", () => {
  test("a second remote to the same hub is refused as a duplicate; the first keeps working", async () => {
    const hub = await startHub("natsts", "HUBDUP");
    const port = await leafPort(hub);
    const url = `nats-leaf://127.0.0.1:${port}`;
    const spoke = await startSpoke("natsts", "TWICE", [[url], [url]]);
    await waitFor("the duplicate refused", () => /Duplicate Remote LeafNode Connection/.test(hub.stderr()) && /Duplicate Remote LeafNode Connection/.test(spoke.stderr()));
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const got = collect(s, "dup.check");
    await waitInterest(h, [s]);
    for (let i = 0; i < 5; i++) h.publish("dup.check", `${i}`);
    await h.flush();
    await waitFor("5 messages", () => got.length >= 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.length).toBe(5);
    await Promise.all([hub.stop(), spoke.stop()]);
  });
});

describe("a bad peer on the leafnode port", () => {
  test("garbage, a bad CONNECT and protocol before CONNECT close only that connection", async () => {
    const hub = await startHub("natsts", "HUBBAD");
    const port = await leafPort(hub);
    const spoke = await startSpoke("natsts", "OK", [[`nats-leaf://127.0.0.1:${port}`]]);
    await waitLeafConnects(spoke, 1);

    const cases: Array<[string, RegExp]> = [
      ["GARBAGE here\r\n", /-ERR 'Authorization Violation'/],
      ["LS+ foo\r\n", /-ERR 'Authorization Violation'/],
      ['CONNECT {"server_id":"BAD1"}\r\nXYZ\r\n', /-ERR 'Unknown Protocol Operation'/],
      ['CONNECT {"server_id":"BAD2"}\r\nLMSG foo notanumber\r\n', /-ERR 'Unknown Protocol Operation'/],
    ];
    for (const [bytes, want] of cases) {
      const c = await rawConnect(port, { host: "127.0.0.1" });
      const info = (await c.read(untilLine)).data.toString("utf8");
      expect(info).toMatch(/^INFO \{.*"nonce":"[^"]+".*\} \r\n$/);
      c.write(bytes);
      const all = await c.read(untilClosed, 5000);
      expect(all.closed).toBe(true);
      expect(all.data.toString("utf8")).toMatch(want);
      c.close();
    }
    // bad JSON in CONNECT: closed without a reply
    const c = await rawConnect(port, { host: "127.0.0.1" });
    await c.read(untilLine);
    c.write("CONNECT {bad json\r\n");
    expect(await c.waitClosed(5000)).toBe(true);
    c.close();
    expect(hub.stderr()).toMatch(/Leafnode connection closed: Protocol Violation/);
    expect(hub.stderr()).toMatch(/Leafnode connection closed: Authentication Failure/);

    // the hub and its real spoke are fine
    expect(hub.isRunning()).toBe(true);
    const [h, s] = await Promise.all([client(hub), client(spoke)]);
    const got = collect(s, "after.garbage");
    await waitInterest(h, [s]);
    h.publish("after.garbage", "ok");
    await h.flush();
    await waitFor("the message at the spoke", () => got.length === 1);
    await Promise.all([hub.stop(), spoke.stop()]);
  });
});

describe.each(["natsts", "reference"] as ServerKind[])("invalid subscriptions from a spoke (%s hub)", (hubKind) => {
  test("are refused with -ERR 'Invalid Subscription' and the connection goes on", async () => {
    const hub = await startHub(hubKind, "HUBINV");
    const port = await leafPort(hub);
    const c = await rawConnect(port, { host: "127.0.0.1" });
    await c.read(untilLine);
    c.write('CONNECT {"server_id":"INVALIDSUBS","name":"INV"}\r\nLS+ foo..bar\r\nLS+ a.>.b\r\nPING\r\n');
    const got = await c.read(untilText("PONG\r\n"), 5000);
    expect(got.matched).toBe(true);
    const text = got.data.toString("utf8");
    expect(text.match(/-ERR 'Invalid Subscription'\r\n/g)?.length).toBe(2);
    expect(got.closed).toBe(false);
    c.close();
    // the log line may come through the pipe after the answer on the socket
    await waitFor("the refusal in the hub's log", () => /Could not insert subscription: sublist: invalid subject/.test(hub.stderr()), 5000);
    await hub.stop();
  });
});

describe("the hub's INFO", () => {
  test("has nats-server's fields in nats-server's order (natsts does not compress leaf connections)", async () => {
    const infos: Array<Record<string, unknown>> = [];
    for (const kind of ["reference", "natsts"] as ServerKind[]) {
      const hub = await startHub(kind, "HUBINFO");
      const c = await rawConnect(await leafPort(hub), { host: "127.0.0.1" });
      const line = (await c.read(untilLine)).data.toString("utf8");
      expect(line.endsWith(" \r\n")).toBe(true);
      infos.push(JSON.parse(line.slice(5)) as Record<string, unknown>);
      c.close();
      await hub.stop();
    }
    const [ref, ours] = infos;
    expect(Object.keys(ours)).toEqual(Object.keys(ref).filter((k) => k !== "compression"));
    for (const k of ["proto", "host", "headers", "auth_required", "max_payload", "api_lvl", "info_on_connect"]) expect(ours[k], k).toEqual(ref[k]);
    expect(ours.ip).toBe(`127.0.0.1:${String(ours.port)}`);
    expect(ours.leafnode_urls).toEqual([ours.ip]);
    expect(typeof ours.nonce).toBe("string");
  });
});
