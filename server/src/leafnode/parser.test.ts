import { describe, expect, it } from "vitest";
import { msgArgs } from "../link/msg-line.js";
import { LeafParseError, LeafParser, type LeafProtocolHandler } from "./parser.js";

type Event = [string, ...unknown[]];

function recorder(): { h: LeafProtocolHandler; events: Event[] } {
  const events: Event[] = [];
  const h: LeafProtocolHandler = {
    onInfo: (j) => events.push(["INFO", j]),
    onConnect: (j) => events.push(["CONNECT", j]),
    onPing: () => events.push(["PING"]),
    onPong: () => events.push(["PONG"]),
    onErr: (t) => events.push(["ERR", t]),
    onSub: (s, q, w) => events.push(["LS+", s, q, w]),
    onUnsub: (s, q) => events.push(["LS-", s, q]),
    onMsg: (s, r, qs, hl, p) => events.push(["MSG", s, r, [...qs], hl, p.toString("latin1")]),
  };
  return { h, events };
}

function parseAll(input: string, split = 0): Event[] {
  const { h, events } = recorder();
  const p = new LeafParser(h, 1024);
  const b = Buffer.from(input, "latin1");
  if (split <= 0) p.parse(b);
  else for (let i = 0; i < b.length; i += split) p.parse(b.subarray(i, i + split));
  return events;
}

describe("leaf parser", () => {
  const input =
    'INFO {"server_id":"S"} \r\nCONNECT {"a":1}\r\nPING\r\nPONG\r\n+OK\r\n-ERR \'Loop detected\'\r\n' +
    "LS+ foo\r\nLS+ foo.* q 3\r\nLS- foo\r\nLS- foo.* q\r\n" +
    "LMSG a 2\r\nhi\r\nLMSG a r 0\r\n\r\nLMSG a + r q1 q2 1\r\nx\r\nLMSG a | q1 1\r\ny\r\n" +
    "HMSG h 12 14\r\nNATS/1.0\r\n\r\nhi\r\nHMSG h r 12 12\r\nNATS/1.0\r\n\r\n\r\nHMSG h | q 12 12\r\nNATS/1.0\r\n\r\n\r\n";
  const want: Event[] = [
    ["INFO", '{"server_id":"S"}'],
    ["CONNECT", '{"a":1}'],
    ["PING"],
    ["PONG"],
    ["ERR", "Loop detected"],
    ["LS+", "foo", null, 0],
    ["LS+", "foo.*", "q", 3],
    ["LS-", "foo", null],
    ["LS-", "foo.*", "q"],
    ["MSG", "a", null, [], -1, "hi"],
    ["MSG", "a", "r", [], -1, ""],
    ["MSG", "a", "r", ["q1", "q2"], -1, "x"],
    ["MSG", "a", null, ["q1"], -1, "y"],
    ["MSG", "h", null, [], 12, "NATS/1.0\r\n\r\nhi"],
    ["MSG", "h", "r", [], 12, "NATS/1.0\r\n\r\n"],
    ["MSG", "h", null, ["q"], 12, "NATS/1.0\r\n\r\n"],
  ];

  it("parses every operation", () => {
    expect(parseAll(input)).toEqual(want);
  });

  it.each([1, 2, 3, 7, 64])("parses the same input split into %i-byte chunks", (n) => {
    expect(parseAll(input, n)).toEqual(want);
  });

  it.each([
    ["GARBAGE\r\n"],
    ["LS+\r\n"],
    ["LS+ a b\r\n"],
    ["LS- a b c\r\n"],
    ["LMSG a\r\n"],
    ["LMSG a x\r\n"],
    ["LMSG a r q 1\r\n"],
    ["HMSG a 5 3\r\n"],
    ["LMSG a 2\r\nhiX\n"],
    ["LMSG a 999999\r\n"],
  ])("rejects %j", (bad) => {
    expect(() => parseAll(bad)).toThrow(LeafParseError);
  });

  it("takes a queue weight that does not parse as 1", () => {
    expect(parseAll("LS+ a q x\r\nLS+ a q -1\r\n")).toEqual([["LS+", "a", "q", 1], ["LS+", "a", "q", 1]]);
  });

  it("bounds a control line without an end", () => {
    expect(() => parseAll("LS+ " + "a".repeat(70 * 1024))).toThrow(LeafParseError);
  });

  it("writes message arguments the way it reads them", () => {
    expect(msgArgs("s", null, [])).toBe("s");
    expect(msgArgs("s", "r", [])).toBe("s r");
    expect(msgArgs("s", null, ["a", "b"])).toBe("s | a b");
    expect(msgArgs("s", "r", ["a"])).toBe("s + r a");
  });
});
