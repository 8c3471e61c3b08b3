// Value tree -> Options, with nats-server's validation and error texts. Every problem is reported as
// `<file>:<line>:<col>: <message>` (the position of the key, or of the array element, at fault), and
// processing goes on so that one run reports all of them, as nats-server does.

import { applyCluster } from "./cluster.js";
import { applyGateway } from "./gateway.js";
import { applyLeafNodes } from "./leafnode.js";
import { type Options, MINUTE, SECOND } from "./options.js";
import { type ConfEntry, type ConfMap, type ConfNode, type Pos, goTypeName, natsPos } from "./parser.js";
import { UnitError, formatGoDuration, goQuote, nsToMs, parseGoDuration, parseJetStreamSizeString } from "./units.js";

export type Severity = "error" | "warning" | "unsupported";

export interface Issue {
  severity: Severity;
  pos: Pos;
  message: string;
}

/** `file:line:col: message`, as nats-server prints a config problem. */
export function issueText(i: Issue): string {
  return `${natsPos(i.pos)}: ${i.message}`;
}

/** Blocks stored untouched in Options.raw for the issues that will implement them. */
const RAW_KEYS: ReadonlyMap<string, string> = new Map([
  ["accounts", "accounts"],
]);

/** Top-level keys nats-server accepts that natsts does not implement (yet). */
const UNSUPPORTED_TOP = new Set([
  "trace_headers", "logfile_size_limit", "log_size_limit", "logfile_max_num", "log_max_num", "syslog", "remote_syslog",
  "https", "https_port", "prof_port", "prof_block_rate", "max_sub_tokens", "max_traced_msg_len", "write_timeout",
  "tls", "ocsp", "allow_non_tls", "no_auth_user", "system_account", "system", "no_system_account", "mappings", "maps",
  "websocket", "ws", "mqtt", "operator", "operators", "roots", "resolver", "accounts_resolver", "resolver_tls",
  "resolver_preload", "resolver_pinned_accounts", "trusted", "trusted_keys", "connect_error_reports",
  "reconnect_error_reports", "server_tags", "server_metadata", "default_js_domain", "ocsp_cache", "proxies",
  "proxy_protocol", "no_fast_producer_stall",
]);

const UNSUPPORTED_AUTH = new Set(["permissions", "default_permissions", "auth_callout", "proxy_required"]);
const UNSUPPORTED_USER = new Set(["nkey", "permissions", "allowed_connection_types", "proxy_required"]);
const UNSUPPORTED_JS = new Set([
  "cipher", "key", "prev_key", "unique_tag", "strict", "limits", "tpm", "request_queue_limit", "max_buffered_msgs",
  "max_buffered_size", "max_outstanding_catchup", "extension_hint",
]);

const INT32_MAX = 2147483647;

/** Go's %v rendering of a value, as it appears in a few nats-server messages. */
function goFormat(n: ConfNode): string {
  switch (n.kind) {
    case "array": return `[${n.items.map(goFormat).join(" ")}]`;
    case "map": return `map[${[...n.entries.values()].map((e) => `${e.key}:${goFormat(e.value)}`).join(" ")}]`;
    case "datetime": return n.value.toISOString();
    default: return String(n.value);
  }
}

interface HostPort {
  host?: string;
  port: number;
}

/** Go's net.SplitHostPort + strconv.Atoi, with nats-server's messages. */
function parseHostPort(s: string): HostPort | string {
  const bad = `could not parse address string ${goQuote(s)}`;
  const i = s.lastIndexOf(":");
  if (i < 0) return bad;
  let host: string;
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end < 0 || end + 1 !== i) return bad;
    host = s.slice(1, end);
  } else {
    host = s.slice(0, i);
    if (host.includes(":") || host.includes("[") || host.includes("]")) return bad;
  }
  const portText = s.slice(i + 1);
  if (!/^[+-]?\d+$/.test(portText)) return `could not parse port ${goQuote(portText)}`;
  return { host, port: Number(portText) };
}

class Applier {
  readonly issues: Issue[] = [];
  private storeDirSet = false;

  constructor(private readonly o: Options) {}

  private add(severity: Severity, pos: Pos, message: string): undefined {
    this.issues.push({ severity, pos, message });
    return undefined;
  }

  private err(pos: Pos, message: string): undefined {
    return this.add("error", pos, message);
  }

  private unsupported(e: ConfEntry, where: string): void {
    this.add("unsupported", e.keyPos, `${goQuote(where + e.key)} is not supported by natsts yet; ignored`);
  }

  private unknown(e: ConfEntry): void {
    if (!e.usedAsVariable) this.err(e.keyPos, `unknown field ${goQuote(e.key)}`);
  }

  private typeErr(pos: Pos, n: ConfNode, want: string): undefined {
    return this.err(pos, `interface conversion: interface {} is ${goTypeName(n)}, not ${want}`);
  }

  private str(e: ConfEntry, pos: Pos = e.keyPos): string | undefined {
    return e.value.kind === "string" ? e.value.value : this.typeErr(pos, e.value, "string");
  }

  private bool(e: ConfEntry, pos: Pos = e.keyPos): boolean | undefined {
    return e.value.kind === "bool" ? e.value.value : this.typeErr(pos, e.value, "bool");
  }

  private int(e: ConfEntry): number | undefined {
    return e.value.kind === "int" ? e.value.value : this.typeErr(e.keyPos, e.value, "int64");
  }

  /** An integer that must not be negative (natsts is stricter than nats-server here). */
  private count(e: ConfEntry, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.int(e);
    if (v === undefined) return undefined;
    if (v > max) return this.err(e.keyPos, `${e.key.toLowerCase()} value is too big`);
    if (v < 0) return this.err(e.keyPos, `invalid ${e.key.toLowerCase()} of ${v}: must not be negative`);
    return v;
  }

  private port(e: ConfEntry, v: number | undefined): number | undefined {
    if (v === undefined) return undefined;
    if (v < -1 || v > 65535) return this.err(e.keyPos, `invalid port ${v} for ${e.key.toLowerCase()}: must be -1 (random), 0 (default) or 1-65535`);
    return v;
  }

  /**
   * Duration keys that also take a bare integer (seconds) with a warning, as ping_interval and
   * write_deadline do in nats-server. Returns nanoseconds.
   */
  private duration(e: ConfEntry): bigint | undefined {
    const v = e.value;
    if (v.kind === "string") {
      try {
        return parseGoDuration(v.value);
      } catch (err) {
        if (!(err instanceof UnitError)) throw err;
        return this.err(e.keyPos, `error parsing ${e.key}: ${err.message}`);
      }
    }
    this.add("warning", e.keyPos, `invalid use of field ${goQuote(e.key)}: ${e.key} should be converted to a duration`);
    if (v.kind === "int") return BigInt(v.value) * 1_000_000_000n;
    return this.typeErr(e.keyPos, v, "int64");
  }

  /** Duration keys that take only a duration string (lame_duck_*). Returns nanoseconds. */
  private strictDuration(e: ConfEntry): bigint | undefined {
    const s = this.str(e);
    if (s === undefined) return undefined;
    try {
      return parseGoDuration(s);
    } catch (err) {
      if (!(err instanceof UnitError)) throw err;
      return this.err(e.keyPos, `error parsing ${e.key}: ${err.message}`);
    }
  }

  private nonNegativeMs(e: ConfEntry, ns: bigint | undefined): number | undefined {
    if (ns === undefined) return undefined;
    if (ns < 0n) return this.err(e.keyPos, `invalid ${e.key.toLowerCase()} of ${formatGoDuration(ns)}: must not be negative`);
    return nsToMs(ns);
  }

  private hostPort(e: ConfEntry): HostPort | undefined {
    const v = e.value;
    if (v.kind === "int") return { port: v.value };
    if (v.kind !== "string") return this.err(e.keyPos, `expected port or host:port, got ${goTypeName(v)}`);
    const hp = parseHostPort(v.value);
    return typeof hp === "string" ? this.err(e.keyPos, hp) : hp;
  }

  private storeDir(e: ConfEntry): void {
    const s = this.str(e);
    if (s === undefined) return;
    if (this.storeDirSet) {
      this.err(e.keyPos, "Duplicate 'store_dir' configuration");
      return;
    }
    this.storeDirSet = true;
    this.o.jetstream.storeDir = s;
  }

  top(root: ConfMap): void {
    for (const e of root.entries.values()) this.topEntry(e);
  }

  private topEntry(e: ConfEntry): void {
    const o = this.o;
    const key = e.key.toLowerCase();
    const set = <T>(v: T | undefined, f: (v: T) => void): void => {
      if (v !== undefined) f(v);
    };
    switch (key) {
      case "listen":
        set(this.hostPort(e), (hp) => {
          if (hp.host !== undefined) o.host = hp.host;
          set(this.port(e, hp.port), (p) => (o.port = p));
        });
        return;
      case "host": case "net": return set(this.str(e), (v) => (o.host = v));
      case "port": return set(this.port(e, this.int(e)), (v) => (o.port = v));
      case "server_name":
        return set(this.str(e), (v) => {
          if (v.includes(" ")) this.err(e.keyPos, "server name cannot contain spaces");
          else o.serverName = v;
        });
      case "client_advertise": return set(this.str(e), (v) => (o.clientAdvertise = v));
      case "max_payload": return set(this.count(e, INT32_MAX), (v) => (o.maxPayload = v));
      case "max_pending": return set(this.count(e), (v) => (o.maxPending = v));
      case "max_control_line": return set(this.count(e, INT32_MAX), (v) => (o.maxControlLine = v));
      case "max_connections": case "max_conn": return set(this.count(e), (v) => (o.maxConnections = v));
      case "max_subscriptions": case "max_subs": return set(this.count(e), (v) => (o.maxSubscriptions = v));
      case "ping_interval": return set(this.nonNegativeMs(e, this.duration(e)), (v) => (o.pingInterval = v));
      case "ping_max": return set(this.count(e), (v) => (o.pingMax = v));
      case "write_deadline": return set(this.nonNegativeMs(e, this.duration(e)), (v) => (o.writeDeadline = v));
      case "lame_duck_duration":
        return set(this.strictDuration(e), (ns) => {
          if (ns < 30n * 1_000_000_000n) this.err(e.keyPos, `invalid lame_duck_duration of ${formatGoDuration(ns)}, minimum is 30 seconds`);
          else o.lameDuckDuration = nsToMs(ns);
        });
      case "lame_duck_grace_period":
        return set(this.strictDuration(e), (ns) => {
          if (ns < 0n) this.err(e.keyPos, "invalid lame_duck_grace_period, needs to be positive");
          else o.lameDuckGracePeriod = nsToMs(ns);
        });
      case "http":
        set(this.hostPort(e), (hp) => {
          if (hp.host !== undefined) o.httpHost = hp.host;
          set(this.port(e, hp.port), (p) => (o.httpPort = p));
        });
        return;
      case "http_port": case "monitor_port": return set(this.port(e, this.int(e)), (v) => (o.httpPort = v));
      case "http_base_path": return set(this.str(e), (v) => (o.httpBasePath = v));
      case "debug": return set(this.bool(e), (v) => (o.debug = v));
      case "trace": return set(this.bool(e), (v) => (o.trace = v));
      case "trace_verbose":
        return set(this.bool(e), (v) => {
          o.traceVerbose = v;
          if (v) o.trace = true;
        });
      case "logtime": return set(this.bool(e), (v) => (o.logtime = v));
      case "logtime_utc": return set(this.bool(e), (v) => (o.logtimeUTC = v));
      case "log_file": case "logfile": return set(this.str(e), (v) => (o.logFile = v));
      case "pid_file": case "pidfile": return set(this.str(e), (v) => (o.pidFile = v));
      case "ports_file_dir": return set(this.str(e), (v) => (o.portsFileDir = v));
      case "no_header_support": return set(this.bool(e), (v) => (o.noHeaderSupport = v));
      case "disable_sublist_cache": return set(this.bool(e), (v) => (o.disableSublistCache = v));
      case "max_closed_clients": return set(this.count(e), (v) => (o.maxClosedClients = v));
      case "authorization":
        if (e.value.kind !== "map") this.typeErr(e.keyPos, e.value, "map[string]interface {}");
        else this.authorization(e, e.value);
        return;
      case "jetstream": return this.jetstream(e);
      case "cluster": return applyCluster(e, o.cluster, (sev, pos, msg) => this.add(sev, pos, msg));
      case "store_dir": return this.storeDir(e);
      case "gateway": return applyGateway(e, o.gateway, (sev, pos, msg) => this.add(sev, pos, msg));
      case "leafnodes": case "leaf": return applyLeafNodes(e, o.leafnodes, (sev, pos, msg) => this.add(sev, pos, msg));
    }
    const raw = RAW_KEYS.get(key);
    if (raw !== undefined) {
      o.raw[raw] = e.value;
      this.add("unsupported", e.keyPos, `${goQuote(e.key)} is not supported by natsts yet; kept in options.raw, no effect`);
    } else if (UNSUPPORTED_TOP.has(key)) {
      this.unsupported(e, "");
    } else {
      this.unknown(e);
    }
  }

  private authorization(top: ConfEntry, m: ConfMap): void {
    let user = "";
    let password = "";
    let token = "";
    let users: Array<{ user: string; password: string }> = [];
    let timeoutMs: number | undefined;
    for (const e of m.entries.values()) {
      const key = e.key.toLowerCase();
      switch (key) {
        case "user": case "username": user = this.str(e) ?? user; break;
        case "password": case "pass": password = this.str(e) ?? password; break;
        case "token": token = this.str(e) ?? token; break;
        case "timeout": timeoutMs = this.authTimeout(e); break;
        case "users": users = this.users(e); break;
        default:
          if (UNSUPPORTED_AUTH.has(key)) this.unsupported(e, "authorization.");
          else this.unknown(e);
      }
    }
    if (token !== "" && (user !== "" || password !== "")) {
      this.err(top.keyPos, "Cannot have a user/pass and token");
      return;
    }
    if (users.length > 0 && user !== "") {
      this.err(top.keyPos, "Can not have a single user/pass and a users array");
      return;
    }
    if (users.length > 0 && token !== "") {
      this.err(top.keyPos, "Can not have a token and a users array");
      return;
    }
    const seen = new Set<string>();
    for (const u of users) {
      if (seen.has(u.user)) {
        this.err(top.keyPos, `Duplicate user ${goQuote(u.user)} detected`);
        return;
      }
      seen.add(u.user);
    }
    this.o.authorization = { user, password, token, users };
    if (timeoutMs !== undefined) this.o.authTimeout = timeoutMs;
  }

  private authTimeout(e: ConfEntry): number | undefined {
    const v = e.value;
    let ms: number;
    if (v.kind === "int" || v.kind === "float") {
      ms = v.value * SECOND;
    } else if (v.kind === "string") {
      try {
        ms = nsToMs(parseGoDuration(v.value));
      } catch (err) {
        if (!(err instanceof UnitError)) throw err;
        return this.err(e.keyPos, `error parsing authorization config, 'timeout' ${err.message}`);
      }
    } else {
      return this.err(e.keyPos, "error parsing authorization config, 'timeout' wrong type");
    }
    if (ms < 0) return this.err(e.keyPos, `invalid authorization timeout of ${v.value}: must not be negative`);
    return ms;
  }

  private users(e: ConfEntry): Array<{ user: string; password: string }> {
    const out: Array<{ user: string; password: string }> = [];
    if (e.value.kind !== "array") {
      this.err(e.keyPos, `Expected users field to be an array, got ${goFormat(e.value)}`);
      return out;
    }
    for (const item of e.value.items) {
      if (item.kind !== "map") {
        this.err(item.pos, `Expected user entry to be a map/struct, got ${goFormat(item)}`);
        continue;
      }
      let user = "";
      let password = "";
      let nkey = false;
      let badUser = false; // already reported as a type error
      for (const f of item.entries.values()) {
        const key = f.key.toLowerCase();
        if (key === "user" || key === "username") {
          const s = this.str(f);
          badUser = s === undefined;
          user = s ?? user;
        }
        else if (key === "password" || key === "pass") password = this.str(f) ?? password;
        else if (UNSUPPORTED_USER.has(key)) {
          if (key === "nkey") nkey = this.nkey(f);
          this.unsupported(f, "authorization.users.");
        } else this.unknown(f);
      }
      if (user !== "") out.push({ user, password });
      else if (!nkey && !badUser) this.err(item.pos, "User entry requires a user");
    }
    return out;
  }

  private nkey(f: ConfEntry): boolean {
    const k = this.str(f);
    if (k === undefined) return true;
    if (!/^U[A-Z2-7]{55}$/.test(k)) this.err(f.keyPos, "Not a valid public nkey for a user");
    return true;
  }

  private jetstream(e: ConfEntry): void {
    const js = this.o.jetstream;
    const v = e.value;
    if (v.kind === "bool") {
      js.enabled = v.value;
    } else if (v.kind === "string") {
      const s = v.value.toLowerCase();
      if (s === "enabled" || s === "disabled") js.enabled = s === "enabled";
      else this.err(e.keyPos, `Expected 'enabled' or 'disabled' for string value, got '${v.value}'`);
    } else if (v.kind === "map") {
      js.enabled = true;
      for (const f of v.entries.values()) this.jetstreamEntry(e, f);
    } else {
      this.err(e.keyPos, `Expected map, bool or string to define JetStream, got ${goTypeName(v)}`);
    }
  }

  private jetstreamEntry(top: ConfEntry, f: ConfEntry): void {
    const js = this.o.jetstream;
    const key = f.key.toLowerCase();
    switch (key) {
      case "enabled": case "enable": {
        const b = this.bool(f, top.keyPos);
        if (b !== undefined) js.enabled = b;
        return;
      }
      case "store_dir": case "store": case "storedir": return this.storeDir(f);
      case "max_memory_store": case "max_mem_store": case "max_mem": {
        const n = this.jsSize(f, "max_mem_store");
        if (n !== undefined) js.maxMemoryStore = n;
        return;
      }
      case "max_file_store": case "max_file": {
        const n = this.jsSize(f, "max_file_store");
        if (n !== undefined) js.maxFileStore = n;
        return;
      }
      case "sync_interval": case "sync": {
        if (f.value.kind === "string" && f.value.value.toLowerCase() === "always") {
          js.syncInterval = "always";
          return;
        }
        const ms = this.nonNegativeMs(f, this.duration(f));
        if (ms !== undefined) js.syncInterval = ms;
        return;
      }
      case "domain": {
        const s = this.str(f);
        if (s !== undefined) js.domain = s;
        return;
      }
    }
    if (UNSUPPORTED_JS.has(key)) this.unsupported(f, "jetstream.");
    else this.unknown(f);
  }

  private jsSize(f: ConfEntry, name: string): number | undefined {
    const v = f.value;
    if (v.kind === "int") {
      if (v.value < -1) return this.err(f.keyPos, `invalid ${name} of ${v.value}: must be -1 (dynamic) or a size`);
      return v.value;
    }
    if (v.kind !== "string") return this.err(f.keyPos, `${name} must be int64 or string`);
    try {
      return parseJetStreamSizeString(name, v.value);
    } catch (err) {
      if (!(err instanceof UnitError)) throw err;
      return this.err(f.keyPos, err.message);
    }
  }
}

/** Apply a parsed config file onto `o` (modified in place). Returns the problems found, in file order. */
export function applyConfig(root: ConfMap, o: Options): Issue[] {
  const a = new Applier(o);
  a.top(root);
  return a.issues;
}

/**
 * nats-server's baseline after file and flags are merged: zero means "default" for these fields.
 * Returns errors and warnings without positions (they concern the combined result).
 */
export function finalizeOptions(o: Options): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (o.port === 0) o.port = 4222;
  if (o.host === "") o.host = "0.0.0.0";
  if (o.httpHost === "") o.httpHost = o.host;
  if (o.maxPayload === 0) o.maxPayload = 1024 * 1024;
  if (o.maxPending === 0) o.maxPending = 64 * 1024 * 1024;
  if (o.maxControlLine === 0) o.maxControlLine = 4096;
  if (o.pingInterval === 0) o.pingInterval = 2 * MINUTE;
  if (o.pingMax === 0) o.pingMax = 2;
  if (o.writeDeadline === 0) o.writeDeadline = 10 * SECOND;
  if (o.authTimeout === 0) o.authTimeout = 2 * SECOND;
  if (o.lameDuckDuration === 0) o.lameDuckDuration = 2 * MINUTE;
  if (o.lameDuckGracePeriod === 0) o.lameDuckGracePeriod = 10 * SECOND;
  if (o.maxClosedClients === 0) o.maxClosedClients = 10000;
  if (o.maxPayload > o.maxPending) {
    errors.push(`max_payload (${o.maxPayload}) cannot be higher than max_pending (${o.maxPending})`);
  }
  if (o.cluster.routes.length > 0 && o.cluster.port === 0) {
    warnings.push("cluster routes are configured without a cluster listen address (cluster.listen or --cluster): no routes are made");
  }
  if (o.maxPayload > 8 * 1024 * 1024) {
    warnings.push(`max_payload of ${o.maxPayload} bytes is over 8MB: large payloads are discouraged and may perform poorly`);
  }
  return { errors, warnings };
}
