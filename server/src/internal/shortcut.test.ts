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

test("a prefix shortcut delivers without a sublist match only while nothing else could match", async () => {
  const ic = srv.createInternalClient("acks");
  const acks = ic.prefixShortcut("$X.ACK.");
  expect(srv.shortcut).toBe(acks);
  const seen: string[] = [];
  const sub = ic.subscribe("$X.ACK.s.c.>", (m) => seen.push(`${m.subject} ${m.reply ?? "-"} ${m.data.toString()}`));
  expect(acks.add("s.c", sub)).toBe(true);
  expect(acks.add("s.c", sub)).toBe(false);

  const c = await rawClient(srv.port);
  await c.read("\r\n");
  c.s.write('CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\nPING\r\n');
  await c.read("PONG\r\n");
  const matches = (): number => srv.sublist.stats().numMatches;

  // only the registered subscription can match: no sublist match
  let before = matches();
  c.s.write("PUB $X.ACK.s.c.1.2 r.1 2\r\nok\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(matches()).toBe(before);
  expect(seen).toEqual(["$X.ACK.s.c.1.2 r.1 ok"]);

  // subjects the registered subscription does not take go through the sublist
  before = matches();
  c.s.write("PUB $X.ACK.s.c 0\r\n\r\nPUB $X.ACK.s.other.1 0\r\n\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(matches()).toBe(before + 2);
  expect(seen.length).toBe(1);

  // another subscription that could match: everything goes through the sublist, both get it
  c.s.write("SUB *.ACK.> 9\r\nPING\r\n");
  await c.read("PONG\r\n");
  before = matches();
  c.s.write("PUB $X.ACK.s.c.3 2\r\nhi\r\nPING\r\n");
  const out = await c.read("PONG\r\n");
  expect(out).toBe("MSG $X.ACK.s.c.3 9 2\r\nhi\r\nPONG\r\n");
  expect(matches()).toBeGreaterThan(before);
  expect(seen).toEqual(["$X.ACK.s.c.1.2 r.1 ok", "$X.ACK.s.c.3 - hi"]);

  // gone again: back to the shortcut
  c.s.write("UNSUB 9\r\nPING\r\n");
  await c.read("PONG\r\n");
  before = matches();
  c.s.write("PUB $X.ACK.s.c.4 0\r\n\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(matches()).toBe(before);
  expect(seen.length).toBe(3);

  // a subscription that is not registered (same key twice) keeps the sublist in use
  const dup = ic.subscribe("$X.ACK.s.c.>", () => seen.push("dup"));
  before = matches();
  c.s.write("PUB $X.ACK.s.c.5 0\r\n\r\nPING\r\n");
  await c.read("PONG\r\n");
  expect(matches()).toBeGreaterThan(before);
  expect(seen.slice(3)).toEqual(["$X.ACK.s.c.5 - ", "dup"]);
  ic.unsubscribe(dup);

  acks.delete("s.c", sub);
  ic.close();
  expect(srv.shortcut).toBeNull();
  c.s.destroy();
});
