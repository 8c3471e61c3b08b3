// The monitoring server against an in-process NatsServer driven over raw TCP.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultOptions, type Options } from "../config/options.js";
import { Logger } from "../logger.js";
import { NatsServer } from "../server.js";
import { COMPAT_VERSION, NATSTS_VERSION } from "../version.js";
import { normalizeBasePath, startMonitor, withBase } from "./http.js";
import { indexPage } from "./index-page.js";

const dir = mkdtempSync(join(tmpdir(), "natsts-monitor-test-"));

async function startServer(over: Partial<Options>): Promise<NatsServer> {
  const options: Options = { ...defaultOptions(), host: "127.0.0.1", port: -1, httpHost: "127.0.0.1", httpPort: -1, ...over };
  const logger = new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: join(dir, `log-${Date.now()}-${Math.random()}`) });
  const s = new NatsServer(options, logger, startMonitor);
  await s.start();
  return s;
}

/** A raw protocol client: sends lines, waits until the server answered PONG to a PING. */
class Raw {
  private buf = "";
  private constructor(readonly sock: Socket) {
    sock.setEncoding("latin1");
    sock.on("data", (d: string) => (this.buf += d));
  }
  static async open(port: number, connectJson = '{"verbose":false,"pedantic":false,"protocol":1,"headers":true}'): Promise<Raw> {
    const sock = connect(port, "127.0.0.1");
    await new Promise<void>((res, rej) => {
      sock.once("connect", () => res());
      sock.once("error", rej);
    });
    const r = new Raw(sock);
    await r.send(`CONNECT ${connectJson}\r\n`);
    return r;
  }
  /** Sends and waits for the round trip to complete. */
  async send(text: string): Promise<string> {
    const pongs = this.buf.split("PONG\r\n").length;
    this.sock.write(`${text}PING\r\n`);
    const deadline = Date.now() + 5000;
    while (this.buf.split("PONG\r\n").length <= pongs) {
      if (Date.now() > deadline) throw new Error(`no PONG; got ${JSON.stringify(this.buf)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.buf;
  }
  private knownCid = 0;
  /** The server's cid for this connection (found by our local port). */
  cid(server: NatsServer): number {
    if (this.knownCid !== 0) return this.knownCid;
    const all = [...server.clients.values(), ...server.closedClients.map((c) => c.client)];
    const found = all.find((c) => c.port === this.sock.localPort);
    if (found === undefined) throw new Error(`no connection from port ${String(this.sock.localPort)}`);
    this.knownCid = found.cid;
    return found.cid;
  }
  async close(): Promise<void> {
    this.sock.end();
    await new Promise<void>((r) => this.sock.once("close", () => r()));
  }
}

async function get(port: number, path: string): Promise<{ status: number; headers: Headers; text: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, headers: r.headers, text: await r.text() };
}
async function getJSON(port: number, path: string): Promise<Record<string, unknown>> {
  const r = await get(port, path);
  expect(r.status, `${path}: ${r.text}`).toBe(200);
  return JSON.parse(r.text) as Record<string, unknown>;
}

describe("base path handling", () => {
  it("normalizes", () => {
    expect(normalizeBasePath("")).toBe("");
    expect(normalizeBasePath("/")).toBe("");
    expect(normalizeBasePath("mon")).toBe("/mon");
    expect(normalizeBasePath("/mon/")).toBe("/mon");
    expect(normalizeBasePath("//a//b/")).toBe("/a/b");
    expect(withBase("", "/")).toBe("/");
    expect(withBase("/mon", "/")).toBe("/mon");
    expect(withBase("/mon", "/varz")).toBe("/mon/varz");
  });
  it("links the index through the base path's last segment", () => {
    expect(indexPage("")).toContain('href="./varz"');
    expect(indexPage("/a/mon")).toContain('href="./mon/connz"');
  });
});

describe("monitoring server (in process)", () => {
  let s: NatsServer;
  let port: number;
  beforeAll(async () => {
    s = await startServer({});
    if (s.monitor === null) throw new Error("monitor did not start");
    port = s.monitor.port;
  });
  afterAll(async () => {
    await s.shutdown();
  });

  it("answers JSON with nats-server's headers and indentation", async () => {
    const r = await get(port, "/varz");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.text.startsWith('{\n  "server_id": ')).toBe(true);
  });

  it("reports versions, ports and options in varz", async () => {
    const v = await getJSON(port, "/varz");
    expect(v.version).toBe(COMPAT_VERSION);
    expect(v.natsts_version).toBe(NATSTS_VERSION);
    expect(v.port).toBe(s.port);
    expect(v.http_port).toBe(port);
    expect(v.ping_interval).toBe(120_000_000_000);
    expect(v.write_deadline).toBe(10_000_000_000);
    expect(v.auth_timeout).toBe(2);
    expect(v.jetstream).toEqual({});
    expect(v.server_id).toBe(s.serverId);
    expect(typeof v.mem).toBe("number");
    expect(v.mem as number).toBeGreaterThan(1_000_000);
    expect(v.auth_required).toBeUndefined();
  });

  it("counts traffic, connections and subscriptions", async () => {
    const a = await Raw.open(s.port);
    const b = await Raw.open(s.port, '{"verbose":false,"pedantic":false,"protocol":1,"name":"bee","lang":"raw","version":"9"}');
    await a.send("SUB foo.* 1\r\nSUB bar q 2\r\n");
    await b.send("PUB foo.x 5\r\nhello\r\nPUB foo.y 3\r\nabc\r\n");
    await a.send("");
    const v = await getJSON(port, "/varz");
    expect(v).toMatchObject({ connections: 2, in_msgs: 2, in_bytes: 8, out_msgs: 2, out_bytes: 8, subscriptions: 2 });
    const z = await getJSON(port, `/connz?subs=detail&sort=msgs_from`);
    const conns = z.connections as Array<Record<string, unknown>>;
    expect(conns.map((c) => c.cid)).toEqual([b.cid(s), a.cid(s)]);
    expect(conns[0]).toMatchObject({ name: "bee", lang: "raw", version: "9", in_msgs: 2, in_bytes: 8 });
    expect(conns[1]?.subscriptions_list_detail).toEqual([
      { subject: "foo.*", sid: "1", msgs: 2, cid: a.cid(s) },
      { subject: "bar", qgroup: "q", sid: "2", msgs: 0, cid: a.cid(s) },
    ]);
    const sz = await getJSON(port, "/subsz?subs=1&test=foo.z");
    expect(sz.total).toBe(1);
    await a.close();
    await b.close();
    const closed = await getJSON(port, `/connz?state=closed&sort=stop&subs=1`);
    const cc = closed.connections as Array<Record<string, unknown>>;
    expect(cc.length).toBe(2);
    expect(cc.every((c) => c.reason === "Client Closed" && typeof c.stop === "string")).toBe(true);
    expect(cc.find((c) => c.cid === a.cid(s))?.subscriptions_list).toEqual(["foo.*", "bar"]);
  });

  it("counts parse errors in metrics by kind", async () => {
    const before = await get(port, "/metrics");
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(before.text).toMatch(/natsts_protocol_parse_errors_total\{kind="unknown-op"\} 0\n/);
    const c = await Raw.open(s.port);
    c.sock.write("BOGUS\r\n");
    await new Promise<void>((r) => c.sock.once("close", () => r()));
    const after = await get(port, "/metrics");
    expect(after.text).toMatch(/natsts_protocol_parse_errors_total\{kind="unknown-op"\} 1\n/);
    expect(after.text).toMatch(/natsts_connections_total \d+\n/);
    expect(after.text).toMatch(/process_resident_memory_bytes \d+/);
  });

  it("answers 404 and 400 as nats-server does", async () => {
    for (const p of ["/nope", "/varz/", "/VARZ", "/mon/varz"]) {
      const r = await get(port, p);
      expect(r.status, p).toBe(404);
      expect(r.text).toBe("404 page not found\n");
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    }
    const bad = await get(port, "/connz?auth=maybe");
    expect(bad.status).toBe(400);
    expect(bad.text).toBe(`Error decoding boolean for 'auth': strconv.ParseBool: parsing "maybe": invalid syntax`);
    expect((await get(port, "/connz?sort=stop")).text).toBe("sort by stop only valid on closed connections");
    expect((await get(port, "/healthz?js-enabled-only=x")).status).toBe(400);
    expect((await get(port, "/subsz?test=a.*")).status).toBe(400);
    expect((await get(port, "/routez?subs=x")).status).toBe(400);
  });

  it("answers healthz compactly, and other methods than GET", async () => {
    const r = await get(port, "/healthz");
    expect(r.text).toBe('{"status":"ok"}');
    const post = await fetch(`http://127.0.0.1:${port}/healthz`, { method: "POST", body: "x", headers: { "content-type": "application/x-weird" } });
    expect(post.status).toBe(200);
    const bad = await get(port, "/healthz?stream=s");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ status: "error", error: `"account" must not be empty when checking stream health` });
  });

  it("serves the empty routez and the index", async () => {
    const r = await getJSON(port, "/routez");
    expect(Object.keys(r)).toEqual(["server_id", "server_name", "now", "num_routes", "routes"]);
    expect(r).toMatchObject({ num_routes: 0, routes: [] });
    const idx = await get(port, "/");
    expect(idx.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(idx.text).toContain("./connz");
  });

  it("counts requests per endpoint in http_req_stats", async () => {
    const before = (await getJSON(port, "/varz")).http_req_stats as Record<string, number>;
    await get(port, "/subscriptionsz");
    await get(port, "/subsz");
    await get(port, "/connz?auth=maybe"); // malformed: not counted
    await get(port, "/nope"); // unknown: not counted
    const after = (await getJSON(port, "/varz")).http_req_stats as Record<string, number>;
    expect(after["/subsz"]).toBe((before["/subsz"] ?? 0) + 2);
    expect(after["/varz"]).toBe((before["/varz"] ?? 0) + 1);
    expect(after["/connz"]).toBe(before["/connz"]);
    expect(after["/nope"]).toBeUndefined();
    expect(Object.keys(after)).toEqual(Object.keys(after).sort());
  });
});

describe("monitoring server options", () => {
  it("honours the base path and reports JetStream and auth configuration", async () => {
    const s = await startServer({
      httpBasePath: "/mon/",
      authorization: { user: "u", password: "p", token: "", users: [] },
      jetstream: { enabled: true, storeDir: join(dir, "js"), maxMemoryStore: 1 << 30, maxFileStore: -1, syncInterval: "always", domain: "" },
    });
    try {
      const port = s.monitor?.port ?? 0;
      expect((await get(port, "/varz")).status).toBe(404);
      const v = await getJSON(port, "/mon/varz");
      expect(v.http_base_path).toBe("/mon/");
      expect(v.auth_required).toBe(true);
      const js = v.jetstream as { config: Record<string, unknown>; limits: unknown };
      expect(js.config).toMatchObject({ max_memory: 1 << 30, store_dir: join(dir, "js", "jetstream"), sync_interval: 120_000_000_000, sync_always: true });
      expect(js.config.max_storage as number).toBeGreaterThan(0);
      expect(js.limits).toEqual({});
      expect((await get(port, "/mon")).headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect((await get(port, "/mon/")).status).toBe(404);
      const c = await Raw.open(s.port, '{"verbose":false,"pedantic":false,"protocol":1,"user":"u","pass":"p"}');
      const z = await getJSON(port, "/mon/connz?auth=1");
      expect((z.connections as Array<Record<string, unknown>>)[0]).toMatchObject({ authorized_user: "u", name_tag: "$G" });
      await c.close();
    } finally {
      await s.shutdown();
    }
  });

  it("stops listening and unhooks on close", async () => {
    const s = await startServer({});
    const port = s.monitor?.port ?? 0;
    expect(s.hooks.parseError).toBeDefined();
    await s.shutdown();
    expect(s.hooks.parseError).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/varz`)).rejects.toThrow();
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
