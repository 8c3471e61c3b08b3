// Bad gateway peers against natsts, and the same bytes against nats-server for the replies:
// garbage, a wrong password, an unknown cluster with reject_unknown_cluster, our own gateway
// name, a bad message after a good handshake. Each is refused and logged; the server keeps
// serving its clients and its real gateway.

import { beforeAll, describe, expect, test } from "vitest";
import { rawConnect, untilClosed, untilLine } from "../lib/raw.js";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, collect, conn, waitFor, waitInterest } from "../cluster/helpers.js";
import { gatewayPort, gatewayURL, logCount, waitOutbound } from "./helpers.js";

const AUTH = "authorization { user: gw, password: s3cret }";
const { track } = closedAfterAll();
const servers: Partial<Record<ServerKind, { a: ServerProcess; b: ServerProcess }>> = {};

/** Cluster B (one server), then cluster A which lists B and refuses unknown clusters. */
async function pair(kind: ServerKind): Promise<{ a: ServerProcess; b: ServerProcess }> {
  const b = await startServer(kind, {
    name: `${kind}-B`,
    http: true,
    config: `server_name: ${kind}-B\ngateway { name: B, listen: "127.0.0.1:-1", ${AUTH} }\n`,
  });
  const a = await startServer(kind, {
    name: `${kind}-A`,
    http: true,
    config: `server_name: ${kind}-A\ngateway { name: A, listen: "127.0.0.1:-1", reject_unknown_cluster: true, ${AUTH}, gateways: [{ name: B, url: "${await gatewayURL(b)}" }] }\n`,
  });
  await Promise.all([waitOutbound(a, ["B"]), waitOutbound(b, ["A"])]);
  return { a, b };
}

beforeAll(async () => {
  const [n, r] = await Promise.all([pair("natsts"), pair("reference")]);
  servers.natsts = n;
  servers.reference = r;
}, 40_000);

function a(kind: ServerKind): ServerProcess {
  const s = servers[kind];
  if (s === undefined) throw new Error(`no ${kind} servers`);
  return s.a;
}

const INFO = (name: string): string => `INFO ${JSON.stringify({ server_id: "NFAKEPEER", server_name: "fake", gateway: name, gateway_urls: ["127.0.0.1:1"] })}\r\n`;
const CONNECT = (name: string, pass: string): string => `CONNECT ${JSON.stringify({ verbose: false, pedantic: false, name: "NFAKEPEER", gateway: name, user: "gw", pass })}\r\n`;

/** Sends `input` to A's gateway port after its INFO; returns the -ERR line and whether the server closed. */
async function attempt(kind: ServerKind, input: string): Promise<{ err: string; closed: boolean }> {
  const c = await rawConnect(await gatewayPort(a(kind)));
  try {
    const info = (await c.read(untilLine)).data.toString();
    expect(info.startsWith("INFO ")).toBe(true);
    await c.write(input);
    const rest = (await c.read(untilClosed, 4000)).data.toString();
    const err = rest.split("\r\n").find((l) => l.startsWith("-ERR")) ?? "";
    return { err, closed: c.closed };
  } finally {
    c.close();
  }
}

const cases: Array<[string, string, string, RegExp]> = [
  ["garbage instead of CONNECT", "GARBAGE here\r\n", "-ERR 'Authorization Violation'", /Gateway connection closed: Authentication Failure/],
  ["a wrong password", CONNECT("B", "nope") + INFO("B"), "-ERR 'Authorization Violation'", /authentication error - User "gw"/],
  ["an unknown cluster with reject_unknown_cluster", CONNECT("Z", "s3cret") + INFO("Z"), `-ERR 'Connection to gateway "A" rejected'`, /Rejecting connection from gateway "Z"/],
  ["the server's own gateway name", CONNECT("A", "s3cret") + INFO("A"), `-ERR 'Connection to gateway "A" rejected'`, /Rejecting connection from gateway "A"/],
  ["an INFO with a field of the wrong type", CONNECT("B", "s3cret") + `INFO {"server_id":"NFAKEPEER","gateway":"B","gateway_urls":5}\r\n`, "", /bad gateway INFO: bad gateway_urls/],
  ["a bad message after the handshake", CONNECT("B", "s3cret") + INFO("B") + "RMSG $G foo notasize\r\n", "-ERR 'Unknown Protocol Operation'", /Gateway parser ERROR/],
];

describe("bad gateway peers", () => {
  test.each(cases)("%s is refused with nats-server's error and logged", async (_what, input, wantErr, logged) => {
    const ref = await attempt("reference", input);
    const nat = await attempt("natsts", input);
    expect(nat).toEqual({ err: wantErr, closed: true });
    // the reply nats-server gives to the same bytes (it has no parser-error text for the last case)
    if (!/RMSG/.test(input)) expect(ref).toEqual(nat);
    else expect(ref.closed).toBe(true);
    await waitFor(`natsts logged ${logged}`, () => logCount(a("natsts"), logged) > 0, 5000);
  });

  test("after all that, clients are served and the real gateway still carries messages", async () => {
    const s = servers.natsts;
    if (s === undefined) throw new Error("no natsts servers");
    const [ca, cb] = await Promise.all([conn(s.a), conn(s.b)]);
    track(ca, cb);
    const got = collect(cb, "bp.>");
    await cb.flush();
    await waitInterest(ca, [cb], 15_000);
    for (let i = 0; i < 10; i++) ca.publish("bp.x", `m${i}`);
    await ca.flush();
    await waitFor("10 messages across the gateway", () => got.length >= 10);
    expect(got.map((m) => m.string())).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await waitOutbound(s.a, ["B"]);
  });
});
