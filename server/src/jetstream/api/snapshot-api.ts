// Stream snapshot and restore ($JS.API.STREAM.SNAPSHOT / RESTORE), as `nats stream backup` and
// `nats stream restore` drive them. The data is opaque to clients: natsts writes its own format
// (gzip of length-prefixed message records followed by the consumers' configs and progress),
// sends it in acknowledged chunks within a window, and ends with a `204` status message.

import { gunzipSync, gzipSync } from "node:zlib";
import type { Subscription } from "../../client/subscription.js";
import type { Consumer } from "../consumer/consumer.js";
import type { JetStream } from "../jetstream.js";
import { checkStreamConfig } from "../stream/config.js";
import type { Stream } from "../stream/stream.js";
import { buildHeaders } from "../headers.js";
import { frame, unframe } from "./snappy-frame.js";
import { JSErr } from "./errors.js";
import { formatUnixNanos, marshalGo, nowUnixNanos } from "./json.js";
import { decodeLoose } from "./requests.js";
import { ApiFailure, auditClient, type ApiBody, type ApiRequest, type ApiRoute } from "./router.js";
import { storedConfig, streamOf } from "./stream-api.js";
import { apiType, type ConsumerConfig, type StreamConfig } from "./types.js";

const MAGIC = Buffer.from("NATSTS-SNAPSHOT-1\n");
const DEFAULT_CHUNK = 128 * 1024;
const DEFAULT_WINDOW = 8 * 1024 * 1024;
const ACK_TIMEOUT_MS = 10_000;
const SUBSCRIBE_WAIT_MS = 2_000;

interface SnapshotRequest {
  deliver_subject?: string;
  no_consumers?: boolean;
  chunk_size?: number;
  window_size?: number;
}

interface ConsumerSnapshot {
  name: string;
  config: ConsumerConfig;
  info: ReturnType<Consumer["info"]>;
}

function nuid(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < 22; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** Serializes every message of the stream, then the consumers. */
export function encodeSnapshot(js: JetStream, stream: Stream, withConsumers: boolean): Buffer {
  const parts: Buffer[] = [MAGIC];
  const store = stream.store;
  let seq = Math.max(1, store.state().firstSeq);
  for (let m = store.nextMatching(seq, ">"); m !== null; m = store.nextMatching(seq, ">")) {
    const subj = Buffer.from(m.subject, "latin1");
    const hdr = m.hdr ?? Buffer.alloc(0);
    const head = Buffer.alloc(4 + 8 + 8 + 2 + 4 + 4);
    head.writeUInt32BE(head.length - 4 + subj.length + hdr.length + m.data.length, 0);
    head.writeBigUInt64BE(BigInt(m.seq), 4);
    head.writeBigInt64BE(m.ts, 12);
    head.writeUInt16BE(subj.length, 20);
    head.writeUInt32BE(hdr.length, 22);
    head.writeUInt32BE(m.data.length, 26);
    parts.push(head, subj, hdr, m.data);
    seq = m.seq + 1;
  }
  parts.push(Buffer.alloc(4)); // end of messages
  const consumers: ConsumerSnapshot[] = withConsumers ? js.consumersOf(stream).map((c) => ({ name: c.name, config: c.config, info: c.info() })) : [];
  parts.push(Buffer.from(JSON.stringify({ last_seq: store.state().lastSeq, consumers })));
  return frame(gzipSync(Buffer.concat(parts)));
}

interface DecodedSnapshot {
  msgs: Array<{ seq: number; ts: bigint; subject: string; hdr: Buffer | null; data: Buffer }>;
  lastSeq: number;
  consumers: ConsumerSnapshot[];
}

export function decodeSnapshot(data: Buffer): DecodedSnapshot {
  const raw = gunzipSync(unframe(data));
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a natsts snapshot");
  let p = MAGIC.length;
  const msgs: DecodedSnapshot["msgs"] = [];
  for (;;) {
    const len = raw.readUInt32BE(p);
    p += 4;
    if (len === 0) break;
    const seq = Number(raw.readBigUInt64BE(p));
    const ts = raw.readBigInt64BE(p + 8);
    const sl = raw.readUInt16BE(p + 16);
    const hl = raw.readUInt32BE(p + 18);
    const dl = raw.readUInt32BE(p + 22);
    let q = p + 26;
    const subject = raw.latin1Slice(q, q + sl);
    q += sl;
    const hdr = hl > 0 ? Buffer.from(raw.subarray(q, q + hl)) : null;
    q += hl;
    msgs.push({ seq, ts, subject, hdr, data: Buffer.from(raw.subarray(q, q + dl)) });
    p += len;
  }
  const tail = JSON.parse(raw.subarray(p).toString("utf8")) as { last_seq: number; consumers: ConsumerSnapshot[] };
  return { msgs, lastSeq: tail.last_seq, consumers: tail.consumers };
}

function snapshot(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const body = decodeLoose<SnapshotRequest>(req.data);
  const deliver = body.deliver_subject ?? "";
  if (deliver === "" || deliver.includes("*") || deliver.includes(">")) throw new ApiFailure(JSErr.JSSnapshotDeliverSubjectInvalidErr());
  if (stream.config.storage === "memory") throw new ApiFailure(JSErr.JSStreamSnapshotErrF({ err: "memory streams can not be snapshotted" }));
  const chunkSize = Math.min(1024 * 1024, Math.max(1024, body.chunk_size ?? DEFAULT_CHUNK));
  const window = Math.max(chunkSize, body.window_size ?? DEFAULT_WINDOW);
  const data = encodeSnapshot(js, stream, body.no_consumers !== true);
  const info = stream.info();
  const client = auditClient(req.from, js.serverName);
  const start = formatUnixNanos(nowUnixNanos());
  js.advisory(`STREAM.SNAPSHOT_CREATE.${stream.name}`, { type: "io.nats.jetstream.advisory.v1.snapshot_create", stream: stream.name, state: info.state, client });
  // the response goes first; the chunks follow once it is on its way
  setImmediate(() =>
    sendChunks(js, stream.name, deliver, data, chunkSize, window, () => {
      const end = formatUnixNanos(nowUnixNanos());
      js.advisory(`STREAM.SNAPSHOT_COMPLETE.${stream.name}`, { type: "io.nats.jetstream.advisory.v1.snapshot_complete", stream: stream.name, start, end, client });
    }),
  );
  // the stored config, without the server's version metadata, as nats-server answers
  return { config: storedConfig(info.config), state: info.state };
}

/** Streams the snapshot to `deliver` with flow control; `done` runs once it ended (sent, or given up). */
function sendChunks(js: JetStream, streamName: string, deliver: string, data: Buffer, chunkSize: number, window: number, done: () => void): void {
  const id = nuid();
  const ackPrefix = `$JS.SNAPSHOT.ACK.${streamName}.${id}`;
  let offset = 0;
  let index = 0;
  let outstanding = 0;
  let timer: NodeJS.Timeout | null = null;
  let sub: Subscription | null = null;
  const finish = (status: string): void => {
    if (timer !== null) clearTimeout(timer);
    if (sub !== null) js.ic.unsubscribe(sub);
    js.ic.publish(deliver, null, buildHeaders([], status), Buffer.alloc(0));
    done();
  };
  const pump = (): void => {
    if (timer !== null) clearTimeout(timer);
    while (offset < data.length && outstanding + chunkSize <= window) {
      if (!js.ic.hasInterest(deliver)) return finish("408 No Interest");
      const chunk = data.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      outstanding += chunk.length;
      js.ic.publish(deliver, `${ackPrefix}.${chunk.length}.${index++}`, null, chunk);
    }
    if (offset >= data.length) return finish("204");
    timer = setTimeout(() => finish("408 No Flow Response"), ACK_TIMEOUT_MS);
    timer.unref();
  };
  sub = js.ic.subscribe(`${ackPrefix}.>`, (m) => {
    const t = m.subject.split(".");
    outstanding -= Number(t[t.length - 2]) || 0;
    pump();
  });
  // clients subscribe to the deliver subject once they have the response: wait for that
  // subscription (a muxed-inbox wildcard would swallow the first chunks)
  const started = Date.now();
  const waitForSubscriber = (): void => {
    if (js.ic.hasExactSubscriber(deliver) || Date.now() - started > SUBSCRIBE_WAIT_MS) {
      pump();
      return;
    }
    setTimeout(waitForSubscriber, 5).unref();
  };
  waitForSubscriber();
}

interface RestoreRequest {
  config?: StreamConfig;
  state?: unknown;
}

function restore(js: JetStream, req: ApiRequest): ApiBody {
  const name = req.tokens[2];
  const body = decodeLoose<RestoreRequest>(req.data);
  if (js.streams.has(name)) throw new ApiFailure(JSErr.JSStreamNameExistRestoreFailedErr());
  const checked = checkStreamConfig(JSON.stringify(body.config ?? {}), {
    action: "create",
    subjectInRequest: name,
    otherStreams: [...js.streams.values()].map((s) => s.config),
  });
  if ("error" in checked) throw new ApiFailure(checked.error);
  const config = checked.config;
  const deliver = `$JS.SNAPSHOT.RESTORE.${name}.${nuid()}`;
  const chunks: Buffer[] = [];
  const client = auditClient(req.from, js.serverName);
  const start = formatUnixNanos(nowUnixNanos());
  js.advisory(`STREAM.RESTORE_CREATE.${name}`, { type: "io.nats.jetstream.advisory.v1.restore_create", stream: name, client });
  const sub = js.ic.subscribe(deliver, (m) => {
    const reply = m.reply;
    if (m.data.length > 0) {
      chunks.push(Buffer.from(m.data));
      if (reply !== null) js.ic.publish(reply, null, null, Buffer.alloc(0));
      return;
    }
    js.ic.unsubscribe(sub);
    const data = Buffer.concat(chunks);
    void finishRestore(js, config, data).then(
      (out) => {
        const end = formatUnixNanos(nowUnixNanos());
        js.advisory(`STREAM.RESTORE_COMPLETE.${name}`, { type: "io.nats.jetstream.advisory.v1.restore_complete", stream: name, start, end, bytes: data.length, client });
        if (reply !== null) js.ic.publish(reply, null, null, Buffer.from(marshalGo({ type: apiType("stream_create_response"), ...out })));
      },
      (err: unknown) => {
        js.logger.error(`JetStream restore of stream '${name}' failed: ${String(err)}`);
        const error = JSErr.JSStreamRestoreErrF({ err: err instanceof Error ? err.message : String(err) });
        if (reply !== null) js.ic.publish(reply, null, null, Buffer.from(marshalGo({ type: apiType("stream_create_response"), error })));
      },
    );
  });
  return { deliver_subject: deliver };
}

async function finishRestore(js: JetStream, config: StreamConfig, data: Buffer): Promise<ApiBody> {
  const snap = decodeSnapshot(data);
  const stream = await js.createStream(config, { restoring: true });
  for (const m of snap.msgs) stream.store.append(m.subject, m.hdr, m.data, { seq: m.seq, ts: m.ts });
  await stream.store.sync();
  stream.durableSeq = stream.store.state().lastSeq;
  for (const c of snap.consumers) {
    await js.createConsumer(stream, c.name, c.config, {
      delivered: { consumerSeq: c.info.delivered.consumer_seq, streamSeq: c.info.delivered.stream_seq },
      ackFloor: { consumerSeq: c.info.ack_floor.consumer_seq, streamSeq: c.info.ack_floor.stream_seq },
      pending: new Map(),
      redelivered: new Map(),
    });
  }
  stream.start();
  return { ...stream.info() };
}

export const SNAPSHOT_ROUTES: ApiRoute[] = [
  { pattern: ["STREAM", "SNAPSHOT", "*"], type: "stream_snapshot_response", handler: snapshot },
  { pattern: ["STREAM", "RESTORE", "*"], type: "stream_restore_response", handler: restore },
];
