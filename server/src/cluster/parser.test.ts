import { describe, expect, it } from "vitest";
import { RouteParseError, RouteParser, type RouteProtocolHandler } from "./parser.js";

type Event = [string, ...unknown[]];

function recorder(): { h: RouteProtocolHandler; events: Event[] } {
  const events: Event[] = [];
  const h: RouteProtocolHandler = {
    onInfo: (j) => events.push(["INFO", j]),
    onConnect: (j) => events.push(["CONNECT", j]),
    onPing: () => events.push(["PING"]),
    onPong: () => events.push(["PONG"]),
    onErr: (t) => events.push(["ERR", t]),
    onSub: (a, s, q, w) => events.push(["SUB", a, s, q, w]),
    onUnsub: (a, s, q) => events.push(["UNSUB", a, s, q]),
    onMsg: (a, s, r, qs, hl, p) => events.push(["MSG", a, s, r, [...qs], hl, p.toString("latin1")]),
  };
  return { h, events };
}

describe("RouteParser", () => {
  it("parses the control operations", () => {
    const { h, events } = recorder();
    const p = new RouteParser(h, 1024);
    p.parse(Buffer.from('INFO {"server_id":"X"}\r\nCONNECT {}\r\nPING\r\npong\r\n-ERR \'Boom\'\r\n+OK\r\n'));
    p.parse(Buffer.from("RS+ $G foo.*\r\nRS+ $G foo q1 3\r\nRS- $G foo\r\nRS- $G foo q1\r\nLS+ C1 $G leaf.x\r\nLS- $G leaf.x\r\n"));
    expect(events).toEqual([
      ["INFO", '{"server_id":"X"}'], ["CONNECT", "{}"], ["PING"], ["PONG"], ["ERR", "Boom"],
      ["SUB", "$G", "foo.*", null, 0], ["SUB", "$G", "foo", "q1", 3], ["UNSUB", "$G", "foo", null], ["UNSUB", "$G", "foo", "q1"],
      ["SUB", "$G", "leaf.x", null, 0], ["UNSUB", "$G", "leaf.x", null],
    ]);
  });

  it("parses RMSG/HMSG/LMSG with reply and queue markers, split anywhere", () => {
    const { h, events } = recorder();
    const p = new RouteParser(h, 1024);
    const wire = Buffer.from(
      "RMSG $G foo 2\r\nhi\r\n" +
        "RMSG $G foo rep 2\r\nhi\r\n" +
        "RMSG $G foo + rep q1 q2 2\r\nhi\r\n" +
        "RMSG $G foo | q1 2\r\nhi\r\n" +
        "HMSG $G foo | q1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" +
        "LMSG C1 $G foo rep 0 2\r\nhi\r\n",
    );
    for (let i = 0; i < wire.length; i += 3) p.parse(wire.subarray(i, i + 3));
    expect(events).toEqual([
      ["MSG", "$G", "foo", null, [], -1, "hi"],
      ["MSG", "$G", "foo", "rep", [], -1, "hi"],
      ["MSG", "$G", "foo", "rep", ["q1", "q2"], -1, "hi"],
      ["MSG", "$G", "foo", null, ["q1"], -1, "hi"],
      ["MSG", "$G", "foo", null, ["q1"], 12, "NATS/1.0\r\n\r\nhi"],
      ["MSG", "$G", "foo", "rep", [], -1, "hi"],
    ]);
  });

  it("reads RMSG lines the same on the byte fast path and the general path", () => {
    const { h, events } = recorder();
    const p = new RouteParser(h, 1024);
    p.parse(Buffer.from(
      "RMSG $G a.b 1\r\nx\r\n" + // fast
        "RMSG $G  a.b 1\r\nx\r\n" + // double space: general
        "RMSG\t$G a.b 1\r\nx\r\n" + // tab: general
        "RMSG $G a.b r.1 1 \r\nx\r\n" + // trailing space: general
        "RMSG ACC a.b r.1 1\r\nx\r\n" + // another account, fast
        "RMSG $G a.b | q 1\r\nx\r\n" + // queue marker: general
        "RMSG $G a.b + r q 0\r\n\r\n",
    ));
    expect(events).toEqual([
      ["MSG", "$G", "a.b", null, [], -1, "x"],
      ["MSG", "$G", "a.b", null, [], -1, "x"],
      ["MSG", "$G", "a.b", null, [], -1, "x"],
      ["MSG", "$G", "a.b", "r.1", [], -1, "x"],
      ["MSG", "ACC", "a.b", "r.1", [], -1, "x"],
      ["MSG", "$G", "a.b", null, ["q"], -1, "x"],
      ["MSG", "$G", "a.b", "r", ["q"], -1, ""],
    ]);
    for (const bad of ["RMSG $G a.b 1x\r\n", "RMSG $G a.b +\r\n", "RMSG $G a.b r + 1\r\nx\r\n", "RMSG $G a.b 99999999\r\n"]) {
      expect(() => new RouteParser(recorder().h, 1024).parse(Buffer.from(bad)), bad).toThrow(RouteParseError);
    }
  });

  it("rejects garbage", () => {
    const bad = ["GARBAGE\r\n", "RMSG $G foo x\r\n", "RS+ $G\r\n", "RMSG $G foo 2\r\nhiXX", "RS+ $G foo q -1\r\n", "HMSG $G foo 5 2\r\n"];
    for (const b of bad) {
      const p = new RouteParser(recorder().h, 1024);
      expect(() => p.parse(Buffer.from(b)), b).toThrow(RouteParseError);
    }
    const p = new RouteParser(recorder().h, 1024);
    expect(() => p.parse(Buffer.alloc(70 * 1024, 0x41))).toThrow(RouteParseError);
  });
});
