import { describe, expect, it } from "vitest";
import { GatewayParseError, GatewayParser, type GatewayProtocolHandler } from "./parser.js";

function recorder(): { h: GatewayProtocolHandler; events: string[] } {
  const events: string[] = [];
  const h: GatewayProtocolHandler = {
    onInfo: (j) => events.push(`INFO ${j}`),
    onConnect: (j) => events.push(`CONNECT ${j}`),
    onPing: () => events.push("PING"),
    onPong: () => events.push("PONG"),
    onErr: (t) => events.push(`ERR ${t}`),
    onSub: (a, s, q, w) => events.push(`SUB ${a} ${s} ${q ?? "-"} ${w}`),
    onUnsub: (a, s, q) => events.push(`UNSUB ${a} ${s} ${q ?? "-"}`),
    onAccount: (a, i) => events.push(`ACC ${a} ${i}`),
    onMsg: (a, s, r, q, hl, p) => events.push(`MSG ${a} ${s} ${r ?? "-"} [${q.join(",")}] ${hl} ${p.toString()}`),
  };
  return { h, events };
}

describe("GatewayParser", () => {
  it("parses every operation, split at every byte", () => {
    const input =
      'INFO {"gateway":"B"}\r\nCONNECT {}\r\nPING\r\nPONG\r\n+OK\r\n-ERR \'Unknown\'\r\n' +
      "RS+ $G foo\r\nRS+ $G bar q 3\r\nRS- $G foo\r\nRS- $G bar q\r\nA- $G\r\nA+ $G\r\n" +
      "RMSG $G foo 2\r\nhi\r\nRMSG $G foo _GR_.a.b.r 2\r\nhi\r\nRMSG $G foo + r q1 q2 2\r\nhi\r\nRMSG $G foo | q1 2\r\nhi\r\n" +
      "HMSG $G foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n";
    const want = [
      'INFO {"gateway":"B"}', "CONNECT {}", "PING", "PONG", "ERR Unknown",
      "SUB $G foo - 0", "SUB $G bar q 3", "UNSUB $G foo -", "UNSUB $G bar q", "ACC $G false", "ACC $G true",
      "MSG $G foo - [] -1 hi", "MSG $G foo _GR_.a.b.r [] -1 hi", "MSG $G foo r [q1,q2] -1 hi", "MSG $G foo - [q1] -1 hi",
      "MSG $G foo r [] 12 NATS/1.0\r\n\r\nhi",
    ];
    const whole = recorder();
    new GatewayParser(whole.h, 1024).parse(Buffer.from(input));
    expect(whole.events).toEqual(want);
    const bytes = recorder();
    const p = new GatewayParser(bytes.h, 1024);
    for (const b of Buffer.from(input)) p.parse(Buffer.from([b]));
    expect(bytes.events).toEqual(want);
  });

  it.each([
    ["GARBAGE\r\n"],
    ["RS+ $G\r\n"],
    ["RS+ $G foo q x\r\n"],
    ["A- \r\n"],
    ["RMSG $G foo x\r\n"],
    ["RMSG $G foo 2\r\nhiXX"],
    ["HMSG $G foo 5 2\r\n"],
    ["RMSG $G foo 99999999\r\n"],
    ["RMSG $G foo + r 2\r\n"],
  ])("rejects %j", (input) => {
    const r = recorder();
    expect(() => new GatewayParser(r.h, 1024).parse(Buffer.from(input))).toThrow(GatewayParseError);
  });
});
