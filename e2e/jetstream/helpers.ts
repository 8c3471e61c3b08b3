// Shared helpers of the JetStream end-to-end tests (clients, kv-obj, cli, api-diff, crash).
//
// The tests target natsts. NATSTS_E2E_JS_TARGET=reference runs the client-level files against the
// reference nats-server instead, which is how the expectations themselves were checked: a test that
// fails there tests the wrong thing.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import { JetStreamApiError } from "@nats-io/jetstream";
import { startServer, type ServerKind, type ServerProcess, type StartOptions } from "../lib/procs.js";
import { natsCliPath } from "../lib/tools.js";
export { mulberry32 } from "../lib/prng.js";

/** The server kind the client-level tests run against (natsts unless NATSTS_E2E_JS_TARGET says otherwise). */
export function targetKind(): ServerKind {
  const t = process.env["NATSTS_E2E_JS_TARGET"];
  if (t === undefined || t === "" || t === "natsts") return "natsts";
  if (t === "reference") return "reference";
  throw new Error(`NATSTS_E2E_JS_TARGET must be "natsts" or "reference", not ${JSON.stringify(t)}`);
}

/** Starts the target server with JetStream enabled. */
export function startJs(options: StartOptions = {}): Promise<ServerProcess> {
  return startServer(targetKind(), { jetstream: true, ...options });
}

/** A fresh directory for a store that outlives one server process; removed by the returned function. */
export function storeDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `natsts-e2e-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; returns the last result. */
export async function waitUntil(probe: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** What a JetStream API call failed with: err_code/code/description, or the message for other errors. */
export interface Failure {
  readonly errCode: number | undefined;
  readonly status: number | undefined;
  readonly description: string;
  readonly error: Error;
}

/** Awaits `p`, which must reject; returns what it rejected with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>, what = "the operation"): Promise<Failure> {
  let value: unknown;
  try {
    value = await p;
  } catch (err) {
    if (err instanceof JetStreamApiError) {
      const api = err.apiError();
      return { errCode: api.err_code, status: api.code, description: api.description, error: err };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    return { errCode: undefined, status: undefined, description: e.message, error: e };
  }
  throw new Error(`${what} was expected to fail but succeeded with ${safeJson(value)}`);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Status code and description of a status-only message (e.g. `NATS/1.0 404 No Messages`), or undefined. */
export function statusOf(m: Msg): { code: number; description: string } | undefined {
  const h: MsgHdrs | undefined = m.headers;
  if (h === undefined || h.code === 0) return undefined;
  return { code: h.code, description: h.description };
}

/** Messages received on a fresh inbox after publishing `data` to `subject` with that inbox as reply. */
export interface Collected {
  readonly msgs: Msg[];
  /** Waits until `n` messages arrived or `timeoutMs` passed; returns the messages so far. */
  until(n: number, timeoutMs: number): Promise<Msg[]>;
  /** Waits until a message satisfies `pred` or `timeoutMs` passed. */
  untilMatch(pred: (m: Msg) => boolean, timeoutMs: number): Promise<Msg | undefined>;
  stop(): void;
}

/** Subscribes to a new inbox, publishes the request with that reply subject, and collects replies. */
export async function collectReplies(nc: NatsConnection, subject: string, data: string | Uint8Array, headers?: MsgHdrs): Promise<Collected> {
  const inbox = createInbox();
  const msgs: Msg[] = [];
  let wake: (() => void) | undefined;
  const sub = nc.subscribe(inbox, {
    callback: (err, m) => {
      if (err !== null) throw err;
      msgs.push(m);
      wake?.();
    },
  });
  await nc.flush();
  nc.publish(subject, data, headers === undefined ? { reply: inbox } : { reply: inbox, headers });
  const waitFor = async (done: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  };
  return {
    msgs,
    async until(n, timeoutMs) {
      await waitFor(() => msgs.length >= n, timeoutMs);
      return msgs;
    },
    async untilMatch(pred, timeoutMs) {
      await waitFor(() => msgs.some(pred), timeoutMs);
      return msgs.find(pred);
    },
    stop: () => sub.unsubscribe(),
  };
}

/** Sends a JetStream API request and parses the JSON reply. */
export async function api(nc: NatsConnection, subject: string, body: unknown = undefined, timeout = 3000): Promise<Record<string, unknown>> {
  const data = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const m = await nc.request(`$JS.API.${subject}`, data, { timeout });
  return JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>;
}

/** The tail of a server's stderr, for failure messages. */
export function stderrTail(srv: ServerProcess, lines = 30): string {
  return srv.stderr().split("\n").slice(-lines).join("\n");
}

/** Rejects with a readable error when `p` has not settled after `ms` (so a hanging call fails fast). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Iterates `iter`, calling `onMsg` for each value until it returns true ("done"), the iterator ends, or
 * `ms` passes (then the iterator is stopped and the call rejects with what was seen so far).
 */
export async function iterate<T>(
  iter: AsyncIterable<T> & { stop(err?: Error): void },
  onMsg: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<void> {
  let seen = 0;
  const run = async (): Promise<void> => {
    for await (const v of iter) {
      seen++;
      if (onMsg(v)) return;
    }
  };
  try {
    await within(run(), ms, `${what} (${seen} received)`);
  } catch (err) {
    iter.stop();
    throw err;
  }
}

/** `nats` (the CLI) against the server at `url`; fails on a non-zero exit. */
export function natsCli(url: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(natsCliPath(), ["-s", url, "--no-context", "--timeout", "5s", ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err === null) resolve();
      else reject(new Error(`nats ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`));
    });
  });
}
