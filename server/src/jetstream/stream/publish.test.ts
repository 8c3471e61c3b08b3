import { describe, expect, test } from "vitest";
import type { StreamConfig } from "../api/types.js";
import { buildHeaders } from "../headers.js";
import { checkPublish, parseMsgTTL, pubAck, pubAckError, type StreamView } from "./publish.js";

function cfg(over: Partial<StreamConfig> = {}): StreamConfig {
  return {
    name: "S",
    subjects: ["s.>"],
    retention: "limits",
    max_consumers: -1,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    discard: "old",
    storage: "file",
    num_replicas: 1,
    duplicate_window: 120e9,
    compression: "none",
    allow_direct: false,
    mirror_direct: false,
    sealed: false,
    deny_delete: false,
    deny_purge: false,
    allow_rollup_hdrs: false,
    consumer_limits: {},
    allow_msg_ttl: false,
    ...over,
  };
}

function view(config: StreamConfig, over: Partial<StreamView> = {}): StreamView {
  return {
    config,
    lastSeq: 10,
    lastMsgId: "prev",
    messages: 10,
    bytes: 1000,
    duplicateOf: (id) => (id === "dup" ? 4 : 0),
    lastSeqOf: (s) => (s === "s.a" ? 7 : 0),
    subjectCount: (s) => (s === "s.a" ? 3 : 0),
    ...over,
  };
}

const h = (entries: Array<[string, string]>): Buffer => buildHeaders(entries);

describe("checkPublish", () => {
  test("plain message is stored", () => {
    expect(checkPublish(view(cfg()), "s.a", null, 5, 0)).toEqual({ kind: "store", msgId: null, rollup: null, ttlNs: null });
  });

  test.each([
    ["sealed", cfg({ sealed: true }), null, 10109],
    ["expected stream", cfg(), h([["Nats-Expected-Stream", "OTHER"]]), 10060],
    ["expected last msg id", cfg(), h([["Nats-Expected-Last-Msg-Id", "nope"]]), 10070],
    ["expected last seq", cfg(), h([["Nats-Expected-Last-Sequence", "9"]]), 10071],
    ["expected last subject seq", cfg(), h([["Nats-Expected-Last-Subject-Sequence", "0"]]), 10071],
    ["rollup not allowed", cfg(), h([["Nats-Rollup", "sub"]]), 10111],
    ["ttl disabled", cfg(), h([["Nats-TTL", "5s"]]), 10166],
    ["ttl invalid", cfg({ allow_msg_ttl: true }), h([["Nats-TTL", "100ms"]]), 10165],
    ["max msg size", cfg({ max_msg_size: 4 }), null, 10054],
    ["discard new msgs", cfg({ discard: "new", max_msgs: 10 }), null, 10077],
    ["discard new bytes", cfg({ discard: "new", max_bytes: 1002 }), null, 10077],
  ])("%s → err_code %d", (_name, c, hdr, code) => {
    const d = checkPublish(view(c), "s.a", hdr, 5, hdr?.length ?? 0);
    expect(d.kind).toBe("error");
    if (d.kind === "error") expect(d.error.err_code).toBe(code);
  });

  test("expectations that hold, dedupe, rollup and TTL", () => {
    const ok = h([
      ["Nats-Expected-Stream", "S"],
      ["Nats-Expected-Last-Sequence", "10"],
      ["Nats-Expected-Last-Subject-Sequence", "7"],
      ["Nats-Expected-Last-Msg-Id", "prev"],
      ["Nats-Msg-Id", "new-id"],
    ]);
    expect(checkPublish(view(cfg()), "s.a", ok, 5, ok.length)).toMatchObject({ kind: "store", msgId: "new-id" });
    expect(checkPublish(view(cfg()), "s.a", h([["Nats-Msg-Id", "dup"]]), 5, 20)).toEqual({ kind: "duplicate", seq: 4 });
    expect(checkPublish(view(cfg({ allow_rollup_hdrs: true })), "s.a", h([["Nats-Rollup", "all"]]), 5, 20)).toMatchObject({ rollup: "all" });
    expect(checkPublish(view(cfg({ allow_msg_ttl: true })), "s.a", h([["Nats-TTL", "2s"]]), 5, 20)).toMatchObject({ ttlNs: 2_000_000_000n });
  });

  test("TTL values", () => {
    expect(parseMsgTTL("never")).toBe(-1n);
    expect(parseMsgTTL("5")).toBe(5_000_000_000n);
    expect(parseMsgTTL("1m")).toBe(60_000_000_000n);
    expect(parseMsgTTL("0")).toBeNull();
    expect(parseMsgTTL("soon")).toBeNull();
  });

  test("PubAck bytes", () => {
    expect(pubAck("S", 3, "").toString()).toBe('{"stream":"S","seq":3}');
    expect(pubAck("S", 3, "hub").toString()).toBe('{"stream":"S","domain":"hub","seq":3}');
    expect(pubAck("S", 3, "", true).toString()).toBe('{"stream":"S","seq":3,"duplicate": true}');
    expect(pubAckError("S", { code: 503, err_code: 10077, description: "maximum messages exceeded" }).toString()).toBe(
      '{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"S","seq":0}',
    );
  });
});
