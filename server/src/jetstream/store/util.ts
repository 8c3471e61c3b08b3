// Small helpers shared by the stores.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** Wall-clock time in nanoseconds since the Unix epoch (millisecond resolution). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * A promise with its settle functions. Its rejection is marked handled: every failure that
 * rejects one of these is also logged and latched by the store that owns it, and a caller that
 * never awaits (a no-ack publish) must not bring the process down with an unhandled rejection.
 * Whoever awaits the promise still sees the error.
 */
export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.then(undefined, reportedElsewhere);
  return { promise, resolve, reject };
}

function reportedElsewhere(): void {
  // The error reaches the awaiting callers through the promise and the log through the store.
}

export const RESOLVED: Promise<void> = Promise.resolve();

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export type StoreLogger = (level: "WRN" | "ERR" | "INF", msg: string) => void;

/** Default logger when the owner passes none: nats-server-like lines on stderr. */
export const stderrLogger: StoreLogger = (level, msg) => {
  process.stderr.write(`[${level}] ${msg}\n`);
};

/**
 * Creates a directory (and missing parents) durably: every new entry's parent is fsynced, so the
 * directory survives a crash along with the files about to be created in it.
 */
export async function ensureDir(path: string, io: { fsyncDir(path: string): Promise<void> }): Promise<void> {
  const first = mkdirSync(path, { recursive: true });
  if (first === undefined) return;
  const chain: string[] = [];
  for (let d = path; ; d = dirname(d)) {
    chain.push(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
  for (const d of chain.reverse()) await io.fsyncDir(d);
}
