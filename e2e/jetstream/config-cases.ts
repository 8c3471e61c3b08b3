// Shared shapes and builders of the JetStream config differential table.

/** A request body: raw text, raw bytes (e.g. invalid UTF-8), or an object sent as JSON. */
export type Body = string | Uint8Array | Record<string, unknown> | undefined;

export interface Req {
  /** subject after "$JS.API." */
  readonly subject: string;
  readonly body?: Body;
}

export interface DiffCase extends Req {
  readonly name: string;
  /** requests run (and required to succeed) before the case, on an empty server */
  readonly setup?: readonly Req[];
  /** what the reference must answer: "ok" or an err_code (guards against a case not testing what it says) */
  readonly expect?: "ok" | number;
  /**
   * The reference response is known not to validate against its jsm.go schema (nats-server
   * accepts values the schema forbids); the test asserts that it indeed does not.
   */
  readonly schemaViolation?: true;
  /** run against the server with JetStream limits, in this account (see LIMITS_CONF) */
  readonly account?: "A" | "B";
}

/** STREAM.CREATE of a stream (setup helper). */
export function mkStream(cfg: Record<string, unknown>): Req {
  return { subject: `STREAM.CREATE.${String(cfg.name)}`, body: cfg };
}

/** CONSUMER.CREATE.<stream>.<name> of a consumer (setup helper). */
export function mkConsumer(stream: string, name: string, config: Record<string, unknown>): Req {
  return { subject: `CONSUMER.CREATE.${stream}.${name}`, body: { stream_name: stream, config: { name, ...config } } };
}

/** A STREAM.CREATE case for stream `A` (or the body's name). */
export function sc(name: string, body: Body, expect?: "ok" | number, setup?: readonly Req[]): DiffCase {
  return { name: `stream create: ${name}`, subject: "STREAM.CREATE.A", body, expect, setup };
}

/** A STREAM.CREATE case on an explicit subject token. */
export function scOn(name: string, token: string, body: Body, expect?: "ok" | number, setup?: readonly Req[]): DiffCase {
  return { name: `stream create: ${name}`, subject: `STREAM.CREATE.${token}`, body, expect, setup };
}

/** A STREAM.UPDATE case of stream `A`, which `setup` creates. */
export function su(name: string, setup: readonly Req[], body: Body, expect?: "ok" | number): DiffCase {
  return { name: `stream update: ${name}`, subject: "STREAM.UPDATE.A", body, expect, setup };
}

/** Stream S on s.> (the default stream of consumer cases). */
export const STREAM_S = mkStream({ name: "S", subjects: ["s.>"] });
