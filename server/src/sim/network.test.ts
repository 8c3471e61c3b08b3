// The simulated network itself: TCP's ordering within a connection under random chunking and
// delays, and what cuts, partitions and crashes do to connections and dials.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RouteSocket } from "../cluster/transport.js";
import { ROUGH, SimNetwork, SimSocket, STORMY } from "./network.js";
import { Prng } from "./prng.js";
import { Trace } from "./trace.js";

interface End {
  socket: RouteSocket;
  got: Buffer[];
  events: string[];
}

function watch(socket: RouteSocket): End {
  const e: End = { socket, got: [], events: [] };
  socket.on("data", (b) => e.got.push(Buffer.from(b)));
  socket.on("error", (err) => e.events.push(`error ${(err as Error & { code?: string }).code ?? ""}`));
  socket.on("close", () => e.events.push("close"));
  return e;
}

/** Opens a connection from 10.0.0.2 to a listener on 10.0.0.1:6222. */
async function pair(net: SimNetwork): Promise<{ client: End; server: End }> {
  let server: End | null = null;
  await net.transport("10.0.0.1").listen("10.0.0.1", 6222, (s) => {
    server = watch(s);
  });
  const c = net.transport("10.0.0.2").connect("10.0.0.1", 6222);
  let connected = false;
  c.once("connect", () => {
    connected = true;
  });
  const client = watch(c);
  vi.advanceTimersByTime(10_000);
  expect(connected).toBe(true);
  if (server === null) throw new Error("not accepted");
  return { client, server };
}

function randomBytes(prng: Prng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = prng.int(0, 255);
  return b;
}

describe("simulated network", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date"] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });

  it("keeps the bytes of a connection in order while splitting and delaying them", async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const prng = new Prng(seed);
      const net = new SimNetwork(new Prng(seed + 1000), STORMY, new Trace());
      const { client, server } = await pair(net);
      const sent: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const b = randomBytes(prng, prng.int(1, 300));
        sent.push(b);
        client.socket.write(b);
        vi.advanceTimersByTime(prng.int(0, 30));
      }
      vi.advanceTimersByTime(60_000);
      expect(Buffer.concat(server.got).equals(Buffer.concat(sent))).toBe(true);
      // the writes did arrive in other pieces than they were written in
      if (seed === 1) expect(server.got.length).toBeGreaterThan(sent.length);
      vi.clearAllTimers();
    }
  });

  it("a cut loses the data in flight and both ends see a reset", async () => {
    const net = new SimNetwork(new Prng(7), ROUGH, new Trace());
    const { client, server } = await pair(net);
    client.socket.write(Buffer.from("first"));
    vi.advanceTimersByTime(1000);
    client.socket.write(Buffer.from("second"));
    if (!(client.socket instanceof SimSocket)) throw new Error("not a simulated socket");
    net.cut(client.socket);
    vi.advanceTimersByTime(1000);
    expect(Buffer.concat(server.got).toString()).toBe("first");
    expect(client.events).toEqual(["error ECONNRESET", "close"]);
    expect(server.events).toEqual(["error ECONNRESET", "close"]);
  });

  it("a partition stalls a connection until healed; new dials across it fail or hang until the heal", async () => {
    const net = new SimNetwork(new Prng(3), ROUGH, new Trace());
    const { client, server } = await pair(net);
    net.partition([["10.0.0.1"], ["10.0.0.2"]]);
    client.socket.write(Buffer.from("held"));
    vi.advanceTimersByTime(30_000);
    expect(server.got.length).toBe(0);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const d = net.transport("10.0.0.2").connect("10.0.0.1", 6222);
      d.once("connect", () => outcomes.push("connect"));
      d.once("error", (e) => outcomes.push((e as Error & { code?: string }).code ?? "?"));
    }
    vi.advanceTimersByTime(10_000);
    expect(outcomes.every((o) => o === "EHOSTUNREACH")).toBe(true);
    const failed = outcomes.length;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(8);
    net.heal();
    vi.advanceTimersByTime(5000);
    expect(Buffer.concat(server.got).toString()).toBe("held");
    expect(outcomes.slice(failed)).toEqual(Array(8 - failed).fill("connect"));
  });

  it("a crashed host's peers get a reset, its port refuses dials until it listens again", async () => {
    const net = new SimNetwork(new Prng(5), ROUGH, new Trace());
    const { client, server } = await pair(net);
    net.crash("10.0.0.1");
    vi.advanceTimersByTime(1000);
    expect(client.events).toEqual(["error ECONNRESET", "close"]);
    // the crashed process hears nothing more
    expect(server.events).toEqual([]);
    const codes: string[] = [];
    const d = net.transport("10.0.0.2").connect("10.0.0.1", 6222);
    d.once("error", (e) => codes.push((e as Error & { code?: string }).code ?? "?"));
    vi.advanceTimersByTime(1000);
    expect(codes).toEqual(["ECONNREFUSED"]);
    net.restart("10.0.0.1");
    const again = await pair(net);
    again.client.socket.write(Buffer.from("hello"));
    vi.advanceTimersByTime(1000);
    expect(Buffer.concat(again.server.got).toString()).toBe("hello");
  });

  it("end() delivers what was written, then both ends close", async () => {
    const net = new SimNetwork(new Prng(9), ROUGH, new Trace());
    const { client, server } = await pair(net);
    client.socket.write(Buffer.from("bye"));
    client.socket.end();
    vi.advanceTimersByTime(5000);
    expect(Buffer.concat(server.got).toString()).toBe("bye");
    expect(server.events).toEqual(["close"]);
    expect(client.events).toEqual(["close"]);
  });
});
