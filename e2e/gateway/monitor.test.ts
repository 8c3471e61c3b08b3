// /gatewayz, the gateway block of /varz and the gateway metrics of a natsts pair of clusters,
// compared field by field with a nats-server pair doing the same thing.

import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, stopAll, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { collect, conn, waitFor, waitInterest } from "../cluster/helpers.js";
import { gatewayURL, gatewayz, waitOutbound } from "./helpers.js";

type Json = Record<string, unknown>;
interface Pair {
  a: ServerProcess;
  b: ServerProcess;
  ca: NatsConnection;
  cb: NatsConnection;
}
const pairs: Partial<Record<ServerKind, Pair>> = {};

/** B (nothing configured), then A listing B; a subscriber on B, 5 messages from A. */
async function pair(kind: ServerKind): Promise<Pair> {
  const b = await startServer(kind, { name: `${kind}-B`, http: true, config: `server_name: ${kind}-B\ngateway { name: B, listen: "127.0.0.1:-1" }\n` });
  const a = await startServer(kind, {
    name: `${kind}-A`,
    http: true,
    config: `server_name: ${kind}-A\ngateway { name: A, listen: "127.0.0.1:-1", reject_unknown_cluster: true, gateways: [{ name: B, url: "${await gatewayURL(b)}" }] }\n`,
  });
  await Promise.all([waitOutbound(a, ["B"]), waitOutbound(b, ["A"])]);
  const [ca, cb] = await Promise.all([conn(a), conn(b)]);
  const got = collect(cb, "mon.>");
  await cb.flush();
  await waitInterest(ca, [cb], 15_000);
  for (let i = 0; i < 5; i++) ca.publish("mon.x", "hello");
  await ca.flush();
  await waitFor("5 messages", () => got.length >= 5);
  return { a, b, ca, cb };
}

function get(kind: ServerKind): Pair {
  const p = pairs[kind];
  if (p === undefined) throw new Error(`no ${kind} pair`);
  return p;
}

beforeAll(async () => {
  const [n, r] = await Promise.all([pair("natsts"), pair("reference")]);
  pairs.natsts = n;
  pairs.reference = r;
}, 40_000);

afterAll(async () => {
  for (const p of Object.values(pairs)) await Promise.all([p.ca.close(), p.cb.close()]);
  await stopAll();
});

async function monitor(p: ServerProcess, path: string): Promise<Json> {
  const r = await fetch(`http://127.0.0.1:${p.httpPort}${path}`, { signal: AbortSignal.timeout(5000) });
  expect(r.status).toBe(200);
  return (await r.json()) as Json;
}

const obj = (v: unknown): Json => v as Json;

describe("gateway monitoring against nats-server", () => {
  test("/gatewayz: the same fields, in the same order, for outbound and inbound connections", async () => {
    const [n, r] = await Promise.all([gatewayz(get("natsts").a), gatewayz(get("reference").a)]);
    expect(Object.keys(n)).toEqual(Object.keys(r));
    expect(n).toMatchObject({ name: "A", host: "127.0.0.1", port: expect.any(Number) as number });
    const no = obj(obj(n.outbound_gateways).B);
    const ro = obj(obj(r.outbound_gateways).B);
    expect(Object.keys(no)).toEqual(Object.keys(ro));
    expect(no.configured).toBe(true);
    expect(Object.keys(obj(no.connection))).toEqual(Object.keys(obj(ro.connection)));
    expect(obj(no.connection)).toMatchObject({ kind: "Gateway", name: expect.stringMatching(/^N/) as string });
    // the 5 messages and the interest probe(s) before them
    expect(obj(no.connection).out_msgs).toBeGreaterThanOrEqual(5);
    expect(obj(no.connection).subscriptions).toBeGreaterThan(0);
    const ni = obj(n.inbound_gateways).B as Json[];
    const ri = obj(r.inbound_gateways).B as Json[];
    expect(ni.length).toBe(1);
    expect(Object.keys(ni[0])).toEqual(Object.keys(ri[0]));
    expect(Object.keys(obj(ni[0].connection))).toEqual(Object.keys(obj(ri[0].connection)));
    expect(ni[0].configured).toBe(ri[0].configured);
  });

  test("/gatewayz?accs=1&subs=1: the global account's interest mode and subscriptions", async () => {
    const q = "?accs=1&subs=1";
    const [n, r] = await Promise.all([gatewayz(get("natsts").a, q), gatewayz(get("reference").a, q)]);
    const acc = (z: Json): Json => {
      const list = obj(obj(z.outbound_gateways).B).accounts as Json[];
      const g = list.find((x) => x.name === "$G");
      if (g === undefined) throw new Error(`no $G in ${JSON.stringify(list)}`);
      return g;
    };
    expect(Object.keys(acc(n))).toEqual(Object.keys(acc(r)));
    expect(acc(n)).toMatchObject({ interest_mode: "Interest-Only", interest_only_threshold: 1000 });
    expect(acc(n).subscriptions_list).toEqual(expect.arrayContaining(["mon.>"]) as unknown);
    expect(acc(r).subscriptions_list).toEqual(expect.arrayContaining(["mon.>"]) as unknown);
  });

  test("/gatewayz?gw_name=: filtered as nats-server (null for no such outbound gateway)", async () => {
    for (const kind of ["natsts", "reference"] as const) {
      const none = await gatewayz(get(kind).a, "?gw_name=Nope");
      expect(none.outbound_gateways).toBeNull();
      expect(none.inbound_gateways).toEqual({});
      const b = await gatewayz(get(kind).a, "?gw_name=B");
      expect(Object.keys(b.outbound_gateways ?? {})).toEqual(["B"]);
    }
    const bad = await fetch(`http://127.0.0.1:${get("natsts").a.httpPort}/gatewayz?accs=maybe`);
    const badRef = await fetch(`http://127.0.0.1:${get("reference").a.httpPort}/gatewayz?accs=maybe`);
    expect([bad.status, await bad.text()]).toEqual([badRef.status, await badRef.text()]);
  });

  test("/varz gateway and cluster blocks", async () => {
    const [n, r] = await Promise.all([monitor(get("natsts").a, "/varz"), monitor(get("reference").a, "/varz")]);
    expect(Object.keys(obj(n.gateway))).toEqual(Object.keys(obj(r.gateway)));
    expect(obj(n.gateway)).toMatchObject({ name: "A", host: "127.0.0.1", reject_unknown: true, gateways: [{ name: "B", urls: [(await gatewayURL(get("natsts").b)).slice(7)] }] });
    expect(n.cluster).toEqual(r.cluster);
    const [nb, rb] = await Promise.all([monitor(get("natsts").b, "/varz"), monitor(get("reference").b, "/varz")]);
    expect(Object.keys(obj(nb.gateway))).toEqual(Object.keys(obj(rb.gateway)));
  });

  test("/metrics: gateway connections, up and traffic", async () => {
    const r = await fetch(`http://127.0.0.1:${get("natsts").a.httpPort}/metrics`);
    const text = await r.text();
    expect(text).toMatch(/natsts_gateway_connections\{direction="outbound"\} 1/);
    expect(text).toMatch(/natsts_gateway_connections\{direction="inbound"\} 1/);
    expect(text).toMatch(/natsts_gateway_up\{gateway="B"\} 1/);
    const out = /natsts_gateway_out_msgs_total (\d+)/.exec(text);
    expect(Number(out?.[1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/natsts_gateway_out_bytes_total \d+/);
    expect(text).toMatch(/natsts_gateway_in_msgs_total \d+/);
  });
});
