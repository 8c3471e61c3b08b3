// The gateway protocol on the wire, with a hand-made peer.
// - Inbound (the peer connects in): the interest-only switch right after CONNECT (INFO
//   gateway_cmd 2, every RS+ of the global account, gateway_cmd 3) and later RS+/RS-, compared
//   with what nats-server sends to the same peer; a message from the peer reaches a local client.
// - Outbound (natsts dials a peer whose INFO does not ask for interest-only): optimistic sending,
//   RS- and A-/A+ negative interest, then the switch to interest-only by the peer's commands.

import { createServer, type Server, type Socket } from "node:net";
import type { NatsConnection } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import { rawConnect, untilLine, untilText, type RawConnection } from "../lib/raw.js";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, conn, waitFor } from "../cluster/helpers.js";
import { gatewayPort } from "./helpers.js";

const { track } = closedAfterAll(() => { for (const f of fakes) f.close(); });
const fakes: Server[] = [];

const b64 = (s: string): string => Buffer.from(s).toString("base64");
const PEER_INFO = `INFO ${JSON.stringify({ server_id: "NFAKEPEER", server_name: "fake", gateway: "Z", gateway_urls: ["127.0.0.1:9"], gateway_nrp: true, gateway_iom: true })}\r\n`;
const PEER_CONNECT = `CONNECT ${JSON.stringify({ verbose: false, pedantic: false, tls_required: false, name: "NFAKEPEER", gateway: "Z" })}\r\n`;

interface Inbound {
  server: ServerProcess;
  client: NatsConnection;
  raw: RawConnection;
  /** what arrived after CONNECT up to the $G gateway_cmd 3 INFO */
  switchText: string;
}

async function inbound(kind: ServerKind): Promise<Inbound> {
  const server = await startServer(kind, { name: `${kind}-proto`, config: `server_name: ${kind}-proto\ngateway { name: A, listen: "127.0.0.1:-1" }\n` });
  const client = await conn(server);
  track(client);
  client.subscribe("proto.foo", { callback: () => undefined });
  client.subscribe("proto.bar", { queue: "q", callback: () => undefined });
  await client.flush();
  const raw = await rawConnect(await gatewayPort(server));
  await raw.read(untilLine);
  await raw.write(PEER_CONNECT + PEER_INFO);
  const done = `"gateway_cmd":3,"gateway_cmd_payload":"${b64("$G")}"}`;
  const switchText = (await raw.read(untilText(done), 5000)).data.toString();
  return { server, client, raw, switchText };
}

/** The global account's part of the switch: its command INFOs (parsed) and RS+ lines (sorted). */
function globalSwitch(text: string): { start: Record<string, unknown>; subs: string[]; complete: Record<string, unknown> } {
  const lines = text.split("\r\n");
  const cmd = (n: number): Record<string, unknown> => {
    const l = lines.find((x) => x.startsWith("INFO ") && x.includes(`"gateway_cmd":${n}`) && x.includes(b64("$G")));
    if (l === undefined) throw new Error(`no gateway_cmd ${n} for $G in ${text}`);
    return JSON.parse(l.slice(5)) as Record<string, unknown>;
  };
  return { start: cmd(2), subs: lines.filter((l) => l.startsWith("RS+ $G ")).sort(), complete: cmd(3) };
}

describe("inbound gateway connection, against nats-server", () => {
  const by: Partial<Record<ServerKind, Inbound>> = {};
  beforeAll(async () => {
    [by.natsts, by.reference] = await Promise.all([inbound("natsts"), inbound("reference")]);
  }, 30_000);
  const get = (k: ServerKind): Inbound => {
    const v = by[k];
    if (v === undefined) throw new Error(`no ${k}`);
    return v;
  };

  test("switches the peer to interest-only at once: gateway_cmd 2, every RS+, gateway_cmd 3", () => {
    const n = globalSwitch(get("natsts").switchText);
    const r = globalSwitch(get("reference").switchText);
    expect(n.subs).toEqual(["RS+ $G proto.bar q 1", "RS+ $G proto.foo"]);
    expect(n.subs).toEqual(r.subs);
    expect(n.start).toEqual(r.start);
    expect(n.complete).toEqual(r.complete);
  });

  test("later interest changes go as RS+ / RS-", async () => {
    for (const kind of ["natsts", "reference"] as const) {
      const { client, raw } = get(kind);
      const s = client.subscribe("proto.later", { callback: () => undefined });
      await client.flush();
      await raw.read(untilText("RS+ $G proto.later\r\n"), 5000);
      s.unsubscribe();
      await client.flush();
      await raw.read(untilText("RS- $G proto.later\r\n"), 5000);
    }
  });

  test("messages from the peer (with and without headers) reach the local subscriber", async () => {
    const { client, raw } = get("natsts");
    const got = collect(client, "proto.in");
    await client.flush();
    await raw.read(untilText("RS+ $G proto.in\r\n"), 5000);
    await raw.write("RMSG $G proto.in 2\r\nhi\r\nHMSG $G proto.in 12 14\r\nNATS/1.0\r\n\r\nho\r\n");
    await waitFor("2 messages from the peer", () => got.length >= 2);
    expect(got.map((m) => m.string())).toEqual(["hi", "ho"]);
  });

  test("a message for an account without interest gets A- (the peer stops sending for it), as from nats-server", async () => {
    for (const kind of ["natsts", "reference"] as const) {
      const { raw } = get(kind);
      await raw.write("RMSG OTHER foo 2\r\nhi\r\n");
      await raw.read(untilText("A- OTHER\r\n"), 5000);
    }
  });
});

/** A gateway peer natsts dials: answers with INFO (no gateway_iom) and records what it gets. */
function fakePeer(): Promise<{ port: number; socket: () => Socket; received: () => string }> {
  return new Promise((resolve) => {
    let sock: Socket | null = null;
    let text = "";
    const srv = createServer((s) => {
      if (sock !== null) {
        s.destroy();
        return;
      }
      sock = s;
      s.on("data", (d: Buffer) => {
        text += d.toString("latin1");
        if (/(^|\n)PING\r\n/.test(d.toString())) s.write("PONG\r\n");
      });
      // natsts may reset the connection when the test ends: reported, not failed on
      s.on("error", (err: Error) => process.stderr.write(`fake gateway peer: ${err.message}\n`));
      s.write(`INFO ${JSON.stringify({ server_id: "NFAKEF", server_name: "f1", gateway: "F", gateway_urls: [`127.0.0.1:${port}`], gateway_nrp: true })}\r\n`);
    });
    let port = 0;
    fakes.push(srv);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      port = typeof a === "object" && a !== null ? a.port : 0;
      resolve({
        port,
        socket: () => {
          if (sock === null) throw new Error("natsts has not connected");
          return sock;
        },
        received: () => text,
      });
    });
  });
}

describe("outbound gateway connection to a peer in optimistic mode", () => {
  test("sends everything but RS- subjects, nothing after A-, then only known interest after the switch", async () => {
    const peer = await fakePeer();
    const server = await startServer("natsts", {
      name: "natsts-optimistic",
      config: `server_name: opt\ngateway { name: A, listen: "127.0.0.1:-1", gateways: [{ name: F, url: "nats://127.0.0.1:${peer.port}" }] }\n`,
    });
    await waitFor("CONNECT from natsts", () => peer.received().includes(`"gateway":"A"`), 10_000);
    const c = await conn(server);
    track(c);
    const seen = (subject: string, from = 0): boolean => peer.received().slice(from).includes(`RMSG $G ${subject} `);
    let syncs = 0;
    /** the peer's lines, then a PING whose PONG shows natsts has read them */
    const tell = async (lines: string): Promise<void> => {
      const before = (peer.received().match(/PONG\r\n/g) ?? []).length;
      peer.socket().write(`${lines}PING\r\n`);
      syncs++;
      await waitFor(`PONG ${syncs}`, () => (peer.received().match(/PONG\r\n/g) ?? []).length > before, 5000);
    };
    const publishThen = async (unwanted: string[], wanted: string): Promise<void> => {
      const mark = peer.received().length;
      for (const u of unwanted) c.publish(u, "x");
      c.publish(wanted, "x");
      await c.flush();
      await waitFor(`${wanted} at the peer`, () => seen(wanted, mark), 5000);
      for (const u of unwanted) expect({ subject: u, sent: seen(u, mark) }).toEqual({ subject: u, sent: false });
    };

    await publishThen([], "opt.a");
    await tell("RS- $G opt.a\r\n");
    await publishThen(["opt.a"], "opt.b");
    await tell("A- $G\r\n");
    c.publish("opt.c", "x");
    await c.flush();
    await tell("A+ $G\r\n");
    await publishThen(["opt.a"], "opt.d");
    expect(seen("opt.c")).toBe(false);
    const cmd = (n: number): string => `INFO ${JSON.stringify({ gateway: "F", gateway_cmd: n, gateway_cmd_payload: b64("$G") })}\r\n`;
    await tell(`${cmd(2)}RS+ $G opt.x\r\n${cmd(3)}`);
    await publishThen(["opt.e", "opt.d"], "opt.x");
    // requests carry the mapped reply: _GR_.<hash of A>.<hash of the server id>.<reply>
    const r = c.request("opt.x", "q", { timeout: 500 }).catch(() => undefined);
    await waitFor("a mapped reply", () => /RMSG \$G opt\.x _GR_\.[0-9A-Za-z]{6}\.[0-9A-Za-z]{6}\._INBOX\./.test(peer.received()), 5000);
    await r;
  });
});
