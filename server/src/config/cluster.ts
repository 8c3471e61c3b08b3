// The `cluster {}` block: listen address, cluster name, routes, route authorization and the
// options natsts accepts for compatibility (pool_size, compression, ...).

import type { ClusterOptions } from "./options.js";
import { authEntries, int, readUserPassword, type Report, str, typeErr } from "./fields.js";
import { type ConfEntry, type ConfNode, goTypeName } from "./parser.js";
import { parseGoDuration } from "./units.js";

const IGNORED = new Set([
  "tls", "permissions", "accounts", "compression", "write_deadline", "write_timeout",
]);

/** Splits `[nats://|nats-route://][user:pass@]host:port` into host and port; null if it does not parse. */
export function parseRouteURL(url: string): { host: string; port: number } | null {
  const m = /^(?:[a-z-]+:\/\/)?(?:[^@/]*@)?(\[[^\]]*\]|[^:/]*):(-?\d+)\/?$/.exec(url.trim());
  if (m === null) return null;
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return { host: host === "" ? "0.0.0.0" : host, port: Number(m[2]) };
}

/** `listen`: a port, or `host:port` (as a route URL, scheme and credentials allowed). */
export function readListen(report: Report, f: ConfEntry, into: { host: string; port: number }): void {
  if (f.value.kind === "int") {
    into.port = f.value.value;
    return;
  }
  const s = str(report, f);
  if (s === undefined) return;
  const hp = parseRouteURL(s);
  if (hp === null) report("error", f.keyPos, `could not parse address string "${s}"`);
  else {
    into.host = hp.host;
    into.port = hp.port;
  }
}

/** A duration: a Go duration string, or an integer of seconds (as nats-server's ping_interval). */
function durationMs(report: Report, e: ConfEntry): number | undefined {
  const v = e.value;
  if (v.kind === "int") return v.value * 1000;
  if (v.kind !== "string") {
    typeErr(report, e, "string");
    return undefined;
  }
  try {
    const ns = parseGoDuration(v.value);
    // nats-server takes a negative one without complaint; it means nothing here, so it is left unset
    return ns < 0n ? undefined : Number(ns) / 1e6;
  } catch (err) {
    report("error", e.keyPos, `error parsing ${e.key}: ${(err as Error).message}`);
    return undefined;
  }
}

export function applyCluster(e: ConfEntry, c: ClusterOptions, report: Report): void {
  const v: ConfNode = e.value;
  if (v.kind !== "map") {
    typeErr(report, e, "map[string]interface {}");
    return;
  }
  for (const f of v.entries.values()) {
    const key = f.key.toLowerCase();
    switch (key) {
      case "name": c.name = str(report, f) ?? c.name; break;
      case "host": case "net": c.host = str(report, f) ?? c.host; break;
      case "port": c.port = int(report, f) ?? c.port; break;
      case "listen": readListen(report, f, c); break;
      case "routes": {
        if (f.value.kind !== "array") {
          typeErr(report, f, "[]interface {}");
          break;
        }
        c.routes = [];
        for (const item of f.value.items) {
          if (item.kind === "string" && parseRouteURL(item.value) !== null) c.routes.push(item.value);
          else report("error", item.pos, `error parsing route url [${item.kind === "string" ? item.value : goTypeName(item)}]`);
        }
        break;
      }
      case "no_advertise":
        if (f.value.kind === "bool") c.noAdvertise = f.value.value;
        else typeErr(report, f, "bool");
        break;
      case "connect_retries": c.connectRetries = int(report, f) ?? c.connectRetries; break;
      case "pool_size": c.poolSize = int(report, f) ?? c.poolSize; break;
      case "advertise": case "cluster_advertise": c.advertise = str(report, f) ?? c.advertise; break;
      case "ping_interval": {
        const ms = durationMs(report, f);
        if (ms !== undefined) c.pingInterval = ms;
        break;
      }
      case "ping_max": c.pingMax = int(report, f) ?? c.pingMax; break;
      case "connect_backoff":
        if (f.value.kind === "bool") c.connectBackoff = f.value.value;
        else typeErr(report, f, "bool");
        break;
      case "authorization": clusterAuth(f, c, report); break;
      default:
        if (IGNORED.has(key)) report("unsupported", f.keyPos, `"cluster.${f.key}" is not supported by natsts yet; ignored`);
        else if (!f.usedAsVariable) report("error", f.keyPos, `unknown field "${f.key}"`);
    }
  }
}

function clusterAuth(e: ConfEntry, c: ClusterOptions, report: Report): void {
  const entries = authEntries(report, e);
  if (entries === undefined) return;
  for (const f of entries) {
    const key = f.key.toLowerCase();
    if (readUserPassword(report, key, f, c)) continue;
    if (key === "timeout") {
      if (f.value.kind === "int" || f.value.kind === "float") c.authTimeout = f.value.value;
      else typeErr(report, f, "float64");
    }
    else report("unsupported", f.keyPos, `"cluster.authorization.${f.key}" is not supported by natsts yet; ignored`);
  }
}
