// The `leafnodes {}` block (also spelled `leaf {}`): the listener spokes connect to, its
// authorization, and the remotes (hubs) this server solicits, with nats-server's error texts.

import { fromSeed } from "@nats-io/nkeys";
import type { LeafNodeOptions, LeafRemoteOptions } from "./options.js";
import { type ConfEntry, type ConfNode, type Pos, goTypeName } from "./parser.js";
import { UnitError, goQuote, nsToMs, parseGoDuration } from "./units.js";

export type Report = (severity: "error" | "unsupported", pos: Pos, message: string) => void;

/** Keys nats-server accepts in the block that natsts takes without acting on them. */
const IGNORED = new Set([
  "tls", "compression", "min_version", "write_deadline", "write_timeout", "isolate_leafnode_interest",
]);

/** Keys nats-server accepts in a remote that natsts takes without acting on them. */
const IGNORED_REMOTE = new Set([
  "tls", "hub", "deny_imports", "deny_exports", "compression", "first_info_timeout", "disabled",
  "ws_compression", "ws_no_masking", "jetstream_cluster_migrate", "jetstream_cluster_migrate_delay", "proxy",
]);

/** What Go's url.Parse rejects among leafnode URLs (a missing scheme before ':', bad escapes, control characters). */
export function validLeafURL(s: string): boolean {
  if (s.startsWith(":")) return false;
  if (/[\x00-\x1f\x7f]/.test(s)) return false;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return false;
  return true;
}

/** host, port and credentials of `[scheme://][user:pass@]host[:port]`; the port defaults to 7422. */
export function parseLeafURL(url: string): { host: string; port: number; user: string; pass: string } | null {
  const m = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?(?:([^@/]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?\/?$/.exec(url.trim());
  if (m === null || m[2] === "") return null;
  let user = "";
  let pass = "";
  if (m[1] !== undefined) {
    const colon = m[1].indexOf(":");
    user = decodeURIComponent(colon < 0 ? m[1] : m[1].slice(0, colon));
    pass = colon < 0 ? "" : decodeURIComponent(m[1].slice(colon + 1));
  }
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  return { host, port: m[3] !== undefined ? Number(m[3]) : 7422, user, pass };
}

class LeafConfig {
  constructor(
    private readonly report: Report,
    private readonly l: LeafNodeOptions,
  ) {}

  private typeErr(pos: Pos, n: ConfNode, want: string): undefined {
    this.report("error", pos, `interface conversion: interface {} is ${goTypeName(n)}, not ${want}`);
    return undefined;
  }

  private str(e: ConfEntry): string | undefined {
    return e.value.kind === "string" ? e.value.value : this.typeErr(e.keyPos, e.value, "string");
  }

  private unknown(e: ConfEntry): void {
    if (!e.usedAsVariable) this.report("error", e.keyPos, `unknown field ${goQuote(e.key)}`);
  }

  private ignored(e: ConfEntry, where: string): void {
    this.report("unsupported", e.keyPos, `${goQuote(`${where}${e.key}`)} is not supported by natsts yet; ignored`);
  }

  block(e: ConfEntry): void {
    const v = e.value;
    if (v.kind !== "map") {
      this.report("error", e.keyPos, `Expected map to define a leafnode, got ${goTypeName(v)}`);
      return;
    }
    const l = this.l;
    for (const f of v.entries.values()) {
      const key = f.key.toLowerCase();
      switch (key) {
        case "listen": this.listen(f); break;
        case "port":
          if (f.value.kind === "int") l.port = f.value.value;
          else this.typeErr(f.keyPos, f.value, "int64");
          break;
        case "host": case "net": l.host = this.str(f) ?? l.host; break;
        case "advertise": l.advertise = this.str(f) ?? l.advertise; break;
        case "no_advertise":
          if (f.value.kind === "bool") l.noAdvertise = f.value.value;
          else this.typeErr(f.keyPos, f.value, "bool");
          break;
        case "authorization": this.authorization(f); break;
        case "remotes": this.remotes(f); break;
        case "reconnect": case "reconnect_delay": case "reconnect_interval": this.reconnect(f); break;
        default:
          if (IGNORED.has(key)) this.ignored(f, "leafnodes.");
          else this.unknown(f);
      }
    }
  }

  private listen(f: ConfEntry): void {
    if (f.value.kind === "int") {
      this.l.port = f.value.value;
      return;
    }
    const s = this.str(f);
    if (s === undefined) return;
    const m = /^(\[[^\]]*\]|[^:]*):([+-]?\d+)$/.exec(s);
    if (m === null) {
      this.report("error", f.keyPos, `could not parse address string ${goQuote(s)}`);
      return;
    }
    this.l.host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
    this.l.port = Number(m[2]);
  }

  private reconnect(f: ConfEntry): void {
    const v = f.value;
    if (v.kind !== "string") {
      this.report("error", f.keyPos, `invalid use of field "reconnect": reconnect should be converted to a duration`);
      return;
    }
    try {
      this.l.reconnectDelay = nsToMs(parseGoDuration(v.value));
    } catch (err) {
      if (!(err instanceof UnitError)) throw err;
      this.report("error", f.keyPos, `error parsing reconnect: ${err.message}`);
    }
  }

  private authorization(e: ConfEntry): void {
    const v = e.value;
    if (v.kind !== "map") {
      this.typeErr(e.keyPos, v, "map[string]interface {}");
      return;
    }
    let user = "";
    let password = "";
    let account = "";
    let users: LeafNodeOptions["users"] = [];
    let timeout = 0;
    for (const f of v.entries.values()) {
      switch (f.key.toLowerCase()) {
        case "user": case "username": user = this.str(f) ?? user; break;
        case "password": case "pass": password = this.str(f) ?? password; break;
        case "account": account = this.str(f) ?? account; break;
        case "timeout":
          if (f.value.kind === "int" || f.value.kind === "float") timeout = f.value.value * 1000;
          else this.typeErr(f.keyPos, f.value, "float64");
          break;
        case "users": {
          const parsed = this.users(f);
          if (parsed === undefined) return;
          users = parsed;
          break;
        }
        default: this.unknown(f);
      }
    }
    if (users.length > 0 && user !== "") {
      this.report("error", e.keyPos, "can not have a single user/pass and a users array");
      return;
    }
    const seen = new Set<string>();
    for (const u of users) {
      if (seen.has(u.user)) {
        this.report("error", e.keyPos, `duplicate user ${goQuote(u.user)} detected in leafnode authorization`);
        return;
      }
      seen.add(u.user);
    }
    Object.assign(this.l, { user, password, account, users, authTimeout: timeout });
  }

  private users(e: ConfEntry): LeafNodeOptions["users"] | undefined {
    const v = e.value;
    if (v.kind !== "array") {
      this.report("error", e.keyPos, `Expected users field to be an array, got ${plain(v)}`);
      return undefined;
    }
    const out: LeafNodeOptions["users"] = [];
    for (const item of v.items) {
      if (item.kind !== "map") {
        this.typeErr(item.pos, item, "map[string]interface {}");
        continue;
      }
      const u = { user: "", password: "", account: "" };
      for (const f of item.entries.values()) {
        switch (f.key.toLowerCase()) {
          case "user": case "username": u.user = this.str(f) ?? u.user; break;
          case "password": case "pass": u.password = this.str(f) ?? u.password; break;
          case "account": u.account = this.str(f) ?? u.account; break;
          default: this.unknown(f);
        }
      }
      out.push(u);
    }
    return out;
  }

  private remotes(e: ConfEntry): void {
    const v = e.value;
    if (v.kind !== "array") {
      this.report("error", e.keyPos, `Expected remotes field to be an array, got ${goTypeName(v)}`);
      return;
    }
    const remotes: LeafRemoteOptions[] = [];
    for (const item of v.items) {
      if (item.kind !== "map") {
        this.report("error", item.pos, `Expected remote leafnode entry to be a map/struct, got ${plain(item)}`);
        continue;
      }
      const r = this.remote(item.entries.values());
      if (r !== null) remotes.push(r);
    }
    this.l.remotes = remotes;
  }

  /** One remote; null after its first error (nats-server reports one problem per remote). */
  private remote(entries: Iterable<ConfEntry>): LeafRemoteOptions | null {
    const r: LeafRemoteOptions = { urls: [], account: "", credentials: "", nkey: "", noRandomize: false };
    for (const f of entries) {
      const key = f.key.toLowerCase();
      switch (key) {
        case "url": case "urls": {
          const v = f.value;
          const items = v.kind === "string" ? [v] : v.kind === "array" ? v.items : null;
          if (items === null) {
            this.report("error", f.keyPos, `Expected remote leafnode url to be an array or string, got ${plain(v)}`);
            return null;
          }
          for (const u of items) {
            if (u.kind !== "string") {
              this.typeErr(u.pos, u, "string");
              return null;
            }
            if (!validLeafURL(u.value)) {
              this.report("error", v.kind === "string" ? f.keyPos : u.pos, `error parsing leafnode url [${goQuote(u.value)}]`);
              return null;
            }
            r.urls.push(u.value);
          }
          break;
        }
        case "account": case "local": {
          const s = this.str(f);
          if (s === undefined) return null;
          r.account = s;
          break;
        }
        case "credentials": case "creds": {
          const s = this.str(f);
          if (s === undefined) return null;
          r.credentials = s;
          break;
        }
        case "nkey": case "seed": {
          const s = this.str(f);
          if (s === undefined) return null;
          if (!validSeed(s)) {
            this.report("error", f.keyPos, `Remote leafnode nkey is not a valid seed: ${goQuote(s)}`);
            return null;
          }
          r.nkey = s;
          break;
        }
        case "no_randomize": case "dont_randomize":
          if (f.value.kind !== "bool") {
            this.typeErr(f.keyPos, f.value, "bool");
            return null;
          }
          r.noRandomize = f.value.value;
          break;
        default:
          if (IGNORED_REMOTE.has(key)) this.ignored(f, "leafnodes.remotes.");
          else this.unknown(f);
      }
    }
    return r;
  }
}

function validSeed(s: string): boolean {
  try {
    fromSeed(new TextEncoder().encode(s));
    return true;
  } catch {
    // not a seed: the caller reports it
    return false;
  }
}

/** Go's %v of a scalar (for "got 1" style messages). */
function plain(n: ConfNode): string {
  switch (n.kind) {
    case "string": case "int": case "float": case "bool": return String(n.value);
    default: return goTypeName(n);
  }
}

/** Applies a `leafnodes` / `leaf` entry onto `l`. */
export function applyLeafNodes(e: ConfEntry, l: LeafNodeOptions, report: Report): void {
  new LeafConfig(report, l).block(e);
}
