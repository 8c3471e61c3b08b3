import { describe, expect, it } from "vitest";
import type { ConsumerConfig, StreamConfig } from "../api/types.js";
import { checkStreamConfig } from "../stream/config.js";
import { checkConsumerConfig, consumerConfigWithVersionMetadata, generateConsumerName, type ConsumerCheckContext, type ConsumerCheckResult } from "./config.js";

function stream(body: Record<string, unknown>): StreamConfig {
  const r = checkStreamConfig(JSON.stringify(body), { action: "create", subjectInRequest: String(body.name), otherStreams: [] });
  if ("error" in r) throw new Error(JSON.stringify(r.error));
  return r.config;
}

const S = stream({ name: "S", subjects: ["s.>"] });
const W = stream({ name: "W", subjects: ["w.>"], retention: "workqueue" });
const L = stream({ name: "L", subjects: ["l.>"], consumer_limits: { inactive_threshold: 10_000_000_000, max_ack_pending: 50 } });

const check = (config: Record<string, unknown>, ctx: Partial<ConsumerCheckContext> = {}, extra: Record<string, unknown> = {}): ConsumerCheckResult => {
  const st = ctx.stream ?? S;
  return checkConsumerConfig(JSON.stringify({ stream_name: st.name, config, ...extra }), { stream: st, durableEndpoint: false, generateName: () => "GENERATED", ...ctx });
};

function ok(r: ConsumerCheckResult): { config: ConsumerConfig; name: string } {
  if ("error" in r) throw new Error(`unexpected error ${JSON.stringify(r.error)}`);
  return r;
}
function errorOf(r: ConsumerCheckResult): string {
  if (!("error" in r)) throw new Error(`unexpectedly accepted: ${JSON.stringify(r.config)}`);
  return `${r.error.err_code} ${r.error.description}`;
}

describe("consumer defaults", () => {
  it("gives an unnamed ephemeral nats-server's defaults and a generated name", () => {
    const r = ok(check({}));
    expect(r.name).toBe("GENERATED");
    expect(JSON.stringify(r.config)).toBe('{"deliver_policy":"all","ack_policy":"none","max_deliver":-1,"replay_policy":"instant","max_waiting":512,' +
      '"inactive_threshold":5000000000,"num_replicas":0,"metadata":{"_nats.level":"3","_nats.req.level":"0","_nats.ver":"2.12.15"}}');
  });

  it("sets ack wait and max ack pending for acked consumers; backoff overrides ack wait", () => {
    const c = ok(check({ ack_policy: "explicit" })).config;
    expect([c.ack_wait, c.max_ack_pending]).toEqual([30_000_000_000, 1000]);
    expect(ok(check({ ack_policy: "explicit", ack_wait: 5_000_000_000, backoff: [1_000_000_000] })).config.ack_wait).toBe(1_000_000_000);
    expect(ok(check({ ack_policy: "explicit", max_ack_pending: -5 })).config.max_ack_pending).toBe(-1);
  });

  it("keeps durables without an inactivity threshold; push consumers without max_waiting", () => {
    const d = ok(check({ durable_name: "D" }, { nameInSubject: "D" })).config;
    expect([d.durable_name, d.name, d.inactive_threshold]).toEqual(["D", "D", undefined]);
    expect(ok(check({ deliver_subject: "d.x", max_waiting: -1 })).config.max_waiting).toBeUndefined();
  });

  it("takes defaults from the stream's consumer limits and the account/server limits", () => {
    const c = ok(check({}, { stream: L })).config;
    expect([c.max_ack_pending, c.inactive_threshold]).toEqual([50, 10_000_000_000]);
    expect(ok(check({ ack_policy: "explicit" }, { jsLimits: { accountMaxAckPending: 70, maxAckPending: 100, maxRequestBatch: 10 } })).config)
      .toMatchObject({ max_ack_pending: 70, max_batch: 10 });
    expect(errorOf(check({ ack_policy: "explicit", max_ack_pending: 100 }, { stream: L }))).toBe("10121 consumer max ack pending exceeds system limit of 50");
    expect(errorOf(check({ inactive_threshold: 20_000_000_000 }, { stream: L }))).toBe("10153 consumer inactive threshold exceeds system limit of 10s");
    expect(errorOf(check({ ack_policy: "explicit" }, { stream: L }, { pedantic: true })))
      .toBe("10157 pedantic mode: max_ack_pending must be set if it's configured in stream limits");
  });

  it("defaults the pinned TTL and marks the API level", () => {
    const c = ok(check({ priority_groups: ["g"], priority_policy: "pinned_client" })).config;
    expect(c.priority_timeout).toBe(120_000_000_000);
    expect(c.metadata?.["_nats.req.level"]).toBe("1");
    expect(Object.keys(c).slice(-4)).toEqual(["metadata", "priority_groups", "priority_policy", "priority_timeout"]);
    expect(consumerConfigWithVersionMetadata({ deliver_policy: "all", ack_policy: "none", replay_policy: "instant", num_replicas: 0, pause_until: "2099-01-01T00:00:00Z" }).metadata?.["_nats.req.level"]).toBe("1");
  });

  it("generates 8-character base62 names", () => {
    expect(generateConsumerName()).toMatch(/^[0-9A-Za-z]{8}$/);
  });
});

describe("consumer errors", () => {
  it.each<[string, Record<string, unknown>, Partial<ConsumerCheckContext>, string]>([
    ["durable on the ephemeral endpoint", { durable_name: "D" }, {}, "10020 consumer expected to be ephemeral but a durable name was set in request"],
    ["durable differs from subject", { durable_name: "D" }, { nameInSubject: "X" }, "10017 consumer name in subject does not match durable name in request"],
    ["durable endpoint without durable", {}, { nameInSubject: "X", durableEndpoint: true }, "10018 consumer expected to be durable but a durable name was not set"],
    ["filter differs from subject", { filter_subject: "s.b" }, { nameInSubject: "X", filterInSubject: "s.a" }, "10131 Consumer create request did not match filtered subject from create subject"],
    ["path separator in subject", {}, { nameInSubject: "a/b" }, "10127 Consumer name can not contain path separators"],
    ["bad name", { name: "a.b" }, {}, "10052 consumer name can not contain '.', '*', '>', '\\', '/'"],
    ["start sequence missing", { deliver_policy: "by_start_sequence" }, {}, "10094 consumer delivery policy is deliver by start sequence, but optional start sequence is not set"],
    ["backoff vs max deliver", { ack_policy: "explicit", backoff: [1, 2], max_deliver: 1 }, {}, "10116 max deliver is required to be > length of backoff values"],
    ["filters overlap", { filter_subjects: ["s.a", "s.*"] }, {}, "10138 consumer subject filters cannot overlap"],
    ["push with max waiting", { deliver_subject: "d", max_waiting: 5 }, {}, "10080 consumer in push mode can not set max waiting"],
    ["push cycle", { deliver_subject: "s.x" }, {}, "10081 consumer deliver subject forms a cycle"],
    ["small heartbeat", { deliver_subject: "d", idle_heartbeat: 1 }, {}, "10083 consumer idle heartbeat needs to be >= 100ms"],
    ["flow control without heartbeat", { deliver_subject: "d", flow_control: true }, {}, "10108 consumer with flow control also needs heartbeats"],
    ["pull heartbeat", { idle_heartbeat: 1_000_000_000 }, {}, "10088 consumer idle heartbeat requires a push based consumer"],
    ["pull rate limit", { rate_limit_bps: 1 }, {}, "10086 consumer in pull mode can not have rate limit set"],
    ["sampling", { sample_freq: "x%" }, {}, '10095 failed to parse consumer sampling configuration: strconv.Atoi: parsing "x": invalid syntax'],
    ["priority without groups", { priority_policy: "overflow" }, {}, "10159 Setting PriorityPolicy requires at least one PriorityGroup to be set"],
    ["workqueue ack none", {}, { stream: W }, "10084 consumer in pull mode requires explicit ack policy on workqueue stream"],
    ["workqueue deliver new", { ack_policy: "explicit", deliver_policy: "new" }, { stream: W }, "10101 consumer must be deliver all on workqueue stream"],
    ["replicas", { num_replicas: 3 }, {}, "10074 replicas > 1 not supported in non-clustered mode"],
    ["bad enum", { ack_policy: "some" }, {}, '10025 invalid JSON: can not unmarshal "\\"some\\""'],
    ["type error", { ack_wait: "1s" }, {}, "10025 invalid JSON: json: cannot unmarshal string into Go struct field ConsumerConfig.config.ack_wait of type time.Duration"],
  ])("%s", (_name, config, ctx, want) => {
    expect(errorOf(check(config, ctx))).toBe(want);
  });

  it("checks the stream name and the action", () => {
    expect(errorOf(checkConsumerConfig('{"stream_name":"X","config":{}}', { stream: S, durableEndpoint: false }))).toBe("10056 stream name in subject does not match request");
    expect(errorOf(check({}, { nameInSubject: "C" }, { action: "update" }))).toBe("10149 consumer does not exist");
    expect(errorOf(check({}, {}, { action: "go" }))).toBe('10025 invalid JSON: unknown consumer action: "go"');
  });

  it("keeps work queue consumers apart", () => {
    const q1 = ok(check({ ack_policy: "explicit", filter_subject: "w.a" }, { stream: W, nameInSubject: "Q1" })).config;
    expect(errorOf(check({ ack_policy: "explicit", filter_subject: "w.*" }, { stream: W, nameInSubject: "Q2", otherConsumers: [q1] })))
      .toBe("10100 filtered consumer not unique on workqueue stream");
    expect(errorOf(check({ ack_policy: "explicit" }, { stream: W, nameInSubject: "Q2", otherConsumers: [q1] })))
      .toBe("10099 multiple non-filtered consumers not allowed on workqueue stream");
    expect(ok(check({ ack_policy: "explicit", filter_subject: "w.a" }, { stream: W, nameInSubject: "Q1", otherConsumers: [q1], existing: q1 })).name).toBe("Q1");
  });
});

describe("consumer updates", () => {
  const existing = ok(check({ durable_name: "C", ack_policy: "explicit", filter_subject: "s.a" }, { nameInSubject: "C" })).config;
  const upd = (config: Record<string, unknown>, extra: Record<string, unknown> = {}): ConsumerCheckResult =>
    check({ durable_name: "C", ack_policy: "explicit", ...config }, { nameInSubject: "C", existing: (n) => (n === "C" ? existing : undefined) }, extra);

  it("allows changing filters, limits and metadata", () => {
    const r = upd({ filter_subject: "s.b", max_deliver: 3, metadata: { k: "v" } });
    expect(ok(r).config).toMatchObject({ filter_subject: "s.b", max_deliver: 3 });
    expect("exists" in r && r.exists).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["ack policy", { ack_policy: "all" }, "10012 ack policy can not be updated"],
    ["deliver policy", { deliver_policy: "new" }, "10012 deliver policy can not be updated"],
    ["replay policy", { replay_policy: "original" }, "10012 replay policy can not be updated"],
    ["max waiting", { max_waiting: 10 }, "10012 max waiting can not be updated"],
    ["to push", { deliver_subject: "d" }, "10012 can not update pull consumer to push based"],
  ])("refuses %s", (_name, config, want) => {
    expect(errorOf(upd(config))).toBe(want);
  });

  it("refuses a different config with action create, accepts the same", () => {
    expect(errorOf(upd({ filter_subject: "s.b" }, { action: "create" }))).toBe("10148 consumer already exists");
    expect(ok(upd({ filter_subject: "s.a" }, { action: "create" })).name).toBe("C");
  });

  it("keeps the pause of the existing consumer", () => {
    expect(ok(upd({ filter_subject: "s.a", pause_until: "2099-01-01T00:00:00Z" })).config.pause_until).toBeUndefined();
  });
});
