// $JS.API handlers for consumers: create (named, durable, ephemeral, with a filter in the
// subject), info, names, list, delete, pause, and pull requests (MSG.NEXT).

import { Consumer } from "../consumer/consumer.js";
import { checkConsumerConfig, consumerConfigWithVersionMetadata } from "../consumer/config.js";
import { buildHeaders } from "../headers.js";
import type { JetStream } from "../jetstream.js";
import type { Stream } from "../stream/stream.js";
import { JSErr } from "./errors.js";
import { formatRFC3339Nano, parseRFC3339 } from "./json.js";
import { CONSUMERS_REQUEST, decodeRequest, PAUSE_REQUEST } from "./requests.js";
import { ApiFailure, type ApiBody, type ApiRequest, type ApiRoute } from "./router.js";
import { storedConfig, streamOf } from "./stream-api.js";
import type { ConsumerPauseRequest, PagedRequest } from "./types.js";

const NAMES_LIMIT = 1024;
const LIST_LIMIT = 256;
const ZERO_TIME = "0001-01-01T00:00:00Z";

function consumerOf(stream: Stream, name: string): Consumer {
  const c = stream.consumers.get(name);
  if (!(c instanceof Consumer)) throw new ApiFailure(JSErr.JSConsumerNotFoundErr());
  return c;
}

/** The consumers NAMES and LIST show: direct (internal) consumers are left out, as nats-server does. */
function sorted(js: JetStream, stream: Stream): Consumer[] {
  return js
    .consumersOf(stream)
    .filter((c) => c.config.direct !== true)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function create(js: JetStream, req: ApiRequest, durableEndpoint: boolean): Promise<ApiBody> {
  // CONSUMER.CREATE.<s>[.<c>[.<filter...>]] or CONSUMER.DURABLE.CREATE.<s>.<d>
  const t = req.tokens;
  const streamName = durableEndpoint ? t[3] : t[2];
  const nameInSubject = durableEndpoint ? t[4] : t[3];
  const filterInSubject = !durableEndpoint && t.length > 4 ? t.slice(4).join(".") : undefined;
  const stream = streamOf(js, streamName);
  const others = js.consumersOf(stream);
  const result = checkConsumerConfig(req.data, {
    stream: stream.config,
    streamInSubject: streamName,
    existing: (name) => {
      const c = stream.consumers.get(name);
      return c instanceof Consumer ? c.config : undefined;
    },
    otherConsumers: others.map((c) => c.config),
    nameInSubject,
    filterInSubject,
    durableEndpoint,
  });
  if ("error" in result) throw new ApiFailure(result.error);
  const existing = stream.consumers.get(result.name);
  if (existing instanceof Consumer) {
    if (JSON.stringify(existing.config) !== JSON.stringify(result.config)) js.updateConsumer(stream, existing, result.config);
    return { ...existing.info() };
  }
  const max = stream.config.max_consumers;
  if (max > 0 && stream.consumers.size >= max) throw new ApiFailure(JSErr.JSMaximumConsumersLimitErr());
  const c = await js.createConsumer(stream, result.name, result.config);
  return { ...c.info() };
}

function info(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  return { ...consumerOf(stream, req.tokens[3]).info() };
}

function names(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const body = decodeRequest<PagedRequest>(CONSUMERS_REQUEST, req.data);
  const all = sorted(js, stream);
  const offset = Math.min(all.length, Math.max(0, body.offset ?? 0));
  return { total: all.length, offset, limit: NAMES_LIMIT, consumers: all.slice(offset, offset + NAMES_LIMIT).map((c) => c.name) };
}

function list(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const body = decodeRequest<PagedRequest>(CONSUMERS_REQUEST, req.data);
  const all = sorted(js, stream);
  const offset = Math.min(all.length, Math.max(0, body.offset ?? 0));
  const consumers = all.slice(offset, offset + LIST_LIMIT).map((c) => {
    const i = c.info();
    return { ...i, config: storedConfig(i.config) };
  });
  return { total: all.length, offset, limit: LIST_LIMIT, consumers };
}

async function del(js: JetStream, req: ApiRequest): Promise<ApiBody> {
  const stream = streamOf(js, req.tokens[2]);
  consumerOf(stream, req.tokens[3]);
  await js.deleteConsumer(stream, req.tokens[3], true);
  return { success: true };
}

function pause(js: JetStream, req: ApiRequest): ApiBody {
  const stream = streamOf(js, req.tokens[2]);
  const c = consumerOf(stream, req.tokens[3]);
  const body = decodeRequest<ConsumerPauseRequest>(PAUSE_REQUEST, req.data);
  const given = body.pause_until ?? "";
  const time = given !== "" ? parseRFC3339(given) : null;
  // written back as nats-server writes a time (RFC 3339 with nanoseconds, trailing zeros cut)
  const text = time !== null ? formatRFC3339Nano(time) : "";
  const until = time !== null ? Number(time.unixNanos / 1_000_000n) : 0;
  const paused = until > Date.now();
  c.pause(paused ? until : 0);
  const cfg = { ...c.config };
  if (paused) cfg.pause_until = text;
  else delete cfg.pause_until;
  js.updateConsumer(stream, c, consumerConfigWithVersionMetadata(cfg));
  const out: ApiBody = { paused, pause_until: text !== "" ? text : ZERO_TIME };
  if (paused) out.pause_remaining = (until - Date.now()) * 1e6;
  js.advisory(`CONSUMER.PAUSE.${stream.name}.${c.name}`, {
    type: "io.nats.jetstream.advisory.v1.consumer_pause",
    stream: stream.name,
    consumer: c.name,
    paused,
    pause_until: out.pause_until,
  });
  return out;
}

function next(js: JetStream, req: ApiRequest): null {
  const reply = req.reply;
  if (reply === null || reply === "") return null;
  const stream = js.streams.get(req.tokens[3]);
  const c = stream?.consumers.get(req.tokens[4]);
  if (!(c instanceof Consumer)) {
    // nats-server has no subscription for a consumer that does not exist: the requester sees no responders
    js.ic.publish(reply, null, buildHeaders([["Nats-Subject", req.subject]], "503"), Buffer.alloc(0));
    return null;
  }
  c.addPullRequest(reply, req.data);
  return null;
}

const PAGED_ZERO = { total: 0, offset: 0, limit: 0 };

export const CONSUMER_ROUTES: ApiRoute[] = [
  { pattern: ["CONSUMER", "DURABLE", "CREATE", "*", "*"], type: "consumer_create_response", handler: (js, r) => create(js, r, true) },
  { pattern: ["CONSUMER", "CREATE", "*"], type: "consumer_create_response", handler: (js, r) => create(js, r, false) },
  { pattern: ["CONSUMER", "CREATE", "*", ">"], type: "consumer_create_response", handler: (js, r) => create(js, r, false) },
  { pattern: ["CONSUMER", "INFO", "*", "*"], type: "consumer_info_response", handler: info },
  { pattern: ["CONSUMER", "NAMES", "*"], type: "consumer_names_response", handler: names, errorFields: { ...PAGED_ZERO, consumers: [] } },
  { pattern: ["CONSUMER", "LIST", "*"], type: "consumer_list_response", handler: list, errorFields: { ...PAGED_ZERO, consumers: [] } },
  { pattern: ["CONSUMER", "DELETE", "*", "*"], type: "consumer_delete_response", handler: del },
  { pattern: ["CONSUMER", "PAUSE", "*", "*"], type: "consumer_pause_response", handler: pause, errorFields: { paused: false, pause_until: ZERO_TIME } },
  { pattern: ["CONSUMER", "MSG", "NEXT", "*", "*"], type: "", handler: next, uncounted: true },
];
