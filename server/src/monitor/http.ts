// The HTTP monitoring server: nats-server's monitoring endpoints (varz, connz, subsz, routez, jsz,
// healthz) plus Prometheus /metrics, on fastify. Answers as nats-server does: pretty-printed JSON
// with CORS open, plain-text 400 for malformed parameters and Go's 404 text for unknown paths.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import type { MonitorHandle, NatsServer } from "../server.js";
import { buildConnz, decodeConnzQuery, serverConns } from "./connz.js";
import { goJSON } from "./format.js";
import { healthz } from "./healthz.js";
import { indexPage } from "./index-page.js";
import { serverJsView } from "./jsview.js";
import { buildJsz, decodeJszQuery } from "./jsz.js";
import { createMetrics } from "./metrics.js";
import { QueryError } from "./query.js";
import { buildRoutez } from "./routez.js";
import { buildLeafz } from "./leafz.js";
import { buildGatewayz } from "./gatewayz.js";
import { buildSubsz, decodeSubszQuery, entryOf } from "./subsz.js";
import { buildVarz, CpuSampler } from "./varz.js";

/** `http_base_path` as nats-server uses it: "" or "/a/b" (leading slash, no trailing slash). */
export function normalizeBasePath(base: string): string {
  if (base === "" || base === "/") return "";
  const cleaned = posix.normalize(`/${base}`).replace(/\/+$/, "");
  return cleaned === "/" ? "" : cleaned;
}

export function withBase(base: string, path: string): string {
  return path === "/" ? (base === "" ? "/" : base) : `${base}${path}`;
}

type Answer =
  | { kind: "json"; status: number; body: unknown; indent: boolean }
  | { kind: "text"; status: number; body: string; contentType: string };

/**
 * An endpoint: its path and how it answers a query (throwing QueryError for a 400). `count` records
 * the request in varz http_req_stats; handlers call it where nats-server counts: after the query
 * parameters decoded (healthz, varz and the index: always).
 */
interface Endpoint {
  readonly path: string;
  readonly handle: (q: URLSearchParams, count: () => void) => Answer | Promise<Answer>;
}

function queryOf(req: FastifyRequest): URLSearchParams {
  const i = req.url.indexOf("?");
  return new URLSearchParams(i < 0 ? "" : req.url.slice(i + 1));
}

function send(reply: FastifyReply, a: Answer): FastifyReply {
  if (a.kind === "json") {
    return reply
      .code(a.status)
      .header("Content-Type", "application/json")
      .header("Access-Control-Allow-Origin", "*")
      .send(Buffer.from(goJSON(a.body, a.indent), "utf8")); // a Buffer: fastify leaves the content type as set
  }
  return reply.code(a.status).header("Content-Type", a.contentType).send(Buffer.from(a.body, "utf8"));
}

const json = (body: unknown, status = 200): Answer => ({ kind: "json", status, body, indent: true });

export async function startMonitor(server: NatsServer): Promise<MonitorHandle> {
  const base = normalizeBasePath(server.options.httpBasePath);
  const reqStats = new Map<string, number>();
  const countFor = (key: string) => (): void => {
    reqStats.set(key, (reqStats.get(key) ?? 0) + 1);
  };
  const cpu = new CpuSampler();
  const metrics = createMetrics(server);
  let boundPort = 0;
  let digest = { loadTime: -1, value: "" };
  const configDigest = (): string => {
    const file = server.options.configFile;
    const loadTime = server.configLoadTime.getTime();
    if (file === "") return "";
    if (digest.loadTime !== loadTime) {
      let value = "";
      try {
        value = `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
      } catch (err) {
        server.logger.warn(`monitoring: cannot digest ${file}: ${(err as Error).message}`);
      }
      digest = { loadTime, value };
    }
    return digest.value;
  };

  const subsz: Endpoint["handle"] = (q, count) => {
    const o = decodeSubszQuery(q);
    const body = buildSubsz(server.serverId, server.sublist.stats(), () => server.sublist.all().map(entryOf), o);
    count();
    return json(body);
  };
  const endpoints: Endpoint[] = [
    {
      path: "/",
      handle: (_q, count) => {
        count();
        return { kind: "text", status: 200, body: indexPage(base), contentType: "text/html; charset=utf-8" };
      },
    },
    {
      path: "/varz",
      handle: (_q, count) => {
        count();
        return json(
          buildVarz({ server, httpPort: boundPort, httpBasePath: server.options.httpBasePath, httpReqStats: reqStats, cpu, configDigest: configDigest() }),
        );
      },
    },
    {
      path: "/connz",
      handle: (q, count) => {
        const o = decodeConnzQuery(q);
        count();
        const { open, closed } = serverConns(server);
        return json(buildConnz(server.serverId, open, closed, o));
      },
    },
    { path: "/subsz", handle: subsz },
    { path: "/subscriptionsz", handle: subsz },
    {
      path: "/routez",
      handle: (q, count) => {
        const body = buildRoutez(server.serverId, server.serverName, q, server.routes?.routes.values() ?? []);
        count();
        return json(body);
      },
    },
    {
      path: "/leafz",
      handle: (q, count) => {
        const body = buildLeafz(server.serverId, q, server.leafnodes?.leafs ?? []);
        count();
        return json(body);
      },
    },
    {
      path: "/gatewayz",
      handle: (q, count) => {
        const body = buildGatewayz(server.serverId, server.gateways, q);
        count();
        return json(body);
      },
    },
    {
      path: "/jsz",
      handle: (q, count) => {
        count(); // nats-server counts /jsz before decoding its options
        const o = decodeJszQuery(q);
        return json(buildJsz(serverJsView(server), o));
      },
    },
    {
      path: "/healthz",
      handle: (q, count) => {
        count();
        const h = healthz(q, serverJsView(server));
        if (h.status !== 200) server.logger.warn(`Healthcheck failed: ${JSON.stringify(h.body.error ?? h.body.errors?.[0]?.error ?? "")}`);
        return { kind: "json", status: h.status, body: h.body, indent: false };
      },
    },
    {
      path: "/metrics",
      handle: async (_q, count) => {
        count();
        return { kind: "text", status: 200, body: await metrics.render(), contentType: metrics.contentType };
      },
    },
  ];

  const app = Fastify({ logger: false });
  // the endpoints read no bodies: accept any, drain it, ignore it
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_req, payload, done) => {
    payload.on("error", (err: Error) => done(err));
    payload.on("end", () => done(null));
    payload.resume();
  });
  for (const ep of endpoints) {
    // nats-server counts /subscriptionsz as /subsz
    const count = countFor(ep.path === "/subscriptionsz" ? "/subsz" : ep.path);
    app.all(withBase(base, ep.path), async (req, reply) => {
      try {
        return send(reply, await ep.handle(queryOf(req), count));
      } catch (err) {
        if (err instanceof QueryError) {
          return send(reply, { kind: "text", status: err.status, body: err.message, contentType: "text/plain; charset=utf-8" });
        }
        throw err;
      }
    });
  }
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).header("Content-Type", "text/plain; charset=utf-8").header("X-Content-Type-Options", "nosniff").send("404 page not found\n"),
  );
  app.setErrorHandler((err, req, reply) => {
    server.logger.error(`monitoring: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return reply.code(500).header("Content-Type", "text/plain; charset=utf-8").send("internal server error\n");
  });

  const o = server.options;
  await app.listen({ host: o.httpHost, port: o.httpPort === -1 ? 0 : o.httpPort });
  const addr = app.server.address();
  boundPort = typeof addr === "object" && addr !== null ? addr.port : o.httpPort;
  cpu.start();
  const parseHook = (kind: string): void => metrics.parseError(kind);
  server.hooks.parseError = parseHook;
  const shown = o.httpHost.includes(":") ? `[${o.httpHost}]` : o.httpHost;
  server.logger.info(`Starting http monitor on ${shown}:${boundPort}`);

  let closing: Promise<void> | null = null;
  return {
    port: boundPort,
    close(): Promise<void> {
      closing ??= (async () => {
        cpu.stop();
        if (server.hooks.parseError === parseHook) delete server.hooks.parseError;
        await app.close();
      })();
      return closing;
    },
  };
}
