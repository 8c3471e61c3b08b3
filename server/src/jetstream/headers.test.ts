import { describe, expect, test } from "vitest";
import { appendHeaders, buildHeaders, getHeader, parseHeaders, removeHeaders } from "./headers.js";

const h = (s: string): Buffer => Buffer.from(s, "latin1");

describe("headers", () => {
  test("getHeader is case-sensitive, takes the first value, trims leading spaces", () => {
    const block = h("NATS/1.0\r\nNats-Msg-Id:   abc\r\nnats-msg-id: low\r\nX: 1\r\nX: 2\r\n\r\n");
    expect(getHeader(block, "Nats-Msg-Id")).toBe("abc");
    expect(getHeader(block, "nats-msg-id")).toBe("low");
    expect(getHeader(block, "X")).toBe("1");
    expect(getHeader(block, "Nats")).toBeNull();
    expect(getHeader(null, "X")).toBeNull();
    expect(getHeader(h("NATS/1.0 503\r\n\r\n"), "X")).toBeNull();
  });

  test("build, parse, append, remove", () => {
    const b = buildHeaders([["A", "1"], ["B", "two words"]]);
    expect(b.toString()).toBe("NATS/1.0\r\nA: 1\r\nB: two words\r\n\r\n");
    expect(buildHeaders([["Nats-Last-Consumer", "3"]], "100 Idle Heartbeat").toString()).toBe(
      "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 3\r\n\r\n",
    );
    expect(parseHeaders(b)).toEqual([["A", "1"], ["B", "two words"]]);
    const c = appendHeaders(b, [["Nats-Stream", "S"]]);
    expect(c.toString()).toBe("NATS/1.0\r\nA: 1\r\nB: two words\r\nNats-Stream: S\r\n\r\n");
    expect(appendHeaders(null, [["K", "v"]]).toString()).toBe("NATS/1.0\r\nK: v\r\n\r\n");
    expect(removeHeaders(c, ["A", "Nats-Stream"])?.toString()).toBe("NATS/1.0\r\nB: two words\r\n\r\n");
    expect(removeHeaders(h("NATS/1.0\r\nA: 1\r\n\r\n"), ["A"])).toBeNull();
  });
});
