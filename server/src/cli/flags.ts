// Command-line flags of natsts-server: nats-server's flag set, parsed the way Go's flag package does
// (-flag, --flag, -flag=value, -flag value; booleans only -flag or -flag=<bool>; parsing stops at the
// first argument that is not a flag, or after "--"). Error texts are Go's.

import { parseRouteURL } from "../config/cluster.js";
import type { Options } from "../config/options.js";
import { parseGoBool, parseGoInt } from "../config/units.js";

export type FlagKind = "string" | "int" | "bool";
export type FlagValue = string | number | boolean;

interface FlagDef {
  /** names without dashes; the first one is the canonical name */
  names: readonly string[];
  kind: FlagKind;
  /** how the flag changes Options; undefined: a control flag (handled by the caller) or unsupported */
  apply?: (o: Options, v: FlagValue) => void;
  /** accepted for compatibility with nats-server, not implemented by natsts */
  unsupported?: true;
}

const str = (v: FlagValue): string => String(v);
const num = (v: FlagValue): number => Number(v);
const bool = (v: FlagValue): boolean => v === true;

/** --cluster nats://host:port: the route listener (an unparsable URL leaves the cluster off). */
function applyClusterListen(o: Options, url: string): void {
  const hp = parseRouteURL(url);
  if (hp === null) return;
  o.cluster.host = hp.host;
  o.cluster.port = hp.port;
}

const FLAGS: readonly FlagDef[] = [
  { names: ["addr", "a", "net"], kind: "string", apply: (o, v) => (o.host = str(v)) },
  { names: ["port", "p"], kind: "int", apply: (o, v) => (o.port = num(v)) },
  { names: ["server_name", "n", "name"], kind: "string", apply: (o, v) => (o.serverName = str(v)) },
  { names: ["pid", "P"], kind: "string", apply: (o, v) => (o.pidFile = str(v)) },
  { names: ["http_port", "m"], kind: "int", apply: (o, v) => (o.httpPort = num(v)) },
  { names: ["https_port", "ms"], kind: "int", unsupported: true },
  { names: ["config", "c"], kind: "string" },
  { names: ["t"], kind: "bool" },
  { names: ["signal", "sl"], kind: "string" },
  { names: ["client_advertise"], kind: "string", apply: (o, v) => (o.clientAdvertise = str(v)) },
  { names: ["ports_file_dir"], kind: "string", apply: (o, v) => (o.portsFileDir = str(v)) },
  { names: ["log", "l"], kind: "string", apply: (o, v) => (o.logFile = str(v)) },
  { names: ["logtime", "T"], kind: "bool", apply: (o, v) => (o.logtime = bool(v)) },
  { names: ["syslog", "s"], kind: "bool", unsupported: true },
  { names: ["remote_syslog", "r"], kind: "string", unsupported: true },
  { names: ["debug", "D"], kind: "bool", apply: (o, v) => (o.debug = bool(v)) },
  { names: ["trace", "V"], kind: "bool", apply: (o, v) => (o.trace = bool(v)) },
  { names: ["VV"], kind: "bool", apply: (o, v) => { o.trace = bool(v); o.traceVerbose = bool(v); } },
  { names: ["DV"], kind: "bool", apply: (o, v) => { o.debug = bool(v); o.trace = bool(v); } },
  { names: ["DVV"], kind: "bool", apply: (o, v) => { o.debug = bool(v); o.trace = bool(v); o.traceVerbose = bool(v); } },
  { names: ["log_size_limit"], kind: "int", unsupported: true },
  { names: ["max_traced_msg_len"], kind: "int", unsupported: true },
  { names: ["jetstream", "js"], kind: "bool", apply: (o, v) => (o.jetstream.enabled = bool(v)) },
  { names: ["store_dir", "sd"], kind: "string", apply: (o, v) => (o.jetstream.storeDir = str(v)) },
  { names: ["user"], kind: "string", apply: (o, v) => (o.authorization.user = str(v)) },
  { names: ["pass"], kind: "string", apply: (o, v) => (o.authorization.password = str(v)) },
  { names: ["auth"], kind: "string", apply: (o, v) => (o.authorization.token = str(v)) },
  { names: ["tls"], kind: "bool", unsupported: true },
  { names: ["tlscert"], kind: "string", unsupported: true },
  { names: ["tlskey"], kind: "string", unsupported: true },
  { names: ["tlsverify"], kind: "bool", unsupported: true },
  { names: ["tlscacert"], kind: "string", unsupported: true },
  { names: ["routes"], kind: "string", apply: (o, v) => (o.cluster.routes = str(v).split(",").map((r) => r.trim()).filter((r) => r !== "")) },
  { names: ["cluster", "cluster_listen"], kind: "string", apply: (o, v) => applyClusterListen(o, str(v)) },
  { names: ["cluster_name"], kind: "string", apply: (o, v) => (o.cluster.name = str(v)) },
  { names: ["no_advertise"], kind: "bool", apply: (o, v) => (o.cluster.noAdvertise = bool(v)) },
  { names: ["cluster_advertise"], kind: "string", apply: (o, v) => (o.cluster.advertise = str(v)) },
  { names: ["connect_retries"], kind: "int", apply: (o, v) => (o.cluster.connectRetries = num(v)) },
  { names: ["profile"], kind: "int", unsupported: true },
  { names: ["help", "h"], kind: "bool" },
  { names: ["version", "v"], kind: "bool" },
  { names: ["help_tls"], kind: "bool" },
];

const BY_NAME: ReadonlyMap<string, FlagDef> = new Map(FLAGS.flatMap((f) => f.names.map((n) => [n, f] as const)));

/** A command line Go's flag package would reject; message is Go's text. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

export interface ParsedFlags {
  /** flags given, by canonical name, in command-line order (a repeated flag keeps its last value) */
  values: Map<string, FlagValue>;
  /** the name each flag was spelled with last (for messages) */
  spelled: Map<string, string>;
  /** arguments after the flags */
  positional: string[];
}

/** Parse argv (without the program name). Throws FlagError. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = { values: new Map(), spelled: new Map(), positional: [] };
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] ?? "";
    if (arg.length < 2 || !arg.startsWith("-")) break;
    const dashes = arg.startsWith("--") ? 2 : 1;
    if (arg === "--") {
      i++;
      break;
    }
    let name = arg.slice(dashes);
    if (name === "" || name.startsWith("-") || name.startsWith("=")) throw new FlagError(`bad flag syntax: ${arg}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const def = BY_NAME.get(name);
    if (def === undefined) throw new FlagError(`flag provided but not defined: -${name}`);
    let v: FlagValue;
    if (def.kind === "bool") {
      if (value === undefined) {
        v = true;
      } else {
        const b = parseGoBool(value);
        if (b === undefined) throw new FlagError(`invalid boolean value "${value}" for -${name}: parse error`);
        v = b;
      }
    } else {
      if (value === undefined) {
        if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
        value = argv[i++] ?? "";
      }
      if (def.kind === "int") {
        const n = parseGoInt(value);
        if (!n.ok) throw new FlagError(`invalid value "${value}" for flag -${name}: ${n.reason}`);
        v = n.value;
      } else {
        v = value;
      }
    }
    const canonical = def.names[0] ?? name;
    out.values.delete(canonical);
    out.values.set(canonical, v);
    out.spelled.set(canonical, name);
  }
  out.positional = argv.slice(i);
  return out;
}

/** Apply the flags that change Options onto `o`. Returns warnings for flags natsts does not implement. */
export function applyFlags(o: Options, flags: ParsedFlags): string[] {
  const warnings: string[] = [];
  for (const [name, v] of flags.values) {
    const def = BY_NAME.get(name);
    if (def?.apply !== undefined) def.apply(o, v);
    else if (def?.unsupported === true) {
      warnings.push(`flag -${flags.spelled.get(name) ?? name} is not supported by natsts yet; ignored`);
    }
  }
  return warnings;
}

export function usageText(): string {
  return `
Usage: natsts-server [options]

Server:
    -a, --addr, --net <host>         Listen for clients on this address (default: 0.0.0.0)
    -p, --port <port>                Client port; -1 picks a free one (default: 4222)
    -n, --name, --server_name <name> Name of this server (default: the server id)
    -P, --pid <file>                 Write the process id to this file
    -m, --http_port <port>           Serve HTTP monitoring on this port
    -c, --config <file>              Read this configuration file
    -t                               Check the configuration file and exit
    -sl, --signal <signal>[=<pid>]   Signal a running natsts-server: ldm, stop, quit, term, reopen, reload
                                     (<pid> is a process id or the path of a pid file)
        --client_advertise <url>     Client URL advertised to other servers
        --ports_file_dir <dir>       Write <name>_<pid>.ports with the bound ports to this directory

Logging:
    -l, --log <file>                 Log to this file instead of standard error
    -T, --logtime                    Prefix log lines with a timestamp (default: true; -T=false turns it off)
    -D, --debug                      Log debug messages
    -V, --trace                      Log the protocol traffic
    -VV                              Like -V, including the system account
    -DV                              -D and -V
    -DVV                             -D and -VV

JetStream:
    -js, --jetstream                 Enable JetStream
    -sd, --store_dir <dir>           JetStream storage directory

Authorization:
        --user <user>                Require this user for client connections
        --pass <password>            ... with this password
        --auth <token>               Require this token for client connections

Other:
    -h, --help                       Print this text
    -v, --version                    Print the version

Accepted for nats-server compatibility but not implemented yet (a warning is logged):
    -ms/--https_port, -s/--syslog, -r/--remote_syslog, --log_size_limit, --max_traced_msg_len,
    --tls, --tlscert, --tlskey, --tlsverify, --tlscacert, --routes, --cluster, --cluster_name,
    --no_advertise, --cluster_advertise, --connect_retries, --cluster_listen, --profile, --help_tls

Flags given on the command line take precedence over the configuration file.
`;
}

export function tlsHelpText(): string {
  return `
natsts-server does not implement TLS yet. In nats-server, TLS is configured in a "tls { ... }" block
(cert_file, key_file, ca_file, verify, ...) of the configuration file; natsts accepts such a block,
logs a warning and serves plain TCP.
`;
}
