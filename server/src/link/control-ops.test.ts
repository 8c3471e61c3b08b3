import { describe, expect, it } from "vitest";
import { type ControlOpHandler, readControlOp } from "./control-ops.js";

class TestParseError extends Error {}

describe("readControlOp", () => {
  it("reads the shared operations and refuses any other", () => {
    const seen: unknown[][] = [];
    const h: ControlOpHandler = {
      onInfo: (j) => seen.push(["INFO", j]),
      onConnect: (j) => seen.push(["CONNECT", j]),
      onPing: () => seen.push(["PING"]),
      onPong: () => seen.push(["PONG"]),
      onErr: (t) => seen.push(["ERR", t]),
    };
    readControlOp("PING", "", "PING", h, TestParseError);
    readControlOp("PONG", "", "pong", h, TestParseError);
    readControlOp("+OK", "", "+OK", h, TestParseError);
    readControlOp("-ERR", " 'Boom' ", "-ERR  'Boom' ", h, TestParseError);
    readControlOp("INFO", ' {"a":1} ', 'INFO  {"a":1} ', h, TestParseError);
    readControlOp("CONNECT", "{}", "CONNECT {}", h, TestParseError);
    expect(seen).toEqual([["PING"], ["PONG"], ["ERR", "Boom"], ["INFO", '{"a":1}'], ["CONNECT", "{}"]]);
    expect(() => readControlOp("SUB", "x 1", "SUB x 1", h, TestParseError)).toThrow(new TestParseError('unknown protocol operation "SUB x 1"'));
  });
});
