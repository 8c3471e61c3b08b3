// JetStream metrics for /metrics: server-wide usage and API totals, and gauges per stream and per
// consumer, computed at scrape time from the live objects (a stream or consumer that is gone
// leaves no series behind).

import { Gauge, type Registry } from "prom-client";
import type { JsView } from "./jsview.js";
import { mirroredCounter } from "./metrics-mirror.js";

interface StreamSample {
  stream: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  consumers: number;
  lostMsgs: number;
  lostBytes: number;
}

interface ConsumerSample {
  stream: string;
  consumer: string;
  numPending: number;
  numAckPending: number;
  numRedelivered: number;
  numWaiting: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
}

interface Snapshot {
  enabled: boolean;
  memory: number;
  storage: number;
  apiTotal: number;
  apiErrors: number;
  streams: StreamSample[];
  consumers: ConsumerSample[];
}

export function takeSnapshot(js: JsView | null): Snapshot {
  const snap: Snapshot = { enabled: js !== null, memory: 0, storage: 0, apiTotal: 0, apiErrors: 0, streams: [], consumers: [] };
  if (js === null) return snap;
  const u = js.usage();
  snap.memory = u.memory;
  snap.storage = u.storage;
  snap.apiTotal = js.apiTotal;
  snap.apiErrors = js.apiErrors;
  for (const acc of js.accounts()) {
    for (const s of acc.streams()) {
      const st = s.state();
      snap.streams.push({
        stream: s.name,
        messages: st.messages,
        bytes: st.bytes,
        firstSeq: st.first_seq,
        lastSeq: st.last_seq,
        consumers: st.consumer_count,
        lostMsgs: st.lost?.msgs?.length ?? 0,
        lostBytes: st.lost?.bytes ?? 0,
      });
      for (const c of s.consumers()) {
        const i = c.info();
        snap.consumers.push({
          stream: s.name,
          consumer: c.name,
          numPending: i.num_pending,
          numAckPending: i.num_ack_pending,
          numRedelivered: i.num_redelivered,
          numWaiting: i.num_waiting,
          deliveredStreamSeq: i.delivered.stream_seq,
          ackFloorStreamSeq: i.ack_floor.stream_seq,
        });
      }
    }
  }
  return snap;
}

export interface JetStreamMetrics {
  /** runs `render` with one snapshot shared by every JetStream metric of that scrape */
  during<T>(render: () => Promise<T>): Promise<T>;
}

type Read<S> = (s: S) => number;

export function registerJetStreamMetrics(registry: Registry, source: () => JsView | null): JetStreamMetrics {
  let current: Snapshot | null = null;
  const snap = (): Snapshot => current ?? takeSnapshot(source());

  const server = (name: string, help: string, read: Read<Snapshot>): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(snap()));
      },
    });
  };
  const counter = (name: string, help: string, read: Read<Snapshot>): void => mirroredCounter(registry, name, help, () => read(snap()));
  const perStream = (name: string, help: string, read: Read<StreamSample>): void => {
    new Gauge({
      name,
      help,
      labelNames: ["stream"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of snap().streams) this.set({ stream: s.stream }, read(s));
      },
    });
  };
  const perConsumer = (name: string, help: string, read: Read<ConsumerSample>): void => {
    new Gauge({
      name,
      help,
      labelNames: ["stream", "consumer"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of snap().consumers) this.set({ stream: c.stream, consumer: c.consumer }, read(c));
      },
    });
  };

  server("natsts_jetstream_enabled", "1 while JetStream runs", (s) => (s.enabled ? 1 : 0));
  server("natsts_jetstream_memory_bytes", "Bytes stored in memory streams", (s) => s.memory);
  server("natsts_jetstream_storage_bytes", "Bytes stored in file streams", (s) => s.storage);
  server("natsts_jetstream_streams", "Streams", (s) => s.streams.length);
  server("natsts_jetstream_consumers", "Consumers", (s) => s.consumers.length);
  counter("natsts_jetstream_api_requests_total", "JetStream API requests handled", (s) => s.apiTotal);
  counter("natsts_jetstream_api_errors_total", "JetStream API requests answered with an error", (s) => s.apiErrors);

  perStream("natsts_jetstream_stream_messages", "Messages in the stream", (s) => s.messages);
  perStream("natsts_jetstream_stream_bytes", "Bytes in the stream", (s) => s.bytes);
  perStream("natsts_jetstream_stream_first_seq", "Sequence of the stream's first message", (s) => s.firstSeq);
  perStream("natsts_jetstream_stream_last_seq", "Sequence of the stream's last message", (s) => s.lastSeq);
  perStream("natsts_jetstream_stream_consumers", "Consumers of the stream", (s) => s.consumers);
  perStream("natsts_jetstream_stream_lost_messages", "Messages the store found corrupt (never served)", (s) => s.lostMsgs);
  perStream("natsts_jetstream_stream_lost_bytes", "Bytes the store found corrupt (never served)", (s) => s.lostBytes);

  perConsumer("natsts_jetstream_consumer_num_pending", "Messages matching the consumer not yet delivered", (c) => c.numPending);
  perConsumer("natsts_jetstream_consumer_num_ack_pending", "Messages delivered and awaiting acknowledgement", (c) => c.numAckPending);
  perConsumer("natsts_jetstream_consumer_num_redelivered", "Messages delivered more than once and not yet acknowledged", (c) => c.numRedelivered);
  perConsumer("natsts_jetstream_consumer_num_waiting", "Pull requests waiting", (c) => c.numWaiting);
  perConsumer("natsts_jetstream_consumer_delivered_stream_seq", "Stream sequence of the last delivered message", (c) => c.deliveredStreamSeq);
  perConsumer("natsts_jetstream_consumer_ack_floor_stream_seq", "Stream sequence below which everything is acknowledged", (c) => c.ackFloorStreamSeq);

  return {
    async during<T>(render: () => Promise<T>): Promise<T> {
      current = takeSnapshot(source());
      try {
        return await render();
      } finally {
        current = null;
      }
    },
  };
}
