import { describe, expect, it } from "vitest";
import type { StreamConfig } from "../api/types.js";
import { checkStreamConfig, sameStreamConfig, streamRequiredApiLevel, type StreamCheckContext, type StreamCheckResult } from "./config.js";
import { isSubsetMatch, overlapsJetStreamApi, overlapsSystemApi } from "./subjects.js";
import { subjectTransformError } from "./transform.js";

const create = (body: unknown, ctx: Partial<StreamCheckContext> = {}): StreamCheckResult =>
  checkStreamConfig(typeof body === "string" ? body : JSON.stringify(body), { action: "create", subjectInRequest: "A", otherStreams: [], ...ctx });
const update = (body: unknown, existing: StreamConfig, ctx: Partial<StreamCheckContext> = {}): StreamCheckResult =>
  checkStreamConfig(JSON.stringify(body), { action: "update", subjectInRequest: "A", otherStreams: [], existing, ...ctx });

function config(r: StreamCheckResult): StreamConfig {
  if ("error" in r) throw new Error(`unexpected error ${JSON.stringify(r.error)}`);
  return r.config;
}
function errorOf(r: StreamCheckResult): string {
  if (!("error" in r)) throw new Error(`unexpectedly accepted: ${JSON.stringify(r.config)}`);
  return `${r.error.err_code} ${r.error.description}`;
}

describe("stream config defaults", () => {
  it("fills nats-server's defaults in its field order", () => {
    expect(JSON.stringify(config(create({ name: "A" })))).toBe(
      '{"name":"A","subjects":["A"],"retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,' +
      '"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"file","num_replicas":1,"duplicate_window":120000000000,' +
      '"compression":"none","allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,' +
      '"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false,"metadata":{"_nats.level":"3","_nats.req.level":"0","_nats.ver":"2.12.15"}}');
  });

  it("turns zero and negative limits into -1 and caps the window at max_age", () => {
    const c = config(create({ name: "A", max_msgs: 0, max_bytes: -5, max_msg_size: 0, max_consumers: -3, max_age: 500_000_000 }));
    expect([c.max_msgs, c.max_bytes, c.max_msg_size, c.max_consumers, c.duplicate_window]).toEqual([-1, -1, -1, -1, 500_000_000]);
  });

  it("uses the server's duplicate window limit", () => {
    expect(config(create({ name: "A" }, { jsLimits: { duplicateWindow: 60_000_000_000 } })).duplicate_window).toBe(60_000_000_000);
    expect(errorOf(create({ name: "A", pedantic: true }, { jsLimits: { duplicateWindow: 60_000_000_000 } })))
      .toBe("10157 pedantic mode: duplicate window limits are higher than current limits");
    expect(errorOf(create({ name: "A", duplicate_window: 120_000_000_000 }, { jsLimits: { duplicateWindow: 60_000_000_000 } })))
      .toBe("10052 duplicates window can not be larger then server limit of 1m0s");
  });

  it("gives mirrors no default subjects and no window", () => {
    const c = config(create({ name: "A", mirror: { name: "M" } }));
    expect(c.subjects).toBeUndefined();
    expect(c.duplicate_window).toBeUndefined();
  });

  it("derives the implied flags of delete markers and schedules", () => {
    const c = config(create({ name: "A", subject_delete_marker_ttl: 1_000_000_000, deny_purge: true }));
    expect([c.allow_msg_ttl, c.allow_rollup_hdrs, c.deny_purge]).toEqual([true, true, false]);
    expect(config(create({ name: "A", allow_msg_schedules: true })).allow_rollup_hdrs).toBe(true);
  });

  it("sets the _nats metadata and keeps other keys sorted", () => {
    const c = config(create({ name: "A", allow_atomic: true, metadata: { b: "1", a: "2", "_nats.ver": "0", "_nats.x": "y" } }));
    expect(c.metadata).toEqual({ "_nats.level": "3", "_nats.req.level": "2", "_nats.ver": "2.12.15", "_nats.x": "y", a: "2", b: "1" });
    expect(Object.keys(c.metadata ?? {})).toEqual(["_nats.level", "_nats.req.level", "_nats.ver", "_nats.x", "a", "b"]);
    expect(streamRequiredApiLevel({ allow_msg_ttl: true })).toBe(1);
    expect(streamRequiredApiLevel({ persist_mode: "async" })).toBe(2);
  });

  it("keeps source start times as written", () => {
    const c = config(create({ name: "A", sources: [{ name: "S", opt_start_time: "2020-01-01T00:00:00.500+01:00" }] }));
    expect(c.sources).toEqual([{ name: "S", opt_start_time: "2020-01-01T00:00:00.5+01:00" }]);
    expect(c.subjects).toBeUndefined();
  });
});

describe("stream config errors", () => {
  it.each<[string, unknown, string]>([
    ["name mismatch", { name: "B" }, "10056 stream name in subject does not match request"],
    ["bad JSON", "{", "10025 invalid JSON: unexpected EOF"],
    ["unknown field", { name: "A", foo: 1 }, '10025 invalid JSON: json: unknown field "foo"'],
    ["bad enum", { name: "A", retention: "x" }, '10025 invalid JSON: can not unmarshal "\\"x\\""'],
    ["type error", { name: "A", max_msgs: "1" }, "10025 invalid JSON: json: cannot unmarshal string into Go struct field StreamConfigRequest.StreamConfig.max_msgs of type int64"],
    ["max age", { name: "A", max_age: 1 }, "10052 max age needs to be >= 100ms"],
    ["window above max age", { name: "A", max_age: 1_000_000_000, duplicate_window: 2_000_000_000 }, "10052 duplicates window can not be larger then max age"],
    ["replicas", { name: "A", num_replicas: 3 }, "10074 replicas > 1 not supported in non-clustered mode"],
    ["negative replicas", { name: "A", num_replicas: -1 }, "10133 replicas count cannot be negative"],
    ["sealed", { name: "A", sealed: true }, "10052 stream configuration for create can not be sealed"],
    ["capture all", { name: "A", subjects: [">"] }, "10052 capturing all subjects requires no-ack to be true"],
    ["api overlap", { name: "A", subjects: ["$JS.API.>"] }, "10052 subjects that overlap with jetstream api require no-ack to be true"],
    ["own overlap", { name: "A", subjects: ["a.*", "a.b"] }, '10052 subject "a.*" overlaps with "a.b"'],
    ["mirror with subjects", { name: "A", mirror: { name: "M" }, subjects: ["x"] }, "10034 stream mirrors can not contain subjects"],
    ["mirror of itself", { name: "A", mirror: { name: "A" } }, "10052 detected cycle"],
    ["duplicate source", { name: "A", sources: [{ name: "S" }, { name: "S" }] }, "10140 duplicate source configuration detected"],
    ["null source", '{"name":"A","sources":[null]}', "10141 sourced stream name is invalid"],
    ["republish cycle", { name: "A", republish: { dest: "A" } }, "10052 stream configuration for republish destination forms a cycle"],
    ["transform", { name: "A", subject_transform: { src: "a.*", dest: "b.$2" } }, "10156 stream transform: invalid mapping destination: wildcard index out of range in $2: [2]"],
    ["counter with ttl", { name: "A", allow_msg_counter: true, allow_msg_ttl: true }, "10052 counter stream cannot use message TTLs"],
    ["rollup and deny purge", { name: "A", allow_rollup_hdrs: true, deny_purge: true }, "10052 roll-ups require the purge permission"],
    ["metadata size", { name: "A", metadata: { k: "x".repeat(128 * 1024) } }, "10052 stream metadata exceeds maximum size of 131072 bytes"],
    ["preferred placement", { name: "A", placement: { preferred: "x" } }, "10052 preferred server not permitted in placement"],
  ])("%s", (_name, body, want) => {
    expect(errorOf(create(body))).toBe(want);
  });

  it("checks subjects against other streams and account limits", () => {
    const other = config(create({ name: "B", subjects: ["foo.>"] }, { subjectInRequest: "B" }));
    expect(errorOf(create({ name: "A", subjects: ["foo.bar"] }, { otherStreams: [other] }))).toBe("10065 subjects overlap with an existing stream");
    expect(errorOf(create({ name: "A" }, { jsLimits: { maxBytesRequired: true } }))).toBe("10113 account requires a stream config to have max bytes set");
    expect(errorOf(create({ name: "A", max_bytes: 10 }, { jsLimits: { storageMaxStreamBytes: 5 } }))).toBe("10122 stream max bytes exceeds account limit max stream bytes");
  });

  it("accepts an identical re-create and refuses a different one", () => {
    const existing = config(create({ name: "A", subjects: ["a"] }));
    const again = create({ name: "A", subjects: ["a"], metadata: { "_nats.ver": "1.0.0" } }, { existing });
    expect("error" in again ? again : again.unchanged).toBe(true);
    expect(errorOf(create({ name: "A", subjects: ["a"], max_msgs: 5 }, { existing }))).toBe("10058 stream name already in use with a different configuration");
    expect(sameStreamConfig(existing, { ...existing, metadata: { "_nats.ver": "x" } })).toBe(true);
  });
});

describe("stream updates", () => {
  const existing = config(create({ name: "A", subjects: ["a"], deny_delete: true, allow_msg_ttl: true }));

  it("replaces the whole config", () => {
    const c = config(update({ name: "A", subjects: ["b"], deny_delete: true, allow_msg_ttl: true, max_msgs: 3 }, existing));
    expect([c.subjects, c.max_msgs]).toEqual([["b"], 3]);
  });

  it.each<[string, unknown, string]>([
    ["cancel deny delete", { name: "A", allow_msg_ttl: true }, "10052 stream configuration update can not cancel deny message deletes"],
    ["disable ttl", { name: "A", deny_delete: true }, "10052 message TTL status can not be disabled"],
    ["storage", { name: "A", deny_delete: true, allow_msg_ttl: true, storage: "memory" }, "10052 stream configuration update can not change storage type"],
    ["workqueue", { name: "A", deny_delete: true, allow_msg_ttl: true, retention: "workqueue" }, "10052 stream configuration update can not change retention policy to/from workqueue"],
    ["mirror", { name: "A", deny_delete: true, allow_msg_ttl: true, mirror: { name: "M" } }, "10055 stream mirror configuration can not be updated"],
    ["cancel deny delete before mirror", { name: "A", mirror: { name: "M" } }, "10052 stream configuration update can not cancel deny message deletes"],
    ["other name", { name: "B" }, "10056 stream name in subject does not match request"],
    ["template", { name: "A", deny_delete: true, allow_msg_ttl: true, template_owner: "t" }, "10052 stream configuration update can not be owned by a template"],
  ])("refuses: %s", (_name, body, want) => {
    expect(errorOf(update(body, existing))).toBe(want);
  });

  it("seals: discard new, deny delete and purge, no rollups", () => {
    const c = config(update({ name: "A", subjects: ["a"], deny_delete: true, allow_msg_ttl: true, sealed: true, allow_rollup_hdrs: true }, existing));
    expect([c.sealed, c.discard, c.deny_delete, c.deny_purge, c.allow_rollup_hdrs]).toEqual([true, "new", true, true, false]);
    expect(errorOf(update({ name: "A", allow_msg_ttl: true, deny_delete: true, deny_purge: true }, c))).toBe("10052 stream configuration update can not unseal a sealed stream");
  });

  it("needs the stream to exist", () => {
    expect(errorOf(checkStreamConfig('{"name":"A"}', { action: "update", subjectInRequest: "A", otherStreams: [] }))).toBe("10059 stream not found");
  });
});

describe("subjects and transforms", () => {
  it("relates subjects", () => {
    expect(isSubsetMatch("a.b", "a.*")).toBe(true);
    expect(isSubsetMatch("a.*", "a.b")).toBe(false);
    expect(isSubsetMatch("a.>", "a.*")).toBe(false);
    expect(isSubsetMatch("a.b.c", "a.>")).toBe(true);
    expect(overlapsJetStreamApi("*.*")).toBe(true);
    expect(overlapsJetStreamApi("$JS.EVENT.>")).toBe(false);
    expect(overlapsJetStreamApi("*")).toBe(false);
    expect(overlapsSystemApi("$SYS.ACCOUNT.x.CONNECT")).toBe(false);
    expect(overlapsSystemApi("$SYS.*")).toBe(true);
  });

  it.each<[string, string, string | null]>([
    ["a", "", null],
    ["a.*", "b.$1", null],
    ["a.*.>", "b.$1.>", null],
    ["a.*", "b.{{ Wildcard( 1 ) }}", null],
    ["a.*.*", "{{partition(10,1,2)}}", null],
    ["a.*", "x.{{unknown(1)}}", "invalid mapping destination: unknown function in {{unknown(1)}}"],
    ["a.*", "b.$2", "invalid mapping destination: wildcard index out of range in $2: [2]"],
    ["a.b", "c.$1", "invalid mapping destination: wildcard index out of range in $1"],
    ["a.*.*", "b.{{partition(5,2,3)}}", "invalid mapping destination: wildcard index out of range in {{partition(5,2,3)}}: [3]"],
    ["a.*", "b.{{wildcard()}}", "invalid mapping destination: not enough arguments passed to the function in {{wildcard()}}"],
    ["a.*", "b.{{wildcard(1,2)}}", "invalid mapping destination: too many arguments passed to the function in {{wildcard(1,2)}}"],
    ["a.*", "b.{{wildcard(x)}}", "invalid mapping destination: function argument is invalid or in the wrong format in {{wildcard(x)}}"],
    ["a", "x..", "invalid mapping destination: invalid transform"],
    ["a.*", "b.*", "invalid subject"],
    ["a.>", "b", "invalid subject"],
    ["", "x", "invalid subject"],
    ["a.*.>", "b.>.$1", "invalid mapping destination: invalid transform in $1"],
  ])("%s -> %s", (src, dest, want) => {
    expect(subjectTransformError(src, dest)).toBe(want);
  });
});
