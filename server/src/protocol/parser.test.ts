import { describe, expect, test } from "vitest";
import { ClientParser, type ClientProtocolHandler, ParseFailure, parseSize } from "./parser.js";

class Recorder implements ClientProtocolHandler {
  events: string[] = [];
  headers = true;
  needConnect = false;
  onConnect(json: string): void {
    this.events.push(`CONNECT ${json}`);
    this.needConnect = false;
  }
  onPub(subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): void {
    this.events.push(`PUB ${subject} ${reply ?? "-"} ${hdrLen} ${src.toString("latin1", start, end)}`);
  }
  onSub(subject: string, queue: string | null, sid: string): void {
    this.events.push(`SUB ${subject} ${queue ?? "-"} ${sid}`);
  }
  onUnsub(sid: string, max: number): void {
    this.events.push(`UNSUB ${sid} ${max}`);
  }
  onPing(): void {
    this.events.push("PING");
  }
  onPong(): void {
    this.events.push("PONG");
  }
  onInfo(json: string): void {
    this.events.push(`INFO ${json}`);
  }
  onClientErr(text: string): void {
    this.events.push(`ERR ${text}`);
  }
  connectRequired(): boolean {
    return this.needConnect;
  }
  headersEnabled(): boolean {
    return this.headers;
  }
  maxPayload(): number {
    return 1024;
  }
  maxControlLine(): number {
    return 64;
  }
}

function run(chunks: string[], setup?: (r: Recorder) => void): { events: string[]; failure: ParseFailure | null } {
  const r = new Recorder();
  setup?.(r);
  const p = new ClientParser(r);
  try {
    for (const c of chunks) p.parse(Buffer.from(c, "latin1"));
  } catch (err) {
    if (err instanceof ParseFailure) return { events: r.events, failure: err };
    throw err;
  }
  return { events: r.events, failure: null };
}

const STREAM =
  'CONNECT {"verbose":false}\r\nPING\r\npong\r\nSUB foo 1\r\nsub  bar\tq 22\r\nPUB foo 5\r\nhello\r\n' +
  "PUB foo r.1 0\r\n\r\nHPUB h 12 14\r\nNATS/1.0\r\n\r\nhi\r\nUNSUB 1\r\nUNSUB 22 5\nPING\n+OK\r\nINFO {}\r\n";

describe("ClientParser", () => {
  test("parses a stream of every op", () => {
    const { events, failure } = run([STREAM]);
    expect(failure).toBeNull();
    expect(events).toEqual([
      'CONNECT {"verbose":false}',
      "PING",
      "PONG",
      "SUB foo - 1",
      "SUB bar q 22",
      "PUB foo - -1 hello",
      "PUB foo r.1 -1 ",
      "PUB h - 12 NATS/1.0\r\n\r\nhi",
      "UNSUB 1 -1",
      "UNSUB 22 5",
      "PING",
      "INFO {}",
    ]);
  });

  test("gives the same events however the bytes are split", () => {
    const whole = run([STREAM]).events;
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(run([STREAM.slice(0, cut), STREAM.slice(cut)]).events).toEqual(whole);
    }
    expect(run(STREAM.split("")).events).toEqual(whole);
  });

  test.each([
    ["FOO\r\n", "unknown-op"],
    ["SUBX\r\n", "unknown-op"],
    ["PUB foo 1\r\nxy\r\n", "unknown-op"],
    ["PUB foo 1\r\nx\n", "unknown-op"],
    ["PUB foo x\r\n", "bad-args"],
    ["PUB foo -1\r\n", "bad-args"],
    ["PUB a b c 1\r\n", "bad-args"],
    ["SUB foo\r\n", "bad-args"],
    ["UNSUB 1 2 3\r\n", "bad-args"],
    ["HPUB foo 5 3\r\nabc\r\n", "bad-args"],
    ["PUB foo 2000\r\n", "max-payload"],
    [`PUB ${"a".repeat(80)} 1\r\n`, "max-control-line"],
    [`SUB ${"a".repeat(100)}`, "max-control-line"],
  ])("%j fails with %s", (input, kind) => {
    const { failure } = run([input]);
    expect(failure?.kind).toBe(kind);
  });

  test("garbage fails at once, without waiting for a newline", () => {
    expect(run(["\x00\x01garbage"]).failure?.kind).toBe("unknown-op");
    expect(run(["P"]).failure).toBeNull();
    expect(run(["PUX"]).failure?.kind).toBe("unknown-op");
  });

  test("HPUB needs headers negotiated; CONNECT first when auth is required", () => {
    expect(run(["HPUB h 12 12\r\nNATS/1.0\r\n\r\n\r\n"], (r) => (r.headers = false)).failure?.kind).toBe("headers-not-supported");
    expect(run(["PING\r\n"], (r) => (r.needConnect = true)).failure?.kind).toBe("auth-violation");
    expect(run(["CONNECT {}\r\nPING\r\n"], (r) => (r.needConnect = true)).events).toEqual(["CONNECT {}", "PING"]);
  });

  test("payload larger than a chunk is assembled", () => {
    const body = "x".repeat(1000);
    const msg = `PUB big 1000\r\n${body}\r\n`;
    const parts = [msg.slice(0, 20), msg.slice(20, 500), msg.slice(500)];
    expect(run(parts).events).toEqual([`PUB big - -1 ${body}`]);
  });

  test("parseSize", () => {
    expect(parseSize("123")).toBe(123);
    expect(parseSize("")).toBe(-1);
    expect(parseSize("-1")).toBe(-1);
    expect(parseSize("1a")).toBe(-1);
  });
});
