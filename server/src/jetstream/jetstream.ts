// JetStream on one server: the store directory, the streams and their consumers, server-wide
// limits and usage, advisories, and the $JS.API request handlers (see api/router.ts).

import { mkdirSync, readdirSync, rmSync, statfsSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { InternalClient } from "../internal/client.js";
import type { PrefixShortcut } from "../internal/shortcut.js";
import { ACK_PREFIX } from "./consumer/protocol.js";
import type { Logger } from "../logger.js";
import { nowUnixNanos, formatUnixNanos } from "./api/json.js";
import type { ConsumerConfig, StreamConfig } from "./api/types.js";
import { Consumer } from "./consumer/consumer.js";
import { readMeta, writeMeta } from "./persist.js";
import { openFileConsumerStore } from "./store/consumerfile.js";
import { openFileStreamStore } from "./store/filestore.js";
import { openMemoryConsumerStore, openMemoryStreamStore } from "./store/memstore.js";
import type { ConsumerState, ConsumerStore, StreamStore } from "./store/types.js";
import { SourceLink } from "./stream/sourcing.js";
import { Stream } from "./stream/stream.js";
import type { JetStreamOptions } from "../config/options.js";
import type { SyncPolicy } from "./store/writer.js";

/** The one account until accounts exist. */
export const ACCOUNT = "$G";

interface StreamMeta {
  config: StreamConfig;
  created: string;
}
interface ConsumerMeta {
  name: string;
  config: ConsumerConfig;
  created: string;
}

export interface JetStreamHost {
  readonly logger: Logger;
  readonly serverName: string;
  createInternalClient(name: string): InternalClient;
}

export class JetStream {
  readonly ic: InternalClient;
  /** consumers' ack subscriptions, reached without a sublist match when nothing else listens there */
  readonly acks: PrefixShortcut;
  readonly streams = new Map<string, Stream>();
  readonly root: string;
  readonly maxMemory: number;
  readonly maxStore: number;
  readonly domain: string;
  readonly syncPolicy: SyncPolicy;
  apiTotal = 0;
  apiErrors = 0;

  constructor(
    readonly opts: JetStreamOptions,
    private readonly host: JetStreamHost,
  ) {
    this.ic = host.createInternalClient("JetStream");
    this.acks = this.ic.prefixShortcut(ACK_PREFIX);
    this.root = join(opts.storeDir !== "" ? opts.storeDir : join(tmpdir(), "nats"), "jetstream");
    this.maxMemory = opts.maxMemoryStore > 0 ? opts.maxMemoryStore : Math.floor(totalmem() * 0.75);
    this.maxStore = opts.maxFileStore > 0 ? opts.maxFileStore : defaultMaxStore(this.root);
    this.domain = opts.domain;
    this.syncPolicy = opts.syncInterval === "always" ? "always" : { intervalMs: opts.syncInterval };
  }

  get logger(): Logger {
    return this.host.logger;
  }

  get serverName(): string {
    return this.host.serverName;
  }

  log(level: "INF" | "WRN" | "ERR" | "DBG", msg: string): void {
    if (level === "DBG") this.logger.debug(msg);
    else this.logger.write(level, msg);
  }

  private streamsDir(): string {
    return join(this.root, ACCOUNT, "streams");
  }
  streamDir(name: string): string {
    return join(this.streamsDir(), name);
  }

  /** Opens the store directory and recovers every stream and consumer found there. */
  async start(): Promise<void> {
    mkdirSync(this.streamsDir(), { recursive: true });
    this.logger.info("Starting JetStream");
    this.logger.info(`    Store directory: "${this.root}"`);
    this.logger.info(`    Max Memory:      ${this.maxMemory}`);
    this.logger.info(`    Max Storage:     ${this.maxStore}`);
    this.logger.info(`    Sync:            ${this.syncPolicy === "always" ? "always (fsync before ack)" : `every ${this.opts.syncInterval}ms`}`);
    for (const name of readdirSync(this.streamsDir())) {
      try {
        await this.recoverStream(name);
      } catch (err) {
        this.logger.error(`JetStream could not recover stream '${ACCOUNT} > ${name}': ${(err as Error).message}`);
      }
    }
    this.wireLinks();
  }

  private async recoverStream(name: string): Promise<void> {
    const dir = this.streamDir(name);
    const meta = readMeta<StreamMeta>(dir);
    if (meta === null) return;
    const store = await this.openStreamStore(meta.config, dir);
    const stream = this.makeStream(meta.config, BigInt(Date.parse(meta.created)) * 1_000_000n, store);
    const st = store.state();
    this.logger.info(`  Restored ${st.messages} messages for stream '${ACCOUNT} > ${name}'`);
    if (st.lost !== null && (st.lost.msgs.length > 0 || st.lost.bytes > 0)) {
      this.logger.warn(`  Stream '${ACCOUNT} > ${name}' has ${st.lost.msgs.length} corrupt messages (${st.lost.bytes} bytes) that will not be served`);
    }
    const obs = join(dir, "obs");
    for (const cname of safeReaddir(obs)) {
      const cmeta = readMeta<ConsumerMeta>(join(obs, cname));
      if (cmeta === null) continue;
      const cstore = await this.openConsumerStore(meta.config, cmeta.config, join(obs, cname));
      this.attachConsumer(stream, cmeta.name, cmeta.config, BigInt(Date.parse(cmeta.created)) * 1_000_000n, cstore);
    }
    stream.start();
    for (const c of this.consumersOf(stream)) c.start();
    if (meta.config.storage === "file") {
      stream.verifyInBackground((lost) => {
        if (lost > 0) this.logger.warn(`JetStream stream '${ACCOUNT} > ${name}' has ${lost} corrupt messages that will not be served`);
      });
    }
  }

  private async openStreamStore(config: StreamConfig, dir: string): Promise<StreamStore> {
    if (config.storage === "memory") return openMemoryStreamStore({ firstSeq: config.first_seq });
    return openFileStreamStore(dir, {
      syncPolicy: this.syncPolicy,
      firstSeq: config.first_seq,
      logger: (level, msg) => this.log(level, `stream '${ACCOUNT} > ${config.name}': ${msg}`),
    });
  }

  private async openConsumerStore(stream: StreamConfig, config: ConsumerConfig, dir: string): Promise<ConsumerStore> {
    if (stream.storage === "memory" || config.mem_storage === true) return openMemoryConsumerStore();
    return openFileConsumerStore(dir, {
      syncPolicy: this.syncPolicy,
      logger: (level, msg) => this.log(level, `consumer '${ACCOUNT} > ${stream.name} > ${config.name ?? ""}': ${msg}`),
    });
  }

  private makeStream(config: StreamConfig, created: bigint, store: StreamStore): Stream {
    const stream = new Stream(config, created, store, {
      ic: this.ic,
      domain: this.domain,
      log: (level, msg) => this.log(level, msg),
      reserveBytes: (storage, delta) => this.reserve(storage, delta),
    });
    this.streams.set(config.name, stream);
    return stream;
  }

  private attachConsumer(stream: Stream, name: string, config: ConsumerConfig, created: bigint, store: ConsumerStore): Consumer {
    const c = new Consumer(stream, name, config, created, store, {
      ic: this.ic,
      acks: this.acks,
      log: (level, msg) => this.log(level, msg),
      advisory: (kind, s, cname, body) => this.advisory(`${kind}.${s}.${cname}`, body),
      metric: (kind, s, cname, body) => this.event(`$JS.EVENT.METRIC.${kind}.${s}.${cname}`, body),
      expire: (consumer) => void this.deleteConsumer(stream, consumer.name, false),
    });
    stream.consumers.set(c.name, c);
    return c;
  }

  // ---- streams ----

  /** Creates a stream; with `restoring`, it is not started (the caller loads messages, then starts it). */
  async createStream(config: StreamConfig, opts: { restoring?: boolean } = {}): Promise<Stream> {
    const dir = this.streamDir(config.name);
    const created = nowUnixNanos();
    if (config.storage === "file") {
      mkdirSync(dir, { recursive: true });
      writeMeta<StreamMeta>(dir, { config, created: formatUnixNanos(created) });
    }
    const store = await this.openStreamStore(config, dir);
    const stream = this.makeStream(config, created, store);
    if (opts.restoring !== true) stream.start();
    this.wireLinks();
    this.advisory(`STREAM.CREATED.${config.name}`, { type: "io.nats.jetstream.advisory.v1.stream_action", stream: config.name, action: "create" });
    return stream;
  }

  updateStream(stream: Stream, config: StreamConfig): void {
    if (config.storage === "file") writeMeta<StreamMeta>(this.streamDir(config.name), { config, created: formatUnixNanos(stream.created) });
    stream.update(config);
    this.wireLinks();
    this.advisory(`STREAM.UPDATED.${config.name}`, { type: "io.nats.jetstream.advisory.v1.stream_action", stream: config.name, action: "modify" });
  }

  async deleteStream(stream: Stream): Promise<void> {
    this.streams.delete(stream.name);
    const consumers = this.consumersOf(stream);
    for (const c of consumers) await c.stop(true);
    stream.consumers.clear();
    await stream.destroy();
    rmSync(this.streamDir(stream.name), { recursive: true, force: true });
    this.wireLinks();
    // its consumers went with it: each is announced deleted, as nats-server does
    for (const c of consumers) this.consumerDeleted(stream, c.name);
    this.advisory(`STREAM.DELETED.${stream.name}`, { type: "io.nats.jetstream.advisory.v1.stream_action", stream: stream.name, action: "delete" });
  }

  /** Creates missing mirror/source links and binds every link whose origin exists. */
  wireLinks(): void {
    for (const s of this.streams.values()) {
      const cfg = s.config;
      const wanted = [...(cfg.mirror !== undefined ? [{ src: cfg.mirror, mirror: true }] : []), ...(cfg.sources ?? []).filter((x) => x !== null).map((src) => ({ src, mirror: false }))];
      const key = (src: { name: string }, mirror: boolean): string => `${mirror ? "m" : "s"}:${src.name}`;
      const have = new Map(s.links.map((l) => [key(l.source, l.mirror), l]));
      const next: SourceLink[] = [];
      for (const w of wanted) {
        const k = key(w.src, w.mirror);
        const existing = have.get(k);
        next.push(existing !== undefined && JSON.stringify(existing.source) === JSON.stringify(w.src) ? existing : new SourceLink(s, w.src, w.mirror));
      }
      for (const l of s.links) if (!next.includes(l)) l.detach();
      s.links = next;
      for (const l of s.links) {
        const origin = this.streams.get(l.source.name);
        if (origin !== undefined && origin !== s) {
          // nats-server sets up a source's or mirror's consumer through its API, which counts the call
          if (l.attach(origin)) this.apiTotal++;
        } else {
          l.detach();
        }
      }
    }
  }

  // ---- consumers ----

  /** Creates a consumer; `seed` gives it saved progress (restores). */
  async createConsumer(stream: Stream, name: string, config: ConsumerConfig, seed?: ConsumerState): Promise<Consumer> {
    const dir = join(this.streamDir(stream.name), "obs", name);
    const created = nowUnixNanos();
    const persistent = stream.config.storage === "file" && config.mem_storage !== true;
    if (persistent) {
      mkdirSync(dir, { recursive: true });
      writeMeta<ConsumerMeta>(dir, { name, config, created: formatUnixNanos(created) });
    }
    const store = await this.openConsumerStore(stream.config, config, dir);
    if (seed !== undefined) await store.save(seed);
    const c = this.attachConsumer(stream, name, config, created, store);
    c.start();
    this.advisory(`CONSUMER.CREATED.${stream.name}.${name}`, {
      type: "io.nats.jetstream.advisory.v1.consumer_action",
      stream: stream.name,
      consumer: name,
      action: "create",
    });
    return c;
  }

  updateConsumer(stream: Stream, c: Consumer, config: ConsumerConfig): void {
    if (stream.config.storage === "file" && config.mem_storage !== true) {
      writeMeta<ConsumerMeta>(join(this.streamDir(stream.name), "obs", c.name), { name: c.name, config, created: formatUnixNanos(c.created) });
    }
    c.update(config);
  }

  async deleteConsumer(stream: Stream, name: string, _byApi: boolean): Promise<boolean> {
    const c = stream.consumers.get(name);
    if (!(c instanceof Consumer)) return false;
    stream.consumers.delete(name);
    await c.destroy();
    rmSync(join(this.streamDir(stream.name), "obs", name), { recursive: true, force: true });
    this.consumerDeleted(stream, name);
    return true;
  }

  private consumerDeleted(stream: Stream, name: string): void {
    this.advisory(`CONSUMER.DELETED.${stream.name}.${name}`, {
      type: "io.nats.jetstream.advisory.v1.consumer_action",
      stream: stream.name,
      consumer: name,
      action: "delete",
    });
  }

  consumersOf(stream: Stream): Consumer[] {
    return [...stream.consumers.values()].filter((c): c is Consumer => c instanceof Consumer);
  }

  // ---- usage and limits ----

  /** Room for `delta` more bytes of this storage type under max_memory_store / max_file_store? */
  private reserve(storage: "file" | "memory", delta: number): boolean {
    let used = 0;
    for (const s of this.streams.values()) if (s.config.storage === storage) used += s.store.state().bytes;
    return used + delta <= (storage === "memory" ? this.maxMemory : this.maxStore);
  }

  /** Would a stream with this max_bytes fit next to the others' reservations? */
  canReserve(storage: "file" | "memory", maxBytes: number, except: string | null = null): boolean {
    if (maxBytes <= 0) return true;
    let reserved = 0;
    for (const s of this.streams.values()) {
      if (s.name === except || s.config.storage !== storage) continue;
      reserved += s.config.max_bytes > 0 ? s.config.max_bytes : s.store.state().bytes;
    }
    return reserved + maxBytes <= (storage === "memory" ? this.maxMemory : this.maxStore);
  }


  /** Bytes in use, from the stores themselves. */
  /** bytes in use, and bytes reserved by streams with a max_bytes limit (as nats-server reserves them) */
  usage(): { memory: number; storage: number; reservedMemory: number; reservedStorage: number; streams: number; consumers: number } {
    let memory = 0;
    let storage = 0;
    let reservedMemory = 0;
    let reservedStorage = 0;
    let consumers = 0;
    for (const s of this.streams.values()) {
      const b = s.store.state().bytes;
      const reserve = s.config.max_bytes > 0 ? s.config.max_bytes : 0;
      if (s.config.storage === "memory") {
        memory += b;
        reservedMemory += reserve;
      } else {
        storage += b;
        reservedStorage += reserve;
      }
      consumers += s.consumers.size;
    }
    return { memory, storage, reservedMemory, reservedStorage, streams: this.streams.size, consumers };
  }

  advisory(suffix: string, body: Record<string, unknown>): void {
    this.event(`$JS.EVENT.ADVISORY.${suffix}`, body);
  }

  /** An advisory or metric event, published only when someone listens; `type`, `id` and `timestamp` lead, as nats-server writes them. */
  private event(subject: string, body: Record<string, unknown>): void {
    if (!this.ic.hasInterest(subject)) return;
    const full = { type: body["type"], id: randomId(), timestamp: formatUnixNanos(nowUnixNanos()), ...body };
    this.ic.publish(subject, null, null, Buffer.from(JSON.stringify(full)));
  }

  async stop(): Promise<void> {
    for (const s of this.streams.values()) {
      for (const c of this.consumersOf(s)) await c.stop(false);
      await s.stop();
    }
    this.streams.clear();
    this.ic.close();
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** 75% of the free disk under the store (nats-server's default max_file_store). */
function defaultMaxStore(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const s = statfsSync(dir);
  return Math.floor(s.bavail * s.bsize * 0.75);
}

function randomId(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < 22; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}
