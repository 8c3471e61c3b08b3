// Queue groups whose members are only behind leaf connections and routes, the same for natsts and
// the reference nats-server: the LS+ weights (members per spoke) spread a hub's messages over its
// spokes in proportion, and a member behind a route takes a message before any behind a leaf
// connection, for messages published on the hub and for messages coming in from another spoke.

import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { beforeAll, describe, expect, test } from "vitest";
import { startServer, type ServerKind, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, clusterURL, waitFor, waitForMesh, waitInterest } from "../cluster/helpers.js";
import { leafPort, startSpoke, waitLeafConnects } from "./helpers.js";

const { client } = closedAfterAll();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const N = 400;

function member(kind: ServerKind, name: string, seed: ServerProcess | null): Promise<ServerProcess> {
  const routes = seed !== null ? `, routes: ["${clusterURL(seed)}"]` : "";
  return startServer(kind, {
    name,
    config: `server_name: ${name}\ncluster { name: QW, listen: "127.0.0.1:-1", pool_size: -1${routes} }\nleafnodes { listen: "127.0.0.1:-1" }\n`,
  });
}

/** `n` members of group g on `subject`, all counted together. */
function members(nc: NatsConnection, subject: string, n: number): Msg[] {
  const got: Msg[] = [];
  for (let i = 0; i < n; i++) nc.subscribe(subject, { queue: "g", callback: (_e, m) => { got.push(m); } });
  return got;
}

async function publish(nc: NatsConnection, subject: string): Promise<void> {
  for (let i = 0; i < N; i++) nc.publish(subject, `${i}`);
  await nc.flush();
}

describe.each(["reference", "natsts"] as ServerKind[])("queue groups behind leaf connections and routes, all %s", (kind) => {
  let m1: NatsConnection;
  let m2: NatsConnection;
  let s3: NatsConnection;
  let s1: NatsConnection;

  beforeAll(async () => {
    const p1 = await member(kind, "M1", null);
    const p2 = await member(kind, "M2", p1);
    await waitForMesh([p1, p2]);
    const url = `nats-leaf://127.0.0.1:${await leafPort(p1)}`;
    // both spokes on M1
    const [a, b] = await Promise.all([startSpoke(kind, "S3", [[url]]), startSpoke(kind, "S1", [[url]])]);
    await Promise.all([waitLeafConnects(a, 1), waitLeafConnects(b, 1)]);
    [m1, m2, s3, s1] = await Promise.all([client(p1), client(p2), client(a), client(b)]);
  });

  test("on the hub, a spoke with 3 members gets about 3 messages for each 1 of a spoke with 1", async () => {
    const at3 = members(s3, "qw.spokes", 3);
    const at1 = members(s1, "qw.spokes", 1);
    await waitInterest(m1, [s3, s1]);
    await publish(m1, "qw.spokes");
    await waitFor(`${N} messages`, () => at3.length + at1.length >= N);
    await sleep(300);
    expect(at3.length + at1.length).toBe(N);
    // 300 and 100 expected; an even split (200/200) is far outside these bounds
    expect(at3.length).toBeGreaterThan(250);
    expect(at1.length).toBeGreaterThan(50);
    expect(at1.length).toBeLessThan(150);
  });

  test.each([
    ["a member behind the route takes every message before the spoke's members", "qw.route", () => m1],
    ["a message from another spoke also goes to the member behind the route", "qw.fromleaf", () => s1],
  ])("%s", async (_title, subject, publisher) => {
    const atSpoke = members(s3, subject, 3);
    const atM2 = members(m2, subject, 1);
    await waitInterest(publisher(), [s3, m2]);
    await publish(publisher(), subject);
    await waitFor(`${N} messages`, () => atSpoke.length + atM2.length >= N);
    await sleep(300);
    expect(atM2.length).toBe(N);
    expect(atSpoke.length).toBe(0);
  });
});
