import { describe, expect, test } from "vitest";
import { ackSubject, ackSubjectSeqs, parseAck, parseAckSubject, parsePullRequest } from "./protocol.js";

describe("consumer wire formats", () => {
  test("ack subjects round-trip", () => {
    const s = ackSubject("ORDERS", "C1", 2, 10, 7, 1234567890123456789n, 5);
    expect(s).toBe("$JS.ACK.ORDERS.C1.2.10.7.1234567890123456789.5");
    expect(parseAckSubject(s)).toEqual({ stream: "ORDERS", consumer: "C1", deliveryCount: 2, streamSeq: 10, consumerSeq: 7 });
    expect(parseAckSubject("$JS.ACK.a.b.c")).toBeNull();
    expect(parseAckSubject("foo")).toBeNull();
  });

  test("ack subject sequences are read without splitting, as Number() reads tokens", () => {
    const out = { dc: -1, sseq: -1, dseq: -1 };
    expect(ackSubjectSeqs(ackSubject("ORDERS", "C1", 2, 10, 7, 1234567890123456789n, 5), out)).toBe(true);
    expect(out).toEqual({ dc: 2, sseq: 10, dseq: 7 });
    expect(ackSubjectSeqs("$JS.ACK.S.C.1.9007199254740993.3.4.5", out)).toBe(true);
    expect(out.sseq).toBe(Number("9007199254740993"));
    expect(ackSubjectSeqs("$JS.ACK.S.C.1.x1.3.4.5", out)).toBe(true);
    expect(out.sseq).toBeNaN();
    expect(ackSubjectSeqs("$JS.ACK.S.C.1..3.4.5.extra", out)).toBe(true);
    expect(out).toEqual({ dc: 1, sseq: 0, dseq: 3 });
    expect(ackSubjectSeqs("$JS.ACK.S.C.1.2.3.4", out)).toBe(false);
  });

  test.each([
    ["", { kind: "ack" }],
    ["+ACK", { kind: "ack" }],
    ["+OK", { kind: "ack" }],
    ["-NAK", { kind: "nak", delayNs: 0n }],
    ['-NAK {"delay":2000000000}', { kind: "nak", delayNs: 2000000000n }],
    ["-NAK 1.5s", { kind: "nak", delayNs: 1500000000n }],
    ["+WPI", { kind: "progress" }],
    ["+TERM", { kind: "term", reason: "" }],
    ["+TERM bad input", { kind: "term", reason: "bad input" }],
    ["what", null],
  ])("parseAck(%j)", (text, want) => {
    expect(parseAck(Buffer.from(text))).toEqual(want);
  });

  test("+NXT carries a pull request", () => {
    const a = parseAck(Buffer.from('+NXT {"batch":3}'));
    expect(a?.kind).toBe("next");
    if (a?.kind === "next") expect(parsePullRequest(a.request)).toMatchObject({ batch: 3 });
  });

  test("pull requests", () => {
    expect(parsePullRequest(Buffer.alloc(0))).toEqual({ batch: 1, expiresNs: 0n, maxBytes: 0, noWait: false, heartbeatNs: 0n });
    expect(parsePullRequest(Buffer.from("10"))).toMatchObject({ batch: 10 });
    expect(parsePullRequest(Buffer.from('{"batch":5,"expires":1000000000,"max_bytes":100,"no_wait":true}'))).toEqual({
      batch: 5,
      expiresNs: 1000000000n,
      maxBytes: 100,
      noWait: true,
      heartbeatNs: 0n,
    });
    expect(parsePullRequest(Buffer.from('{"batch":1,"expires":1000000000,"idle_heartbeat":600000000}'))).toEqual({ error: "heartbeat value too large" });
    expect("error" in parsePullRequest(Buffer.from("{bad"))).toBe(true);
  });
});
