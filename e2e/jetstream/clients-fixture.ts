// The shared fixture of the clients-*.test.ts files: one JetStream server per test file (vitest runs
// each file in its own module graph, so the bindings below are that file's), the official client's
// connection, JetStream client and manager, and the helpers the tests publish and fetch with.
//
// NATSTS_E2E_JS_TARGET=reference runs the files against the reference nats-server (see helpers.ts).
import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
  type StreamUpdateConfig,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll } from "vitest";
import { stopAll, type ServerProcess } from "../lib/procs.js";
import { startJs, within } from "./helpers.js";

export let nc: NatsConnection;
export let jsm: JetStreamManager;
export let js: JetStreamClient;
export const te = new TextEncoder();
export const td = new TextDecoder();

/** Starts the file's server (1 MB max_payload) and connects before its tests; stops it after. */
export function useJsServer(): void {
  let srv: ServerProcess;
  beforeAll(async () => {
    srv = await startJs({ config: "max_payload: 1MB\n" });
    nc = await connect({ servers: srv.url });
    jsm = await jetstreamManager(nc, { timeout: 3000 });
    js = jetstream(nc, { timeout: 3000 });
  });
  afterAll(async () => {
    await nc?.close();
    await stopAll();
  });
}

let counter = 0;
/** A stream name unique within the test file, and a subject prefix for it. */
export function names(label: string): { stream: string; p: string } {
  counter++;
  return { stream: `${label.toUpperCase()}_${counter}`, p: `${label.toLowerCase()}${counter}` };
}

export async function publishN(subject: string | ((i: number) => string), n: number, body: (i: number) => string = (i) => `m${i}`): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const pa = await js.publish(typeof subject === "string" ? subject : subject(i), te.encode(body(i)));
    seqs.push(pa.seq);
  }
  return seqs;
}

/** A fetch of up to `max` messages; fails (instead of hanging) when the fetch does not end in time. */
export async function fetchAll(stream: string, consumer: string, max: number, expires = 1000): Promise<JsMsg[]> {
  const c = await js.consumers.get(stream, consumer);
  const iter = await c.fetch({ max_messages: max, expires });
  const out: JsMsg[] = [];
  const drain = async (): Promise<JsMsg[]> => {
    for await (const m of iter) out.push(m);
    return out;
  };
  try {
    return await within(drain(), expires + 3000, `fetch of ${max} from ${stream}/${consumer} (expires ${expires} ms; got ${out.length} so far)`);
  } catch (err) {
    iter.stop();
    throw err;
  }
}

/** consumer.next() bounded in time. */
export function nextOf(c: Consumer, expires: number): Promise<JsMsg | null> {
  return within(c.next({ expires }), expires + 3000, `next (expires ${expires} ms)`);
}

export const seqsOf = (ms: readonly JsMsg[]): number[] => ms.map((m) => m.seq);

/** A full stream config with changes, typed for streams.update (whose type omits the immutable fields). */
export function withConfig(cfg: StreamConfig, changes: Partial<StreamConfig>): Partial<StreamUpdateConfig> {
  return { ...cfg, ...changes } as Partial<StreamUpdateConfig>;
}
