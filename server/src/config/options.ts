// Validated server options: the single shape every part of the server reads.
// Built from defaults, then a config file, then command-line flags (flags win), as nats-server does.

export interface JetStreamOptions {
  enabled: boolean;
  storeDir: string;
  /** bytes; -1 = dynamic (75% of system memory, as nats-server) */
  maxMemoryStore: number;
  /** bytes; -1 = dynamic (1TB or disk space) */
  maxFileStore: number;
  /** fsync policy for the file store: "always" (default here: fsync before ack, group-committed) or an interval in ms */
  syncInterval: "always" | number;
  domain: string;
}

/** `cluster {}` / --cluster: routes between the servers of one cluster (full mesh). */
export interface ClusterOptions {
  name: string;
  host: string;
  /** 0 = no cluster listener; -1 = random port */
  port: number;
  /** routes to solicit (nats-route://host:port or nats://host:port) */
  routes: string[];
  /** do not tell clients about the other members' URLs */
  noAdvertise: boolean;
  /** attempts for an implicit (gossiped) route before giving up; configured routes retry forever */
  connectRetries: number;
  /** accepted for compatibility; natsts keeps one connection per peer */
  poolSize: number;
  /** host:port the other members should dial (cluster advertise; unset = the listen address) */
  advertise?: string;
  /** double the delay between reconnect attempts (1 s up to 30 s) instead of a fixed second */
  connectBackoff?: boolean;
  /** route authorization (both directions) */
  user: string;
  password: string;
  /** seconds a route has to complete its handshake (cluster authorization timeout; unset = 2) */
  authTimeout?: number;
  /** ms between route PINGs (unset: the server's ping_interval; capped to 30 s) */
  pingInterval?: number;
  /** unanswered route PINGs before the route is closed (unset: the server's ping_max) */
  pingMax?: number;
}

/** One `leafnodes.remotes[]` entry: a hub this server (the spoke) solicits. */
export interface LeafRemoteOptions {
  /** nats-leaf://[user:pass@]host:port (nats://, tls://, ws:// also accepted), tried in order */
  urls: string[];
  /** the local account the connection is bound to ("" = the global account) */
  account: string;
  /** a NATS .creds file (user JWT + nkey seed) */
  credentials: string;
  /** an nkey seed to sign the hub's nonce with */
  nkey: string;
  noRandomize: boolean;
}

/** `leafnodes {}` (also `leaf {}`): the hub listener and the remotes this server solicits. */
export interface LeafNodeOptions {
  host: string;
  /** 0 = no leafnode listener; -1 = random port */
  port: number;
  /** host:port the spokes are told to reach this server on */
  advertise: string;
  noAdvertise: boolean;
  /** authorization for accepted leaf connections */
  user: string;
  password: string;
  users: Array<{ user: string; password: string; account: string }>;
  account: string;
  /** ms; auth timeout for accepted leaf connections (0 = the server's) */
  authTimeout: number;
  remotes: LeafRemoteOptions[];
  /** ms between attempts to solicit a remote */
  reconnectDelay: number;
}

/** `gateway {}`: this cluster's place in a supercluster. */
export interface GatewayOptions {
  /** this cluster's gateway name ("" = no gateway) */
  name: string;
  host: string;
  /** 0 = no gateway listener; -1 = random port */
  port: number;
  /** host:port announced to other gateways instead of the listen address */
  advertise: string;
  /** refuse inbound gateways that are not configured here */
  rejectUnknown: boolean;
  /** attempts for an implicit (learned) gateway before giving up; configured ones retry forever */
  connectRetries: number;
  /** gateway authorization (both directions) */
  user: string;
  password: string;
  /** remote gateways (clusters) to solicit */
  gateways: Array<{ name: string; urls: string[] }>;
}

export interface Options {
  /** the config file this came from, if any (for reload) */
  configFile: string;
  host: string;
  port: number;
  serverName: string;
  clientAdvertise: string;
  maxPayload: number;
  maxPending: number;
  maxControlLine: number;
  maxConnections: number;
  /** 0 = unlimited */
  maxSubscriptions: number;
  /** ms */
  pingInterval: number;
  pingMax: number;
  /** ms */
  writeDeadline: number;
  /** ms */
  authTimeout: number;
  /** ms */
  lameDuckDuration: number;
  /** ms */
  lameDuckGracePeriod: number;
  httpHost: string;
  /** 0 = monitoring disabled; -1 = random port */
  httpPort: number;
  httpBasePath: string;
  debug: boolean;
  trace: boolean;
  logtime: boolean;
  logtimeUTC: boolean;
  logFile: string;
  pidFile: string;
  portsFileDir: string;
  noHeaderSupport: boolean;
  disableSublistCache: boolean;
  maxClosedClients: number;
  /** simple authorization block (token or single user); full accounts come with their own issue */
  authorization: AuthorizationOptions;
  jetstream: JetStreamOptions;
  cluster: ClusterOptions;
  gateway: GatewayOptions;
  leafnodes: LeafNodeOptions;
  /** -VV / trace_verbose: trace the system account's traffic too */
  traceVerbose: boolean;
  /**
   * Config blocks kept for the issues that will implement them: leafnodes (also
   * spelled leaf), accounts. Each value is the parsed node (config/parser.ts ConfNode, with file/line/col
   * positions for error messages); plainValue() turns it into plain data.
   */
  raw: Record<string, unknown>;
}

export interface AuthorizationOptions {
  user: string;
  password: string;
  token: string;
  users: Array<{ user: string; password: string }>;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** nats-server 2.12 baseline (const.go, opts.go setBaselineOptions) */
export function defaultOptions(): Options {
  return {
    configFile: "",
    host: "0.0.0.0",
    port: 4222,
    serverName: "",
    clientAdvertise: "",
    maxPayload: 1024 * 1024,
    maxPending: 64 * 1024 * 1024,
    maxControlLine: 4096,
    maxConnections: 64 * 1024,
    maxSubscriptions: 0,
    pingInterval: 2 * MINUTE,
    pingMax: 2,
    writeDeadline: 10 * SECOND,
    authTimeout: 2 * SECOND,
    lameDuckDuration: 2 * MINUTE,
    lameDuckGracePeriod: 10 * SECOND,
    httpHost: "0.0.0.0",
    httpPort: 0,
    httpBasePath: "",
    debug: false,
    trace: false,
    logtime: true,
    logtimeUTC: false,
    logFile: "",
    pidFile: "",
    portsFileDir: "",
    noHeaderSupport: false,
    disableSublistCache: false,
    maxClosedClients: 10000,
    authorization: { user: "", password: "", token: "", users: [] },
    jetstream: {
      enabled: false,
      storeDir: "",
      maxMemoryStore: -1,
      maxFileStore: -1,
      syncInterval: "always",
      domain: "",
    },
    cluster: {
      name: "",
      host: "0.0.0.0",
      port: 0,
      routes: [],
      noAdvertise: false,
      connectRetries: 0,
      poolSize: 3,
      user: "",
      password: "",
    },
    leafnodes: {
      host: "0.0.0.0",
      port: 0,
      advertise: "",
      noAdvertise: false,
      user: "",
      password: "",
      users: [],
      account: "",
      authTimeout: 0,
      remotes: [],
      reconnectDelay: SECOND,
    },
    gateway: {
      name: "",
      host: "0.0.0.0",
      port: 0,
      advertise: "",
      rejectUnknown: false,
      connectRetries: 0,
      user: "",
      password: "",
      gateways: [],
    },
    traceVerbose: false,
    raw: {},
  };
}
