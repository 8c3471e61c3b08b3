// The $JS.API request router: every request is JSON over core request/reply; the answer goes to
// the request's reply subject with `type` set, or `error` on failure. Handlers may be async
// (stream creation opens files); answers are sent when they finish.

import type { Publisher } from "../../client/subscription.js";
import type { InternalMsg } from "../../internal/client.js";
import type { JetStream } from "../jetstream.js";
import { type ApiError, isApiError } from "./errors.js";
import { formatUnixNanos, marshalGo } from "./json.js";
import { apiType } from "./types.js";

export const API_PREFIX = "$JS.API.";

export interface ApiRequest {
  readonly subject: string;
  /** tokens after `$JS.API.` */
  readonly tokens: string[];
  readonly reply: string | null;
  readonly headers: Buffer | null;
  readonly data: Buffer;
  /** who sent it (for the API audit advisory) */
  readonly from: Publisher | null;
}

/** A handler returns the response body (without `type`), or null when it answers by itself. */
export type ApiHandler = (js: JetStream, req: ApiRequest) => Promise<ApiBody | null> | ApiBody | null;
export type ApiBody = Record<string, unknown>;

export interface ApiRoute {
  /** token pattern after $JS.API., `*` = one token, `>` = the rest (at least one) */
  readonly pattern: string[];
  /** response type suffix, e.g. "stream_create_response" */
  readonly type: string;
  readonly handler: ApiHandler;
  /** zero-valued fields nats-server's response struct still carries next to an error */
  readonly errorFields?: ApiBody;
  /** not an API call in nats-server's statistics (pull requests go straight to the consumer) */
  readonly uncounted?: boolean;
  /** counted and audited only when it fails (nats-server answers a successful STREAM.MSG.GET outside its API accounting) */
  readonly countErrorsOnly?: boolean;
}

export class ApiFailure extends Error {
  /** `counted`: whether nats-server counts this failure in its API error statistics */
  constructor(
    readonly apiError: ApiError,
    readonly counted = true,
  ) {
    super(apiError.description);
  }
}

function matches(pattern: string[], tokens: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === ">") return tokens.length > i;
    if (i >= tokens.length) return false;
    if (p !== "*" && p !== tokens[i]) return false;
  }
  return pattern.length === tokens.length;
}

export class ApiRouter {
  private readonly routes: ApiRoute[] = [];

  constructor(private readonly js: JetStream) {}

  add(...routes: ApiRoute[]): void {
    this.routes.push(...routes);
  }

  /** Subscribes the API subjects (not DIRECT.GET, which streams serve themselves). */
  listen(): void {
    const ic = this.js.ic;
    for (const subject of [`${API_PREFIX}*`, `${API_PREFIX}STREAM.>`, `${API_PREFIX}CONSUMER.>`]) {
      ic.subscribe(subject, (m) => this.dispatch(m));
    }
  }

  private dispatch(m: InternalMsg): void {
    const req: ApiRequest = {
      subject: m.subject,
      tokens: m.subject.slice(API_PREFIX.length).split("."),
      reply: m.reply,
      headers: m.headers !== null ? Buffer.from(m.headers) : null,
      data: Buffer.from(m.data),
      from: m.from,
    };
    const route = this.routes.find((r) => matches(r.pattern, req.tokens));
    // nats-server serves no other subjects under $JS.API: such requests get no answer
    if (route === undefined) return;
    let result: Promise<ApiBody | null> | ApiBody | null;
    try {
      result = route.handler(this.js, req);
    } catch (err) {
      if (route.countErrorsOnly !== true) this.js.apiTotal++;
      this.fail(req, route, err);
      return;
    }
    // counted after the handler ran: an INFO reports the requests before it, as nats-server's does
    if (route.uncounted !== true && route.countErrorsOnly !== true) this.js.apiTotal++;
    if (result instanceof Promise) {
      result.then(
        (body) => {
          if (body !== null) this.respond(req, route.type, body, route.countErrorsOnly !== true);
        },
        (err: unknown) => this.fail(req, route, err),
      );
    } else if (result !== null) {
      this.respond(req, route.type, result, route.countErrorsOnly !== true);
    }
  }

  private fail(req: ApiRequest, route: ApiRoute, err: unknown): void {
    if (route.countErrorsOnly === true) this.js.apiTotal++;
    if (!(err instanceof ApiFailure) || err.counted) this.js.apiErrors++;
    if (err instanceof ApiFailure) {
      this.respond(req, route.type, { error: err.apiError, ...route.errorFields });
      return;
    }
    if (isApiError(err)) {
      this.respond(req, route.type, { error: err, ...route.errorFields });
      return;
    }
    this.js.logger.error(`JetStream API ${req.subject} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    this.respond(req, route.type, { error: { code: 500, err_code: 10003, description: String(err instanceof Error ? err.message : err) } });
  }

  /** Answers the request; `audited`: with the API audit advisory. */
  private respond(req: ApiRequest, type: string, body: ApiBody, audited = true): void {
    const doc = { type: apiType(type), ...body };
    const text = marshalGo(doc);
    if (req.reply !== null && req.reply !== "") this.js.ic.publish(req.reply, null, null, Buffer.from(text));
    if (!audited) return;
    this.js.advisory("API", {
      type: "io.nats.jetstream.advisory.v1.api_audit",
      server: this.js.serverName,
      client: auditClient(req.from, this.js.serverName),
      subject: req.subject,
      // left out when empty, as nats-server does
      request: req.data.length > 0 ? req.data.toString("utf8") : undefined,
      response: text,
      domain: this.js.domain !== "" ? this.js.domain : undefined,
    });
  }
}

/**
 * The `client` of an API audit advisory, in nats-server's ClientInfo order: a client connection
 * tells who it is; anything else (a request from another server) is named by its account only.
 */
export function auditClient(from: Publisher | null, serverName: string): Record<string, unknown> {
  const f = from?.clientFacts?.();
  if (f === undefined) return { acc: "$G" };
  const c: Record<string, unknown> = { start: formatUnixNanos(BigInt(f.start.getTime()) * 1_000_000n), host: f.host, id: f.id, acc: "$G" };
  if (f.user !== "") c["user"] = f.user;
  if (f.name !== "") c["name"] = f.name;
  if (f.lang !== "") c["lang"] = f.lang;
  if (f.version !== "") c["ver"] = f.version;
  c["rtt"] = Math.round(f.rtt * 1e6);
  c["server"] = serverName;
  c["kind"] = "Client";
  c["client_type"] = "nats";
  return c;
}
