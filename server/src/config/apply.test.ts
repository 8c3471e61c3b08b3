import { describe, expect, it } from "vitest";
import { type Issue, applyConfig, finalizeOptions, issueText } from "./apply.js";
import { type Options, defaultOptions } from "./options.js";
import { parseConfig, plainValue } from "./parser.js";

function apply(text: string): { o: Options; issues: Issue[] } {
  const o = defaultOptions();
  const issues = applyConfig(parseConfig(text, "a.conf", { env: () => undefined }), o);
  return { o, issues };
}

function texts(text: string, severity?: Issue["severity"]): string[] {
  return apply(text).issues.filter((i) => severity === undefined || i.severity === severity).map(issueText);
}

type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

describe("keys", () => {
  const table: Array<[string, Partial2<Options>]> = [
    ['listen: "127.0.0.1:4333"', { host: "127.0.0.1", port: 4333 }],
    ["listen: 4333", { host: "0.0.0.0", port: 4333 }],
    ['listen: "[::1]:-1"', { host: "::1", port: -1 }],
    ["listen: 10.0.0.1:5000", { host: "10.0.0.1", port: 5000 }],
    ['host: "127.0.0.2"', { host: "127.0.0.2" }],
    ["net: 127.0.0.3", { host: "127.0.0.3" }],
    ["port: 4333", { port: 4333 }],
    ["port: -1", { port: -1 }],
    ["server_name: srv-1", { serverName: "srv-1" }],
    ['client_advertise: "example.com:4222"', { clientAdvertise: "example.com:4222" }],
    ["max_payload: 512KB", { maxPayload: 524288 }],
    ["max_pending: 32MB", { maxPending: 33554432 }],
    ["max_control_line: 2048", { maxControlLine: 2048 }],
    ["max_connections: 100", { maxConnections: 100 }],
    ["max_conn: 0", { maxConnections: 0 }],
    ["max_subscriptions: 50", { maxSubscriptions: 50 }],
    ["max_subs: 7", { maxSubscriptions: 7 }],
    ['ping_interval: "30s"', { pingInterval: 30000 }],
    ["ping_interval: 90s", { pingInterval: 90000 }],
    ['ping_interval: "1.5ms"', { pingInterval: 1.5 }],
    ["ping_max: 5", { pingMax: 5 }],
    ['write_deadline: "3s"', { writeDeadline: 3000 }],
    ['lame_duck_duration: "45s"', { lameDuckDuration: 45000 }],
    ['lame_duck_grace_period: "2s"', { lameDuckGracePeriod: 2000 }],
    ['http: "127.0.0.1:8222"', { httpHost: "127.0.0.1", httpPort: 8222 }],
    ["http: 8222", { httpHost: "0.0.0.0", httpPort: 8222 }],
    ["http_port: 8223", { httpPort: 8223 }],
    ["monitor_port: -1", { httpPort: -1 }],
    ['http_base_path: "/mon"', { httpBasePath: "/mon" }],
    ["debug: true", { debug: true }],
    ["trace: on", { trace: true }],
    ["trace_verbose: true", { trace: true, traceVerbose: true }],
    ["logtime: no", { logtime: false }],
    ["logtime_utc: yes", { logtimeUTC: true }],
    ['log_file: "/tmp/n.log"', { logFile: "/tmp/n.log" }],
    ["logfile: n.log", { logFile: "n.log" }],
    ["pid_file: n.pid", { pidFile: "n.pid" }],
    ["pidfile: m.pid", { pidFile: "m.pid" }],
    ["ports_file_dir: /tmp", { portsFileDir: "/tmp" }],
    ["no_header_support: true", { noHeaderSupport: true }],
    ["disable_sublist_cache: true", { disableSublistCache: true }],
    ["max_closed_clients: 5", { maxClosedClients: 5 }],
    ["PORT: 5", { port: 5 }],
    ["authorization { user: a, password: b }", { authorization: { user: "a", password: "b", token: "", users: [] } }],
    ["authorization { username: a, pass: b }", { authorization: { user: "a", password: "b" } }],
    ["authorization { token: s3cr3t, timeout: 3 }", { authorization: { token: "s3cr3t" }, authTimeout: 3000 }],
    ["authorization { timeout: 0.5 }", { authTimeout: 500 }],
    ['authorization { timeout: "1500ms" }', { authTimeout: 1500 }],
    ["authorization { users: [{user: a, password: b}, {user: c}] }",
      { authorization: { users: [{ user: "a", password: "b" }, { user: "c", password: "" }] } }],
    ["jetstream: true", { jetstream: { enabled: true } }],
    ["jetstream: enabled", { jetstream: { enabled: true } }],
    ['jetstream: "Disabled"', { jetstream: { enabled: false } }],
    ["jetstream {}", { jetstream: { enabled: true } }],
    ["jetstream { enabled: false, store_dir: /x }", { jetstream: { enabled: false, storeDir: "/x" } }],
    ["jetstream { store: /y, max_mem: 1G, max_file: 10G }", { jetstream: { storeDir: "/y", maxMemoryStore: 1e9, maxFileStore: 1e10 } }],
    ['jetstream { max_memory_store: "2K", max_file_store: "1T" }', { jetstream: { maxMemoryStore: 2048, maxFileStore: 1024 ** 4 } }],
    ["jetstream { max_mem_store: -1, max_file_store: 0 }", { jetstream: { maxMemoryStore: -1, maxFileStore: 0 } }],
    ["jetstream { sync_interval: always }", { jetstream: { syncInterval: "always" } }],
    ['jetstream { sync: "2m", domain: hub }', { jetstream: { syncInterval: 120000, domain: "hub" } }],
    ["store_dir: /data", { jetstream: { enabled: false, storeDir: "/data" } }],
    ["N: 4333\nport: $N", { port: 4333 }],
  ];
  it.each(table)("%s", (text, want) => {
    const { o, issues } = apply(`${text}\n`);
    expect(issues.filter((i) => i.severity !== "unsupported").map(issueText)).toEqual([]);
    expect(o).toMatchObject(want);
  });

  it("keeps accounts raw, with positions; applies gateway and leafnodes", () => {
    const { o, issues } = apply("gateway { name: g }\nleaf { port: 7422 }\naccounts { A: {} }\n");
    expect(Object.keys(o.raw)).toEqual(["accounts"]);
    expect(o.leafnodes.port).toBe(7422);
    expect(o.gateway.name).toBe("g");
    const accounts = o.raw["accounts"];
    expect(accounts).toMatchObject({ kind: "map", pos: { file: "a.conf", line: 3, col: 12 } });
    if (typeof accounts === "object" && accounts !== null && "kind" in accounts && accounts.kind === "map") {
      expect(plainValue(accounts as Parameters<typeof plainValue>[0])).toEqual({ A: {} });
    }
    expect(issues.map(issueText)).toEqual([
      'a.conf:3:1: "accounts" is not supported by natsts yet; kept in options.raw, no effect',
    ]);
  });

  it("parses the cluster block", () => {
    const { o, issues } = apply(
      'cluster { name: c1, listen: "127.0.0.1:6222", routes: [nats://a:6222, "nats-route://u:p@b:6223"], no_advertise: true,\n' +
        "connect_retries: 3, pool_size: -1, authorization { user: ru, password: rp }, compression: off }\n",
    );
    expect(o.cluster).toEqual({
      name: "c1", host: "127.0.0.1", port: 6222, routes: ["nats://a:6222", "nats-route://u:p@b:6223"], noAdvertise: true,
      connectRetries: 3, poolSize: -1, user: "ru", password: "rp",
    });
    expect(issues.map(issueText)).toEqual(['a.conf:2:78: "cluster.compression" is not supported by natsts yet; ignored']);
    expect(apply("cluster { routes: [nats://x] }\n").issues.map(issueText)).toEqual(["a.conf:1:19: error parsing route url [nats://x]"]);
  });

  const unsupported: Array<[string, string]> = [
    ["tls { cert_file: x }", 'a.conf:1:0: "tls" is not supported by natsts yet; ignored'],
    ["websocket { port: 1 }", 'a.conf:1:0: "websocket" is not supported by natsts yet; ignored'],
    ["mqtt {}", 'a.conf:1:0: "mqtt" is not supported by natsts yet; ignored'],
    ["system_account: SYS", 'a.conf:1:0: "system_account" is not supported by natsts yet; ignored'],
    ["authorization { permissions: {} }", 'a.conf:1:16: "authorization.permissions" is not supported by natsts yet; ignored'],
    ["authorization { users: [{user: a, permissions: {}}] }", 'a.conf:1:34: "authorization.users.permissions" is not supported by natsts yet; ignored'],
    ["jetstream { cipher: aes }", 'a.conf:1:12: "jetstream.cipher" is not supported by natsts yet; ignored'],
  ];
  it.each(unsupported)("reports %s as unsupported", (text, msg) => {
    expect(texts(`${text}\n`)).toEqual([msg]);
  });
});

describe("errors", () => {
  const table: Array<[string, string[]]> = [
    ["foo: 1", ['a.conf:1:0: unknown field "foo"']],
    ["port: 1\n  Foo = 2", ['a.conf:2:3: unknown field "Foo"']],
    ["N: 1", ['a.conf:1:0: unknown field "N"']],
    ["port: x", ["a.conf:1:0: interface conversion: interface {} is string, not int64"]],
    ["port: 1.5", ["a.conf:1:0: interface conversion: interface {} is float64, not int64"]],
    ["port: 70000", ["a.conf:1:0: invalid port 70000 for port: must be -1 (random), 0 (default) or 1-65535"]],
    ["host: 1", ["a.conf:1:0: interface conversion: interface {} is int64, not string"]],
    ["debug: 1", ["a.conf:1:0: interface conversion: interface {} is int64, not bool"]],
    ["server_name: [a]", ["a.conf:1:0: interface conversion: interface {} is []interface {}, not string"]],
    ['server_name: "a b"', ["a.conf:1:0: server name cannot contain spaces"]],
    ["listen: true", ["a.conf:1:0: expected port or host:port, got bool"]],
    ['listen: "nohost"', ['a.conf:1:0: could not parse address string "nohost"']],
    ['listen: "a:b:c"', ['a.conf:1:0: could not parse address string "a:b:c"']],
    ['listen: "h:abc"', ['a.conf:1:0: could not parse port "abc"']],
    ['http: "127.0.0.1:"', ['a.conf:1:0: could not parse port ""']],
    ["max_payload: 2GB", ["a.conf:1:0: max_payload value is too big"]],
    ["max_control_line: 2147483648", ["a.conf:1:0: max_control_line value is too big"]],
    ["max_payload: -1", ["a.conf:1:0: invalid max_payload of -1: must not be negative"]],
    ["max_subs: -1", ["a.conf:1:0: invalid max_subs of -1: must not be negative"]],
    ['ping_interval: "2x"', ['a.conf:1:0: error parsing ping_interval: time: unknown unit "x" in duration "2x"']],
    ['ping_interval: "5"', ['a.conf:1:0: error parsing ping_interval: time: missing unit in duration "5"']],
    ['ping_interval: "-1s"', ["a.conf:1:0: invalid ping_interval of -1s: must not be negative"]],
    ["ping_interval: true", [
      'a.conf:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration',
      "a.conf:1:0: interface conversion: interface {} is bool, not int64",
    ]],
    ['write_deadline: ""', ['a.conf:1:0: error parsing write_deadline: time: invalid duration ""']],
    ["lame_duck_duration: 5", ["a.conf:1:0: interface conversion: interface {} is int64, not string"]],
    ['lame_duck_duration: "5s"', ["a.conf:1:0: invalid lame_duck_duration of 5s, minimum is 30 seconds"]],
    ['lame_duck_duration: "x"', ['a.conf:1:0: error parsing lame_duck_duration: time: invalid duration "x"']],
    ['lame_duck_grace_period: "-1s"', ["a.conf:1:0: invalid lame_duck_grace_period, needs to be positive"]],
    ["authorization: 1", ["a.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}"]],
    ["authorization { foo: 1 }", ['a.conf:1:16: unknown field "foo"']],
    ["authorization { user: 5 }", ["a.conf:1:16: interface conversion: interface {} is int64, not string"]],
    ['authorization { timeout: "x" }', ["a.conf:1:16: error parsing authorization config, 'timeout' time: invalid duration \"x\""]],
    ["authorization { timeout: true }", ["a.conf:1:16: error parsing authorization config, 'timeout' wrong type"]],
    ["authorization { timeout: -1 }", ["a.conf:1:16: invalid authorization timeout of -1: must not be negative"]],
    ["authorization { user: a, token: b }", ["a.conf:1:0: Cannot have a user/pass and token"]],
    ["authorization { password: a, token: b }", ["a.conf:1:0: Cannot have a user/pass and token"]],
    ["authorization { users: [{user: a}], user: b }", ["a.conf:1:0: Can not have a single user/pass and a users array"]],
    ["authorization { users: [{user: a}], token: b }", ["a.conf:1:0: Can not have a token and a users array"]],
    ["authorization { users: [{user: a}, {user: a}] }", ['a.conf:1:0: Duplicate user "a" detected']],
    ["authorization { users: a }", ["a.conf:1:16: Expected users field to be an array, got a"]],
    ["authorization { users: [a] }", ["a.conf:1:24: Expected user entry to be a map/struct, got a"]],
    ["authorization { users: [{password: b}] }", ["a.conf:1:25: User entry requires a user"]],
    ["authorization { users: [{user: a, x: 1}] }", ['a.conf:1:34: unknown field "x"']],
    ["authorization { users: [{nkey: UABC}] }", [
      "a.conf:1:25: Not a valid public nkey for a user",
      'a.conf:1:25: "authorization.users.nkey" is not supported by natsts yet; ignored',
    ]],
    ["jetstream: maybe", ["a.conf:1:0: Expected 'enabled' or 'disabled' for string value, got 'maybe'"]],
    ["jetstream: 1", ["a.conf:1:0: Expected map, bool or string to define JetStream, got int64"]],
    ["jetstream { foo: 1 }", ['a.conf:1:12: unknown field "foo"']],
    ['jetstream { enabled: "x" }', ["a.conf:1:0: interface conversion: interface {} is string, not bool"]],
    ['jetstream { max_mem: "1GB" }', ['a.conf:1:12: max_mem_store strconv.ParseInt: parsing "1G": invalid syntax']],
    ['jetstream { max_file: "12" }', ["a.conf:1:12: max_file_store sizes defined as strings must end in K, M, G, T"]],
    ["jetstream { max_file: 1.5 }", ["a.conf:1:12: max_file_store must be int64 or string"]],
    ["jetstream { max_mem: -2 }", ["a.conf:1:12: invalid max_mem_store of -2: must be -1 (dynamic) or a size"]],
    ['jetstream { sync_interval: "bad" }', ['a.conf:1:12: error parsing sync_interval: time: invalid duration "bad"']],
    ["jetstream { sync: 5 }", ['a.conf:1:12: invalid use of field "sync": sync should be converted to a duration']],
    ["store_dir: /a\njetstream { store_dir: /b }", ["a.conf:2:13: Duplicate 'store_dir' configuration"]],
    ["store_dir: 1", ["a.conf:1:0: interface conversion: interface {} is int64, not string"]],
    ["foo: 1\nbar: 2\nport: x", [
      'a.conf:1:0: unknown field "foo"', 'a.conf:2:1: unknown field "bar"', "a.conf:3:1: interface conversion: interface {} is string, not int64",
    ]],
  ];
  it.each(table)("%s", (text, want) => {
    expect(texts(`${text}\n`)).toEqual(want);
  });

  it("classifies nats-server warnings apart from errors", () => {
    expect(texts("ping_interval: 5\n", "warning")).toEqual([
      'a.conf:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration',
    ]);
    expect(texts("ping_interval: 5\n", "error")).toEqual([]);
    expect(apply("ping_interval: 5\nwrite_deadline: 2\n").o).toMatchObject({ pingInterval: 5000, writeDeadline: 2000 });
  });

  it("does not report keys used only as variables", () => {
    expect(texts("N: 1\nauthorization { T: x, token: $T, timeout: $N }\n")).toEqual([]);
  });
});

describe("finalizeOptions", () => {
  it("turns zero into nats-server's defaults", () => {
    const { o } = apply("port: 0\nmax_payload: 0\nmax_pending: 0\nmax_control_line: 0\nping_interval: \"0s\"\nping_max: 0\n" +
      "write_deadline: \"0s\"\nlame_duck_grace_period: \"0s\"\nmax_closed_clients: 0\nauthorization { timeout: 0 }\nhost: \"\"\n");
    o.httpHost = "";
    expect(finalizeOptions(o)).toEqual({ errors: [], warnings: [] });
    const d = defaultOptions();
    expect(o).toMatchObject({
      port: 4222, host: "0.0.0.0", httpHost: "0.0.0.0", maxPayload: d.maxPayload, maxPending: d.maxPending,
      maxControlLine: d.maxControlLine, pingInterval: d.pingInterval, pingMax: d.pingMax, writeDeadline: d.writeDeadline,
      lameDuckGracePeriod: d.lameDuckGracePeriod, maxClosedClients: d.maxClosedClients, authTimeout: d.authTimeout,
    });
  });

  it("lets the monitoring host follow the client host", () => {
    const { o } = apply('listen: "127.0.0.1:4222"\n');
    o.httpHost = "";
    finalizeOptions(o);
    expect(o.httpHost).toBe("127.0.0.1");
  });

  it("checks max_payload against max_pending and warns over 8MB", () => {
    const small = apply("max_pending: 1000\n").o;
    expect(finalizeOptions(small).errors).toEqual(["max_payload (1048576) cannot be higher than max_pending (1000)"]);
    const big = apply("max_payload: 10MB\n").o;
    expect(finalizeOptions(big)).toEqual({
      errors: [],
      warnings: ["max_payload of 10485760 bytes is over 8MB: large payloads are discouraged and may perform poorly"],
    });
  });
});
