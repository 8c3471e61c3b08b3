import { afterAll, beforeAll, expect, test } from "vitest";
import type { NatsServer } from "../server.js";
import { rawClient, startInProcessServer } from "../testing/inprocess.js";

let srv: NatsServer;

beforeAll(async () => {
  srv = await startInProcessServer();
});
afterAll(async () => {
  await srv.shutdown();
});

test("internal subscriptions take requests and publish replies with headers", async () => {
  const ic = srv.createInternalClient("test");
  const seen: string[] = [];
  ic.subscribe("svc.>", (m) => {
    seen.push(`${m.subject} ${m.headers?.toString("latin1") ?? "-"} ${m.data.toString()}`);
    if (m.reply !== null) ic.publish(m.reply, null, Buffer.from("NATS/1.0\r\nK: v\r\n\r\n"), Buffer.from("pong"));
  });
  const c = await rawClient(srv.port);
  await c.read("\r\n");
  c.s.write('CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\nSUB inbox.1 7\r\nPUB svc.echo inbox.1 4\r\nping\r\nPING\r\n');
  const out = await c.read("PONG\r\n");
  expect(out).toBe("HMSG inbox.1 7 18 22\r\nNATS/1.0\r\nK: v\r\n\r\npong\r\nPONG\r\n");
  c.s.write("HPUB svc.h 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(seen).toEqual(["svc.echo - ping", "svc.h NATS/1.0\r\n\r\n hi"]);
  ic.close();
  expect(srv.sublist.size).toBe(1);
  c.s.destroy();
});

test("soleTarget finds the one plain subscription of a subject, and deliverTo delivers to it as publish would", async () => {
  const ic = srv.createInternalClient("direct");
  const c = await rawClient(srv.port);
  await c.read("\r\n");
  c.s.write('CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\nSUB inbox.one 3\r\nPING\r\n');
  await c.read("PONG\r\n");
  const sub = ic.soleTarget("inbox.one");
  expect(sub?.sid).toBe("3");
  expect(ic.soleTarget("inbox.none")).toBeNull();
  if (sub === null) throw new Error("no target");
  expect(ic.deliverTo(sub, "shown.subject", "r.1", null, Buffer.from("a"))).toBe(1);
  expect(ic.deliverTo(sub, "shown.subject", null, Buffer.from("NATS/1.0\r\n\r\n"), Buffer.from("b"))).toBe(1);
  c.s.write("PING\r\n");
  expect(await c.read("PONG\r\n")).toBe("MSG shown.subject 3 r.1 1\r\na\r\nHMSG shown.subject 3 12 13\r\nNATS/1.0\r\n\r\nb\r\nPONG\r\n");
  // a second subscriber, or a queue group, means a real match each time
  c.s.write("SUB inbox.* 4\r\nSUB inbox.q q 5\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(ic.soleTarget("inbox.one")).toBeNull();
  expect(ic.soleTarget("inbox.q")).toBeNull();
  ic.close();
  c.s.destroy();
});
