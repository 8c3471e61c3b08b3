// Differential test of JetStream configuration checking: every case sends a STREAM.CREATE /
// STREAM.UPDATE / CONSUMER.CREATE / CONSUMER.DURABLE.CREATE request to the reference nats-server
// (after the case's setup requests), and gives the same request bytes to natsts'
// checkStreamConfig / checkConsumerConfig in-process, with the context (existing stream or
// consumer, other streams, other consumers) read back from the reference. They must agree:
//   - an error: the whole `error` object (code, err_code, description) byte for byte;
//   - a success: the whole normalized `config` (same JSON text: keys, order, values, `_nats.*`
//     metadata), and the consumer name unless the reference generated one.
// Every reference response must also validate against its jsm.go JSON schema, and re-serialize
// byte-identically through natsts' Go-compatible marshalGo.
//
// The reference server comes from e2e/lib (NATSTS_TOOLS_DIR or ~/.cache/natsts-tools); when it is
// missing, the suite fails in beforeAll.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marshalGo, parseJsonLossless } from "../../server/src/jetstream/api/json.js";
import type { ConsumerConfig, StreamConfig } from "../../server/src/jetstream/api/types.js";
import { checkConsumerConfig } from "../../server/src/jetstream/consumer/config.js";
import { checkStreamConfig, type JsLimits } from "../../server/src/jetstream/stream/config.js";
import { assertJsValid, schemaIdForType, schemaIds, validateJs } from "../lib/jsschemas.js";
import { startServer, stopAll } from "../lib/procs.js";
import { CLIENT_CASES } from "./config-cases-clients.js";
import { CONSUMER_CASES } from "./config-cases-consumer.js";
import { LIMITS_CASES } from "./config-cases-limits.js";
import { RANDOM_CASES } from "./config-cases-random.js";
import { STREAM_MORE_CASES } from "./config-cases-stream-more.js";
import { STREAM_CASES } from "./config-cases-stream.js";
import type { DiffCase, Req } from "./config-cases.js";

/** The second reference server: JetStream limits server-wide and per account. */
const LIMITS_CONF = `
jetstream { limits { max_ack_pending: 100, duplicate_window: "1m", max_request_batch: 10 } }
accounts {
  A { jetstream { max_mem: 1G, max_file: 1G, max_bytes_required: true, disk_max_stream_bytes: 5000, mem_max_stream_bytes: 3000, max_ack_pending: 70 }, users [{user: a, password: a}] }
  B { jetstream: enabled, users [{user: b, password: b}] }
}
`;
/** The same limits as natsts' check functions see them. */
const LIMITS: Record<"A" | "B", JsLimits> = {
  A: { maxBytesRequired: true, storageMaxStreamBytes: 5000, memoryMaxStreamBytes: 3000, accountMaxAckPending: 70, maxAckPending: 100, duplicateWindow: 60_000_000_000, maxRequestBatch: 10 },
  B: { maxAckPending: 100, duplicateWindow: 60_000_000_000, maxRequestBatch: 10 },
};

let nc: NatsConnection;
const accounts: Partial<Record<"A" | "B", NatsConnection>> = {};

beforeAll(async () => {
  const [server, limited] = await Promise.all([
    startServer("reference", { jetstream: true, name: "reference-js" }),
    startServer("reference", { jetstream: true, name: "reference-js-limits", config: LIMITS_CONF }),
  ]);
  nc = await connect({ servers: server.url });
  accounts.A = await connect({ servers: limited.url, user: "a", pass: "a" });
  accounts.B = await connect({ servers: limited.url, user: "b", pass: "b" });
}, 30_000);

afterAll(async () => {
  await Promise.all([nc, accounts.A, accounts.B].map((c) => c?.close()));
  await stopAll();
});

const enc = new TextEncoder();
const dec = new TextDecoder();

function bodyBytes(body: Req["body"]): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  return typeof body === "string" ? Buffer.from(body, "utf8") : enc.encode(JSON.stringify(body));
}

interface Reply {
  raw: string;
  json: Record<string, unknown>;
}

/** The connection of the case being run. */
let conn: NatsConnection;

// Right after a stream is deleted, the reference sometimes fails to create a stream of the same
// name ("error creating store for stream": its old directory is still being removed). That is a
// property of the test's reuse of names, not of config checking: such a create is retried.
const STORE_RACE = "error creating store for stream";

async function request(subject: string, body: Req["body"]): Promise<Reply> {
  for (let attempt = 0; ; attempt++) {
    const msg = await conn.request(`$JS.API.${subject}`, bodyBytes(body), { timeout: 5000 });
    const raw = dec.decode(msg.data);
    const json = JSON.parse(raw) as Record<string, unknown>;
    const err = json.error as { description?: string } | undefined;
    if (subject.startsWith("STREAM.CREATE.") && err?.description === STORE_RACE && attempt < 20) {
      await new Promise((r) => setTimeout(r, 25));
      continue;
    }
    return { raw, json };
  }
}

async function resetServer(): Promise<void> {
  const names = await request("STREAM.NAMES", "");
  for (const name of (names.json.streams as string[] | null) ?? []) {
    const r = await request(`STREAM.DELETE.${name}`, "");
    if (r.json.error !== undefined) throw new Error(`cannot delete stream ${name}: ${r.raw}`);
  }
}

async function streamConfigs(): Promise<StreamConfig[]> {
  const r = await request("STREAM.LIST", "");
  return ((r.json.streams as { config: StreamConfig }[] | null) ?? []).map((s) => s.config);
}

async function consumerConfigs(stream: string): Promise<ConsumerConfig[]> {
  const r = await request(`CONSUMER.LIST.${stream}`, "");
  if (r.json.error !== undefined) return [];
  return ((r.json.consumers as { name: string; config: ConsumerConfig }[] | null) ?? []).map((c) => ({ ...c.config, name: c.config.name ?? c.name }));
}

/** Parses CONSUMER.CREATE.<s>[.<c>[.<filter>]] / CONSUMER.DURABLE.CREATE.<s>.<c>. */
function consumerSubject(subject: string): { stream: string; name?: string; filter?: string; durable: boolean } {
  const t = subject.split(".");
  if (t[1] === "DURABLE") return { stream: t[3] ?? "", name: t[4], durable: true };
  const filter = t.length > 4 ? t.slice(4).join(".") : undefined;
  return { stream: t[2] ?? "", name: t[3], filter, durable: false };
}

function checkReference(c: DiffCase, reply: Reply): void {
  const type = reply.json.type;
  expect(typeof type, `${c.name}: response has no type: ${reply.raw}`).toBe("string");
  const schema = schemaIdForType(type as string);
  if (c.schemaViolation === true) expect(validateJs(schema, reply.json), `${c.name}: expected a schema violation`).not.toEqual([]);
  else assertJsValid(schema, reply.json);
  expect(marshalGo(parseJsonLossless(reply.raw)), `${c.name}: marshalGo(reference) differs from the reference bytes`).toBe(reply.raw);
  if (c.expect !== undefined) {
    const err = reply.json.error as { err_code: number } | undefined;
    if (c.expect === "ok") expect(err, `${c.name}: the reference was expected to accept: ${reply.raw}`).toBeUndefined();
    else expect(err?.err_code, `${c.name}: the reference answered ${reply.raw}`).toBe(c.expect);
  }
}

async function runCase(c: DiffCase): Promise<void> {
  const account = c.account === undefined ? undefined : accounts[c.account];
  if (c.account !== undefined && account === undefined) throw new Error(`${c.name}: no connection for account ${c.account}`);
  conn = account ?? nc;
  const jsLimits = c.account === undefined ? undefined : LIMITS[c.account];
  await resetServer();
  for (const s of c.setup ?? []) {
    const r = await request(s.subject, s.body);
    if (r.json.error !== undefined) throw new Error(`${c.name}: setup ${s.subject} failed: ${r.raw}`);
  }
  const body = bodyBytes(c.body);
  if (c.subject.startsWith("STREAM.")) {
    const [, op, token] = /^STREAM\.(CREATE|UPDATE)\.(.*)$/.exec(c.subject) ?? [];
    const streams = await streamConfigs();
    const existing = streams.find((s) => s.name === token);
    const reply = await request(c.subject, c.body);
    checkReference(c, reply);
    const mine = checkStreamConfig(body, {
      action: op === "UPDATE" ? "update" : "create",
      subjectInRequest: token ?? "",
      existing,
      otherStreams: streams.filter((s) => s.name !== token),
      jsLimits,
    });
    compare(c, reply, mine);
    return;
  }
  const parts = consumerSubject(c.subject);
  const info = await request(`STREAM.INFO.${parts.stream}`, "");
  if (info.json.error !== undefined) throw new Error(`${c.name}: consumer case needs stream ${parts.stream}: ${info.raw}`);
  const stream = (info.json as { config: StreamConfig }).config;
  const consumers = await consumerConfigs(parts.stream);
  // direct consumers are left out of CONSUMER.LIST; the ones the setup made are looked up by name
  for (const s of c.setup ?? []) {
    const m = /^CONSUMER\.CREATE\.([^.]+)\.([^.]+)$/.exec(s.subject);
    if (m === null || m[1] !== parts.stream || consumers.some((k) => k.name === m[2])) continue;
    const info = await request(`CONSUMER.INFO.${m[1]}.${m[2]}`, "");
    if (info.json.error === undefined) consumers.push((info.json as { config: ConsumerConfig }).config);
  }
  const reply = await request(c.subject, c.body);
  checkReference(c, reply);
  const mine = checkConsumerConfig(body, {
    stream,
    streamInSubject: parts.stream,
    existing: (name) => consumers.find((k) => k.name === name),
    otherConsumers: consumers,
    nameInSubject: parts.name,
    filterInSubject: parts.filter,
    durableEndpoint: parts.durable,
    jsLimits,
  });
  compare(c, reply, mine);
  if (!("error" in mine) && reply.json.error === undefined && (reply.json.config as ConsumerConfig).name !== undefined) {
    expect(mine.name, `${c.name}: consumer name`).toBe(reply.json.name);
  }
}

function compare(c: DiffCase, reply: Reply, mine: { config: unknown } | { error: unknown }): void {
  const refError = reply.json.error;
  if (refError !== undefined) {
    const got = "error" in mine ? JSON.stringify(mine.error) : `accepted ${marshalGo(mine.config)}`;
    expect(got, `${c.name}: ${c.subject} ${dec.decode(bodyBytes(c.body)).slice(0, 300)}`).toBe(JSON.stringify(refError));
    return;
  }
  const want = marshalGo(reply.json.config);
  const got = "error" in mine ? `error ${JSON.stringify(mine.error)}` : marshalGo(mine.config);
  expect(got, `${c.name}: ${c.subject} ${dec.decode(bodyBytes(c.body)).slice(0, 300)}`).toBe(want);
}

describe("jsm.go schemas", () => {
  it("every schema compiles and rejects a non-object", () => {
    const ids = schemaIds();
    expect(ids.length).toBeGreaterThan(70);
    for (const id of ids) expect(validateJs(id, 42), id).not.toEqual([]);
  });
});

describe("JetStream config differential (reference nats-server vs natsts check functions)", () => {
  const all = [...STREAM_CASES, ...STREAM_MORE_CASES, ...CONSUMER_CASES, ...LIMITS_CASES, ...CLIENT_CASES, ...RANDOM_CASES];
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
    it(c.name, async () => {
      await runCase(c);
    });
  }
});
