// The `gateway {}` block: this cluster's gateway name and listener, the remote gateways to
// solicit, gateway authorization and reject_unknown_cluster; and the checks nats-server makes
// on the merged options (a name, a port, remote names and URLs, the cluster name).

import type { GatewayOptions, Options } from "./options.js";
import { readListen } from "./cluster.js";
import { authEntries, bool, int, readUserPassword, type Report, str, typeErr } from "./fields.js";
import { type ConfEntry, type ConfNode, goTypeName } from "./parser.js";

const IGNORED = new Set(["tls", "connect_backoff", "write_deadline", "write_timeout", "send_only", "authorization.timeout"]);

/** A gateway is configured when any of its defining fields is set. */
export function gatewayConfigured(g: GatewayOptions): boolean {
  return g.name !== "" || g.port !== 0 || g.gateways.length > 0;
}

export function applyGateway(e: ConfEntry, g: GatewayOptions, report: Report): void {
  const v: ConfNode = e.value;
  if (v.kind !== "map") {
    report("error", e.keyPos, `Expected gateway to be a map, got ${goTypeName(v)}`);
    return;
  }
  for (const f of v.entries.values()) {
    const key = f.key.toLowerCase();
    switch (key) {
      case "name": {
        const s = str(report, f);
        if (s === undefined) break;
        if (s.includes(" ")) report("error", f.keyPos, "gateway name cannot contain spaces");
        else g.name = s;
        break;
      }
      case "host": case "net": g.host = str(report, f) ?? g.host; break;
      case "port": g.port = int(report, f) ?? g.port; break;
      case "listen": readListen(report, f, g); break;
      case "advertise": case "gateway_advertise": g.advertise = str(report, f) ?? g.advertise; break;
      case "connect_retries": g.connectRetries = int(report, f) ?? g.connectRetries; break;
      case "reject_unknown": case "reject_unknown_cluster": g.rejectUnknown = bool(report, f) ?? g.rejectUnknown; break;
      case "authorization": gatewayAuth(f, g, report); break;
      case "gateways": remoteGateways(f, g, report); break;
      default:
        if (IGNORED.has(key)) report("unsupported", f.keyPos, `"gateway.${f.key}" is not supported by natsts yet; ignored`);
        else if (!f.usedAsVariable) report("error", f.keyPos, `unknown field "${f.key}"`);
    }
  }
}

function gatewayAuth(e: ConfEntry, g: GatewayOptions, report: Report): void {
  const entries = authEntries(report, e);
  if (entries === undefined) return;
  for (const f of entries) {
    const key = f.key.toLowerCase();
    if (readUserPassword(report, key, f, g)) continue;
    if (key === "token") report("error", e.keyPos, "Gateway authorization does not support tokens");
    else if (key === "timeout") continue;
    else if (key === "users" || key === "permissions") report("unsupported", f.keyPos, `"gateway.authorization.${f.key}" is not supported by natsts yet; ignored`);
    else if (!f.usedAsVariable) report("error", f.keyPos, `unknown field "${f.key}"`);
  }
}

function remoteGateways(e: ConfEntry, g: GatewayOptions, report: Report): void {
  if (e.value.kind !== "array") {
    // nats-server prints this one without a position; natsts keeps the key's
    report("error", e.keyPos, `Expected gateways field to be an array, got ${goTypeName(e.value)}`);
    return;
  }
  g.gateways = [];
  for (const item of e.value.items) {
    if (item.kind !== "map") {
      report("error", item.pos, `Expected gateway entry to be a map/struct, got ${goTypeName(item)}`);
      continue;
    }
    const remote = { name: "", urls: [] as string[] };
    for (const f of item.entries.values()) {
      const key = f.key.toLowerCase();
      switch (key) {
        case "name": remote.name = str(report, f) ?? remote.name; break;
        case "url": {
          const s = str(report, f);
          if (s !== undefined) remote.urls.push(s);
          break;
        }
        case "urls": {
          if (f.value.kind !== "array") {
            typeErr(report, f, "[]interface {}");
            break;
          }
          for (const u of f.value.items) {
            if (u.kind === "string") remote.urls.push(u.value);
            else report("error", u.pos, `interface conversion: interface {} is ${goTypeName(u)}, not string`);
          }
          break;
        }
        case "tls":
          report("unsupported", f.keyPos, `"gateway.gateways.${f.key}" is not supported by natsts yet; ignored`);
          break;
        default:
          if (!f.usedAsVariable) report("error", f.keyPos, `unknown field "${f.key}"`);
      }
    }
    g.gateways.push(remote);
  }
}

/**
 * nats-server's checks of a configured gateway on the merged options: they run when the server
 * starts, not with -t. A cluster without a name takes the gateway's name. Returns the error texts.
 */
export function validateGateway(o: Options): string[] {
  const g = o.gateway;
  if (!gatewayConfigured(g)) return [];
  if (g.name === "") return ["gateway has no name"];
  if (g.port === 0) return [`gateway ${JSON.stringify(g.name)} has no port specified (select -1 for random port)`];
  for (let i = 0; i < g.gateways.length; i++) {
    const r = g.gateways[i];
    if (r.name === "") return [`gateway in the list ${i} has no name`];
    if (r.urls.length === 0) return [`gateway ${JSON.stringify(r.name)} has no URL`];
  }
  if (o.cluster.name === "") o.cluster.name = g.name;
  else if (o.cluster.name !== g.name) return ["cluster name conflicts between cluster and gateway definitions"];
  return [];
}
