// The JetStream monitoring builders (/jsz, /healthz, varz jetstream, JetStream metrics) against
// plain-object views of streams and consumers.
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ConsumerInfo, StreamState } from "../jetstream/api/types.js";
import { API_LEVEL } from "../version.js";
import { goJSON } from "./format.js";
import { healthz } from "./healthz.js";
import type { JsAccountView, JsConsumerView, JsServerView, JsStreamView, JsView } from "./jsview.js";
import { buildJsz, decodeJszQuery, jetStreamConfigJSON } from "./jsz.js";
import { registerJetStreamMetrics } from "./metrics-js.js";
import { QueryError } from "./query.js";

const ZERO = "0001-01-01T00:00:00Z";

function consumer(stream: string, name: string, over: Partial<ConsumerInfo> = {}): JsConsumerView {
  return {
    name,
    info: () => ({
      stream_name: stream,
      name,
      created: "2024-01-02T03:04:05.000000006Z",
      config: { durable_name: name, ack_policy: "explicit" } as ConsumerInfo["config"],
      delivered: { consumer_seq: 2, stream_seq: 2 },
      ack_floor: { consumer_seq: 1, stream_seq: 1 },
      num_ack_pending: 1,
      num_redelivered: 0,
      num_waiting: 3,
      num_pending: 4,
      cluster: { leader: "x" },
      ts: "2024-01-02T03:04:06Z",
      ...over,
    }),
  };
}

function stream(name: string, storage: "file" | "memory", messages: number, bytes: number, consumers: JsConsumerView[] = [], lost?: StreamState["lost"]): JsStreamView {
  const state: StreamState = {
    messages,
    bytes,
    first_seq: messages > 0 ? 1 : 0,
    first_ts: ZERO,
    last_seq: messages,
    last_ts: ZERO,
    consumer_count: consumers.length,
  };
  if (lost !== undefined) state.lost = lost;
  return {
    name,
    created: 1_704_164_645_000_000_006n,
    config: { name, storage },
    storage,
    state: () => state,
    consumerCount: consumers.length,
    consumers: () => consumers,
  };
}

function jsView(streams: JsStreamView[]): JsView {
  const account: JsAccountView = { name: "$G", streams: () => streams, stream: (n) => streams.find((s) => s.name === n) ?? null };
  let memory = 0;
  let storage = 0;
  for (const s of streams) {
    if (s.storage === "memory") memory += s.state().bytes;
    else storage += s.state().bytes;
  }
  return {
    config: { maxMemory: 1024, maxStore: 4096, storeDir: "/data/jetstream", syncInterval: "always", domain: "" },
    usage: () => ({ memory, storage }),
    apiTotal: 10,
    apiErrors: 2,
    accounts: () => [account],
  };
}

const S1 = (): JsStreamView => stream("S1", "file", 3, 117, [consumer("S1", "C1"), consumer("S1", "C2")]);
const M1 = (): JsStreamView => stream("M1", "memory", 1, 19);

function server(js: JsView | null, configured = js !== null): JsServerView {
  return { serverId: "NSERVERID", serverName: "srv", configured, js };
}

const jsz = (q: string, view = server(jsView([S1(), M1()]))): Record<string, unknown> =>
  JSON.parse(goJSON(buildJsz(view, decodeJszQuery(new URLSearchParams(q)), Date.UTC(2024, 0, 2)), true)) as Record<string, unknown>;

type Detail = { name: string; stream_detail?: Array<Record<string, unknown> & { consumer_detail?: Array<Record<string, unknown>> }> } & Record<string, unknown>;
const details = (j: Record<string, unknown>): Detail[] | undefined => j.account_details as Detail[] | undefined;

describe("/jsz", () => {
  it("reports usage, configuration and totals in nats-server's field order", () => {
    const j = jsz("");
    expect(Object.keys(j)).toEqual([
      "memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets", "api",
      "server_id", "now", "config", "limits", "streams", "consumers", "messages", "bytes", "total",
    ]);
    expect(j).toMatchObject({
      memory: 19,
      storage: 117,
      reserved_memory: 0,
      accounts: 1,
      api: { level: API_LEVEL, total: 10, errors: 2 },
      server_id: "NSERVERID",
      now: "2024-01-02T00:00:00Z",
      config: { max_memory: 1024, max_storage: 4096, store_dir: "/data/jetstream", sync_interval: 120_000_000_000, sync_always: true, strict: true },
      limits: {},
      streams: 2,
      consumers: 2,
      messages: 4,
      bytes: 136,
      total: 1,
    });
  });

  it("shows account detail with accounts=true, and unlimited reservations as Go's uint64 -1", () => {
    const body = goJSON(buildJsz(server(jsView([S1()])), decodeJszQuery(new URLSearchParams("accounts=true"))), true);
    expect(body).toContain('"reserved_memory": 18446744073709551615');
    const d = details(jsz("accounts=true"));
    expect(d).toHaveLength(1);
    expect(Object.keys(d?.[0] ?? {})).toEqual(["name", "id", "memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets", "api"]);
    expect(d?.[0]).toMatchObject({ name: "$G", id: "$G", memory: 19, storage: 117, api: { level: 0, total: 10, errors: 2 } });
  });

  it("streams=true adds stream detail with the leader, config only with config=true", () => {
    const d = details(jsz("streams=true"));
    const sd = d?.[0]?.stream_detail ?? [];
    expect(sd.map((s) => s.name)).toEqual(["S1", "M1"]);
    expect(Object.keys(sd[0] ?? {})).toEqual(["name", "created", "cluster", "state"]);
    expect(sd[0]).toMatchObject({ created: "2024-01-02T03:04:05.000000006Z", cluster: { leader: "srv" }, state: { messages: 3, consumer_count: 2 } });
    const withConfig = details(jsz("streams=true&config=true"))?.[0]?.stream_detail ?? [];
    expect(Object.keys(withConfig[0] ?? {})).toEqual(["name", "created", "cluster", "config", "state"]);
    expect(withConfig[0]?.config).toEqual({ name: "S1", storage: "file" });
  });

  it("consumers=true implies streams and lists consumer info without cluster, config on request", () => {
    const sd = details(jsz("consumers=true"))?.[0]?.stream_detail ?? [];
    expect(sd[0]?.consumer_detail?.map((c) => c.name)).toEqual(["C1", "C2"]);
    expect(sd[1]?.consumer_detail).toBeUndefined(); // a stream without consumers has no list
    expect(Object.keys(sd[0]?.consumer_detail?.[0] ?? {})).toEqual([
      "stream_name", "name", "created", "delivered", "ack_floor", "num_ack_pending", "num_redelivered", "num_waiting", "num_pending", "ts",
    ]);
    const withConfig = details(jsz("consumers=true&config=1"))?.[0]?.stream_detail?.[0]?.consumer_detail?.[0] ?? {};
    expect(Object.keys(withConfig).slice(0, 4)).toEqual(["stream_name", "name", "created", "config"]);
  });

  it("acc names the account detailed; an unknown one shows detail only with accounts=true", () => {
    expect(details(jsz("acc=$G"))?.map((a) => a.name)).toEqual(["$G"]);
    expect(details(jsz("acc=$G&streams=true"))?.[0]?.stream_detail).toHaveLength(2);
    expect(details(jsz("acc=FOO"))).toBeUndefined();
    expect(details(jsz("acc=FOO&streams=true"))).toBeUndefined();
    expect(details(jsz("acc=FOO&accounts=true"))?.map((a) => a.name)).toEqual(["$G"]);
    expect(jsz("acc=FOO").streams).toBe(2); // the totals stay server-wide
  });

  it("pages accounts with offset and limit as nats-server clamps them", () => {
    expect(details(jsz("accounts=true&offset=1"))).toBeUndefined();
    expect(details(jsz("accounts=true&offset=-1"))).toHaveLength(1);
    expect(details(jsz("accounts=true&limit=0"))).toHaveLength(1);
    expect(details(jsz("accounts=true&limit=-3"))).toHaveLength(1);
    expect(details(jsz("consumers=true&offset=1"))).toBeUndefined();
    expect(jsz("accounts=true&offset=1").total).toBe(1);
  });

  it("raft=true adds the leader counts; leader-only and the other options are accepted", () => {
    const j = jsz("raft=true");
    expect(Object.keys(j)).toEqual(expect.arrayContaining(["streams_leader", "consumers_leader"]));
    expect(Object.keys(j).indexOf("streams_leader")).toBe(Object.keys(j).indexOf("streams") + 1);
    expect(j).toMatchObject({ streams_leader: 2, consumers_leader: 2 });
    expect(jsz("leader-only=true&stream-leader-only=1&direct-consumers=0").streams).toBe(2);
  });

  it("rejects malformed options with nats-server's texts", () => {
    const bad = (q: string): string => {
      try {
        decodeJszQuery(new URLSearchParams(q));
      } catch (err) {
        if (err instanceof QueryError) return err.message;
        throw err;
      }
      throw new Error(`${q} was accepted`);
    };
    expect(bad("streams=x")).toBe(`Error decoding boolean for 'streams': strconv.ParseBool: parsing "x": invalid syntax`);
    expect(bad("offset=x")).toBe(`Error decoding int for 'offset': strconv.Atoi: parsing "x": invalid syntax`);
    expect(bad("raft=yes")).toBe(`Error decoding boolean for 'raft': strconv.ParseBool: parsing "yes": invalid syntax`);
    expect(bad("leader-only=2")).toMatch(/^Error decoding boolean for 'leader-only'/);
  });

  it("answers disabled when JetStream does not run, and refuses leader-only then", () => {
    const j = jsz("accounts=true&streams=true", server(null));
    expect(Object.keys(j)).toEqual([
      "memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets", "api",
      "server_id", "now", "disabled", "config", "streams", "consumers", "messages", "bytes", "total",
    ]);
    expect(j).toMatchObject({ disabled: true, config: { max_memory: 0, max_storage: 0 }, total: 0, api: { level: 0 } });
    expect(() => buildJsz(server(null), decodeJszQuery(new URLSearchParams("leader-only=true")))).toThrow("filtered response: not leader");
  });

  it("writes stream state in nats-server's key order and configs as stored (no response-only metadata)", () => {
    const st: StreamState = { messages: 1, bytes: 2, first_seq: 1, first_ts: ZERO, last_seq: 1, last_ts: ZERO, consumer_count: 0, num_subjects: 1, lost: { msgs: [3], bytes: 9 } };
    const meta = { "_nats.level": "3", "_nats.req.level": "0", "_nats.ver": "2.12.15", app: "x" };
    const cc: ConsumerInfo["config"] = { durable_name: "C", deliver_policy: "all", ack_policy: "explicit", replay_policy: "instant", num_replicas: 0, metadata: { ...meta } };
    const s: JsStreamView = { ...stream("T", "file", 1, 2, [consumer("T", "C", { config: cc })]), state: () => st, config: { name: "T", metadata: meta } };
    const sd = details(jsz("consumers=true&config=true", server(jsView([s]))))?.[0]?.stream_detail?.[0];
    expect(Object.keys(sd?.state as object)).toEqual(["messages", "bytes", "first_seq", "first_ts", "last_seq", "last_ts", "num_subjects", "lost", "consumer_count"]);
    expect(sd?.config).toEqual({ name: "T", metadata: { "_nats.req.level": "0", app: "x" } });
    expect(sd?.consumer_detail?.[0]?.config).toEqual({ ...cc, metadata: { "_nats.req.level": "0", app: "x" } });
    expect(meta["_nats.ver"]).toBe("2.12.15"); // the live config is left alone
  });

  it("formats the configuration: interval sync, domain", () => {
    expect(jetStreamConfigJSON({ maxMemory: 1, maxStore: 2, storeDir: "/d/jetstream", syncInterval: 5000, domain: "hub" })).toEqual({
      max_memory: 1,
      max_storage: 2,
      store_dir: "/d/jetstream",
      sync_interval: 5_000_000_000,
      sync_always: undefined,
      domain: "hub",
      strict: true,
    });
  });
});

describe("/healthz", () => {
  const healthy = server(jsView([S1(), M1()]));
  const h = (q: string, view = healthy): { status: number; body: string } => {
    const a = healthz(new URLSearchParams(q), view);
    return { status: a.status, body: goJSON(a.body, false) };
  };

  it("is ok for the server, a stream, a consumer", () => {
    for (const q of ["", "details=true", "account=$G", "account=$G&stream=S1", "account=$G&stream=S1&consumer=C2", "js-enabled-only=1", "js-server-only=true"]) {
      expect(h(q), q).toEqual({ status: 200, body: '{"status":"ok"}' });
    }
  });

  it("reports a missing account, stream or consumer with 404 as nats-server", () => {
    expect(h("account=FOO")).toEqual({ status: 404, body: '{"status":"unavailable","error":"JetStream account \\"FOO\\" not found"}' });
    expect(h("account=$G&stream=NOPE")).toEqual({
      status: 404,
      body: '{"status":"unavailable","error":"JetStream stream \\"NOPE\\" not found on account \\"$G\\""}',
    });
    expect(h("account=$G&stream=S1&consumer=NOPE&details=true")).toEqual({
      status: 404,
      body: '{"status":"error","errors":[{"type":"CONSUMER","account":"$G","stream":"S1","consumer":"NOPE","error":"JetStream consumer \\"NOPE\\" not found for stream \\"S1\\" on account \\"$G\\""}]}',
    });
    expect(h("details=1&account=FOO&stream=S1").body).toBe('{"status":"error","errors":[{"type":"ACCOUNT","account":"FOO","error":"JetStream account \\"FOO\\" not found"}]}');
    // the JetStream-only probes skip asset checks
    expect(h("account=$G&stream=NOPE&js-enabled-only=true").status).toBe(200);
    expect(h("account=$G&stream=NOPE&js-server-only=true").status).toBe(200);
  });

  it("rejects a stream without account and a consumer without stream (400)", () => {
    expect(h("stream=S1")).toEqual({ status: 400, body: '{"status":"error","error":"\\"account\\" must not be empty when checking stream health"}' });
    expect(h("account=$G&consumer=C1")).toEqual({ status: 400, body: '{"status":"error","error":"\\"stream\\" must not be empty when checking consumer health"}' });
    expect(h("details=true&stream=S1").body).toBe('{"status":"error","errors":[{"type":"BAD_REQUEST","error":"\\"account\\" must not be empty when checking stream health"}]}');
    expect(() => healthz(new URLSearchParams("js-enabled-only=x"), healthy)).toThrow(QueryError);
  });

  it("without JetStream configured, is ok whatever the stream options", () => {
    const off = server(null, false);
    expect(h("account=$G&stream=S1&consumer=C1", off)).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(h("stream=S1", off).status).toBe(400);
  });

  it("fails with 503 when JetStream is configured but does not run", () => {
    const down = server(null, true);
    expect(h("", down)).toEqual({ status: 503, body: '{"status":"unavailable","error":"JetStream not enabled (10076)"}' });
    expect(h("js-enabled-only=true&details=true", down)).toEqual({
      status: 503,
      body: '{"status":"error","errors":[{"type":"JETSTREAM","error":"JetStream not enabled (10076)"}]}',
    });
  });

  it("fails with 503 for a stream whose store found corrupt records", () => {
    const bad = stream("BAD", "file", 8, 800, [consumer("BAD", "C")], { msgs: [5], bytes: 123 });
    const lossy = stream("LOSSY", "file", 8, 800, [], { msgs: null, bytes: 64 });
    const view = server(jsView([S1(), bad, lossy]));
    const msg = 'JetStream stream \\"BAD\\" on account \\"$G\\" has corrupt data: 1 lost message (123 bytes)';
    expect(h("", view)).toEqual({ status: 503, body: `{"status":"unavailable","error":"${msg}"}` });
    expect(h("account=$G&stream=BAD", view).status).toBe(503);
    expect(h("account=$G&stream=BAD&consumer=C", view).status).toBe(503);
    expect(h("account=$G&stream=S1", view).status).toBe(200);
    const d = JSON.parse(h("details=true", view).body) as { status: string; errors: Array<Record<string, unknown>> };
    expect(d.status).toBe("error");
    expect(d.errors).toEqual([
      { type: "STREAM", account: "$G", stream: "BAD", error: msg.replaceAll('\\"', '"') },
      { type: "STREAM", account: "$G", stream: "LOSSY", error: 'JetStream stream "LOSSY" on account "$G" has corrupt data: 0 lost messages (64 bytes)' },
    ]);
    // an empty loss record is no loss
    expect(h("", server(jsView([stream("E", "file", 1, 1, [], { msgs: [], bytes: 0 })]))).status).toBe(200);
    expect(h("js-server-only=true", view).status).toBe(200);
  });
});

describe("JetStream metrics", () => {
  it("exposes per-stream and per-consumer gauges from the live view, dropping what is gone", async () => {
    const registry = new Registry();
    let streams = [S1(), stream("BAD", "file", 2, 50, [], { msgs: [7, 9], bytes: 99 })];
    let running = true;
    const m = registerJetStreamMetrics(registry, () => (running ? jsView(streams) : null));
    const text = await m.during(() => registry.metrics());
    expect(text).toMatch(/^natsts_jetstream_enabled 1$/m);
    expect(text).toMatch(/^natsts_jetstream_storage_bytes 167$/m);
    expect(text).toMatch(/^natsts_jetstream_api_requests_total 10$/m);
    expect(text).toMatch(/^natsts_jetstream_api_errors_total 2$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_messages\{stream="S1"\} 3$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_bytes\{stream="S1"\} 117$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_first_seq\{stream="S1"\} 1$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_last_seq\{stream="S1"\} 3$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_consumers\{stream="S1"\} 2$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_lost_messages\{stream="S1"\} 0$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_lost_messages\{stream="BAD"\} 2$/m);
    expect(text).toMatch(/^natsts_jetstream_stream_lost_bytes\{stream="BAD"\} 99$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_num_pending\{stream="S1",consumer="C2"\} 4$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_num_ack_pending\{stream="S1",consumer="C1"\} 1$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_num_redelivered\{stream="S1",consumer="C1"\} 0$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_num_waiting\{stream="S1",consumer="C1"\} 3$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_delivered_stream_seq\{stream="S1",consumer="C1"\} 2$/m);
    expect(text).toMatch(/^natsts_jetstream_consumer_ack_floor_stream_seq\{stream="S1",consumer="C1"\} 1$/m);

    streams = [M1()];
    const after = await registry.metrics(); // without a shared snapshot too
    expect(after).not.toMatch(/stream="S1"/);
    expect(after).toMatch(/^natsts_jetstream_stream_messages\{stream="M1"\} 1$/m);
    expect(after).toMatch(/^natsts_jetstream_memory_bytes 19$/m);
    expect(after).toMatch(/^natsts_jetstream_api_requests_total 10$/m); // a counter does not go back

    running = false;
    const off = await m.during(() => registry.metrics());
    expect(off).toMatch(/^natsts_jetstream_enabled 0$/m);
    expect(off).not.toMatch(/stream="/);
  });
});

describe("goJSON", () => {
  it("writes bigints as numbers with all their digits, and leaves look-alike strings alone", () => {
    expect(goJSON({ a: 2n ** 64n - 1n, b: [-5n], c: "x" }, false)).toBe('{"a":18446744073709551615,"b":[-5],"c":"x"}');
    expect(goJSON({ s: "\u0001bigint-0000000000000000:12", n: 1n }, false)).toBe('{"s":"\\u0001bigint-0000000000000000:12","n":1}');
    expect(goJSON({ a: 1n }, true)).toBe('{\n  "a": 1\n}');
  });
});
