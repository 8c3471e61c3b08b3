// What the monitoring endpoints see of JetStream: a read-only view over the live JetStream,
// Stream and Consumer objects, narrow enough that the JSON builders (jsz, healthz, varz, metrics)
// can be tested against plain objects.

import type { ConsumerInfo, StreamState } from "../jetstream/api/types.js";
import { ACCOUNT, type JetStream } from "../jetstream/jetstream.js";
import type { NatsServer } from "../server.js";

/** The JetStream configuration as nats-server reports it in /jsz and /varz. */
export interface JsConfigView {
  readonly maxMemory: number;
  readonly maxStore: number;
  /** `<store_dir>/jetstream` */
  readonly storeDir: string;
  /** "always", or the interval between syncs in milliseconds */
  readonly syncInterval: "always" | number;
  readonly domain: string;
}

export interface JsConsumerView {
  readonly name: string;
  /** ConsumerInfo as the JetStream API reports it (config included) */
  info(): ConsumerInfo;
}

export interface JsStreamView {
  readonly name: string;
  /** creation time, Unix nanoseconds */
  readonly created: bigint;
  /** the stream configuration, serialized as is */
  readonly config: object;
  readonly storage: "file" | "memory";
  /** StreamState as the JetStream API reports it (with `lost` when the store found corrupt records) */
  state(): StreamState;
  readonly consumerCount: number;
  consumers(): JsConsumerView[];
}

export interface JsAccountView {
  readonly name: string;
  streams(): JsStreamView[];
  stream(name: string): JsStreamView | null;
}

export interface JsView {
  readonly config: JsConfigView;
  /** bytes stored, by storage type */
  usage(): { memory: number; storage: number };
  readonly apiTotal: number;
  readonly apiErrors: number;
  /** the JetStream-enabled accounts, sorted by name */
  accounts(): JsAccountView[];
}

/** What a monitoring endpoint needs of the server besides JetStream itself. */
export interface JsServerView {
  readonly serverId: string;
  readonly serverName: string;
  /** JetStream is enabled in the configuration */
  readonly configured: boolean;
  /** the running JetStream, null when it is off (not configured, or not (yet) running) */
  readonly js: JsView | null;
}

function streamView(js: JetStream, name: string): JsStreamView | null {
  const s = js.streams.get(name);
  if (s === undefined) return null;
  return {
    name: s.name,
    created: s.created,
    config: s.config,
    storage: s.config.storage,
    state: () => s.state(),
    get consumerCount(): number {
      return s.consumers.size;
    },
    consumers: () => js.consumersOf(s).map((c) => ({ name: c.name, info: () => c.info() })),
  };
}

/** A view over the server's live JetStream, or null when it does not run. */
export function jetStreamView(js: JetStream | null): JsView | null {
  if (js === null) return null;
  const account: JsAccountView = {
    name: ACCOUNT,
    streams: () => [...js.streams.keys()].map((n) => streamView(js, n)).filter((v): v is JsStreamView => v !== null),
    stream: (name) => streamView(js, name),
  };
  return {
    config: {
      maxMemory: js.maxMemory,
      maxStore: js.maxStore,
      storeDir: js.root,
      syncInterval: js.opts.syncInterval,
      domain: js.domain,
    },
    usage: () => {
      const u = js.usage();
      return { memory: u.memory, storage: u.storage };
    },
    get apiTotal(): number {
      return js.apiTotal;
    },
    get apiErrors(): number {
      return js.apiErrors;
    },
    accounts: () => [account],
  };
}

export function serverJsView(server: NatsServer): JsServerView {
  return {
    serverId: server.serverId,
    serverName: server.serverName,
    configured: server.options.jetstream.enabled,
    js: server.jetStreamActive ? jetStreamView(server.jetstream) : null,
  };
}
