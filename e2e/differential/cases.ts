// The table of scripted raw-protocol exchanges run by protocol.test.ts against the reference nats-server
// and natsts. Every case runs on a fresh set of connections to a server started with `PROFILES[profile]`
// (one server per profile and side, reused across cases).
//
// Step semantics (see protocol.test.ts for the runner):
// - `c` picks the connection (default 1). A connection is opened on first use and its INFO line is read.
// - `send` writes the bytes (latin1 string or Buffer), optionally in `chunk`-byte pieces.
// - `wait` decides what to read next on that connection:
//     "pong"      until as many PONG\r\n as the send has PING lines (default when the send ends with PING)
//     "quiet"     until 150 ms without data (default otherwise)
//     "close"     until the server closes the connection
//     "line"      one line
//     {text}      up to and including the text
//     {pongs}     until that many PONG\r\n
//     "none"      read nothing now
//   Every wait also ends when the server closes the connection, and at its time bound (`timeoutMs`).
// - At the end every connection still open gets a final `PING\r\n` and its replies up to PONG are read;
//   the transcript ends with whether each connection was closed by the server.
// `ref` states what the case is meant to exercise; it is checked against the reference server's transcript
// (so a wrong table entry is caught), while natsts is compared to the reference byte-for-byte.

export type ProfileName = "default" | "maxPayload" | "maxSubs" | "auth" | "maxConns" | "maxControlLine";

export interface Profile {
  /** Configuration file text, if any. */
  readonly config?: string;
  readonly about: string;
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  default: { about: "no configuration file" },
  maxPayload: { config: "max_payload: 64\n", about: "max_payload: 64" },
  maxSubs: { config: "max_subscriptions: 3\n", about: "max_subscriptions: 3" },
  auth: {
    config: "authorization {\n  user: a\n  password: b\n  timeout: 1\n}\n",
    about: "authorization { user: a, password: b, timeout: 1 }",
  },
  maxConns: { config: "max_connections: 1\n", about: "max_connections: 1" },
  maxControlLine: { config: "max_control_line: 256\n", about: "max_control_line: 256" },
};

export type Wait =
  | "pong"
  | "quiet"
  | "close"
  | "line"
  | "none"
  | { readonly text: string }
  | { readonly pongs: number };

export interface Step {
  readonly c?: number;
  readonly send?: string | Buffer;
  readonly chunk?: number;
  readonly wait?: Wait;
  readonly timeoutMs?: number;
  /** Close this connection from the client side (after any send). */
  readonly closeLocal?: boolean;
  /** Pause before the step. */
  readonly sleepMs?: number;
}

export interface RefExpectation {
  /** Texts (raw bytes as latin1) that must occur in what the reference sent, in order. */
  readonly contains?: readonly string[];
  /** Texts that must not occur. */
  readonly absent?: readonly string[];
  /** Whether the server closed each connection (by number); a boolean is about connection 1. */
  readonly closed?: boolean | Readonly<Record<number, boolean>>;
}

export interface Case {
  readonly name: string;
  readonly profile: ProfileName;
  readonly steps: readonly Step[];
  readonly ref: RefExpectation;
  /** Extra masking for legitimately random parts (e.g. which queue member got a message). */
  readonly mask?: ReadonlyArray<readonly [RegExp, string]>;
  /** Upper bound for the whole case per side, default 8000 ms. */
  readonly timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------------
// Builders

const CRLF = "\r\n";

/** `CONNECT <json>\r\n` with the fields in the given order. */
export function connect(fields: Readonly<Record<string, unknown>>): string {
  return `CONNECT ${JSON.stringify(fields)}${CRLF}`;
}

/** `PUB subject [reply] <n>\r\n<payload>\r\n` */
export function pub(subject: string, payload: string, reply?: string): string {
  const n = Buffer.byteLength(payload, "latin1");
  return `PUB ${subject}${reply === undefined ? "" : ` ${reply}`} ${n}${CRLF}${payload}${CRLF}`;
}

/** A header block: `NATS/1.0[ status]\r\n(Key: Value\r\n)*\r\n` */
export function headers(lines: readonly string[], status = ""): string {
  return `NATS/1.0${status === "" ? "" : ` ${status}`}${CRLF}${lines.map((l) => l + CRLF).join("")}${CRLF}`;
}

/** `HPUB subject [reply] <hdr> <total>\r\n<hdr><payload>\r\n` */
export function hpub(subject: string, hdr: string, payload: string, reply?: string): string {
  const h = Buffer.byteLength(hdr, "latin1");
  const t = h + Buffer.byteLength(payload, "latin1");
  return `HPUB ${subject}${reply === undefined ? "" : ` ${reply}`} ${h} ${t}${CRLF}${hdr}${payload}${CRLF}`;
}

export const PING = `PING${CRLF}`;
/** Typical quiet client: no +OK, no subject checks. */
export const CONN = connect({ verbose: false, pedantic: false });
/** Quiet client with headers and no_responders (what nats.js / nats.go send, minus protocol). */
export const CONN_H = connect({ verbose: false, pedantic: false, headers: true, no_responders: true });

const ERR_UNKNOWN = "-ERR 'Unknown Protocol Operation'\r\n";
const ERR_AUTH = "-ERR 'Authorization Violation'\r\n";
const ERR_SUBJECT = "-ERR 'Invalid Subject'\r\n";
const ERR_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";
const ERR_MAX_PAYLOAD = "-ERR 'Maximum Payload Violation'\r\n";
const ERR_CONTROL_LINE = "-ERR 'maximum control line exceeded'\r\n";
const OK = "+OK\r\n";
const PONG = "PONG\r\n";

function repeat(s: string, n: number): string {
  return s.repeat(n);
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_v, i) => i)).toString("latin1");
const BIG = Array.from({ length: 200_000 }, (_v, i) => String.fromCharCode(97 + (i % 26))).join("");

// Cases that must be answered by a protocol error and a close: one send, wait for the close.
function closing(name: string, send: string, err: string | null, profile: ProfileName = "default", prefix = CONN): Case {
  return {
    name,
    profile,
    steps: [{ send: prefix + send, wait: "close" }],
    ref: err === null ? { closed: true, absent: ["-ERR", "PONG"] } : { contains: [err], closed: true },
  };
}

// ---------------------------------------------------------------------------------------------------
// The table

export const CASES: readonly Case[] = [
  // --- INFO and handshake ----------------------------------------------------------------------
  { name: "info: first line on connect, then PING/PONG", profile: "default",
    steps: [{ send: PING }], ref: { contains: ["INFO {", "} \r\n", PONG], closed: false } },
  { name: "info: max_payload from config", profile: "maxPayload",
    steps: [{ send: PING }], ref: { contains: ['"max_payload":64', PONG], closed: false } },
  { name: "info: auth_required", profile: "auth",
    steps: [{ send: connect({ verbose: false, user: "a", pass: "b" }) + PING }],
    ref: { contains: ['"auth_required":true', PONG], closed: false } },
  { name: "handshake: typical client CONNECT (protocol 1, headers) gets PONG then an INFO with connect_info", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: false, tls_required: false, name: "app", lang: "nats.js", version: "3.0.0", protocol: 1, echo: true, headers: true, no_responders: true }) + PING },
      { send: PING }],
    ref: { contains: [PONG, '"connect_info":true', PONG], closed: false } },

  // --- CONNECT variants ------------------------------------------------------------------------
  { name: "connect: empty object (verbose defaults to true)", profile: "default",
    steps: [{ send: "CONNECT {}\r\n" + PING }], ref: { contains: [OK, PONG], closed: false } },
  { name: "connect: verbose false", profile: "default",
    steps: [{ send: connect({ verbose: false }) + PING }], ref: { contains: [PONG], absent: [OK], closed: false } },
  { name: "connect: verbose true gives +OK for CONNECT, SUB, PUB, HPUB, UNSUB; none for PING/PONG", profile: "default",
    steps: [
      { send: connect({ verbose: true, headers: true }), wait: { text: OK } },
      { send: "SUB foo 1\r\n", wait: { text: OK } },
      { send: pub("foo", "hi"), wait: { text: OK } },
      { send: hpub("foo", headers(["A: B"]), "hi"), wait: { text: OK } },
      { send: "UNSUB 1\r\n", wait: { text: OK } },
      { send: "PONG\r\n" + PING },
      { send: pub("foo", "x") + PING },
    ],
    ref: { contains: [OK, OK, OK, "MSG foo 1 2\r\nhi\r\n", OK, "HMSG foo 1 18 20\r\n", OK, PONG, OK, PONG], closed: false } },
  { name: "connect: pedantic + verbose on a good PUB", profile: "default",
    steps: [{ send: connect({ verbose: true, pedantic: true }) + pub("foo.bar", "x") + PING }],
    ref: { contains: [OK, OK, PONG], closed: false } },
  { name: "connect: protocol 0", profile: "default",
    steps: [{ send: connect({ verbose: false, protocol: 0 }) + PING }, { send: PING }],
    ref: { contains: [PONG, PONG], absent: ["connect_info"], closed: false } },
  { name: "connect: protocol 1 (INFO after the first PONG only)", profile: "default",
    steps: [{ send: connect({ verbose: false, protocol: 1 }) + PING }, { send: PING }],
    ref: { contains: [PONG, '"connect_info":true', PONG], closed: false } },
  { name: "connect: protocol 1 sent alone, PING later", profile: "default",
    steps: [{ send: connect({ verbose: false, protocol: 1 }), wait: "quiet" }, { send: PING }],
    ref: { contains: [PONG, '"connect_info":true'], closed: false } },
  closing("connect: protocol 2", "", "-ERR 'invalid client protocol'\r\n", "default", connect({ verbose: false, protocol: 2 })),
  closing("connect: protocol -1", "", "-ERR 'invalid client protocol'\r\n", "default", connect({ verbose: false, protocol: -1 })),
  closing("connect: no_responders without headers", PING, "-ERR 'no responders requires headers support'\r\n", "default",
    connect({ verbose: false, headers: false, no_responders: true })),
  closing("connect: bad JSON", PING, null, "default", "CONNECT {bad}\r\n"),
  closing("connect: no argument", PING, null, "default", "CONNECT\r\n"),
  closing("connect: JSON array", PING, null, "default", "CONNECT []\r\n"),
  closing("connect: wrong field type", PING, null, "default", 'CONNECT {"verbose":"yes"}\r\n'),
  closing("connect: trailing garbage after JSON", PING, null, "default", 'CONNECT {"verbose":false} junk\r\n'),
  { name: "connect: unknown fields ignored", profile: "default",
    steps: [{ send: 'CONNECT {"verbose":false,"foo":1,"bar":{"x":[1,2]},"lang":"x","version":"0"}\r\n' + PING }],
    ref: { contains: [PONG], closed: false } },
  { name: "connect: second CONNECT changes options", profile: "default",
    steps: [{ send: connect({ verbose: false }) + PING }, { send: connect({ verbose: true }) + PING }],
    ref: { contains: [PONG, OK, PONG], closed: false } },
  { name: "connect: echo false suppresses own messages, others still delivered", profile: "default",
    steps: [
      { send: connect({ verbose: false, echo: false }) + "SUB foo 1\r\n" + pub("foo", "self") + PING },
      { c: 2, send: CONN + pub("foo", "other") + PING },
      { send: PING },
    ],
    ref: { contains: ["MSG foo 1 5\r\nother\r\n"], absent: ["self"], closed: { 1: false, 2: false } } },
  { name: "connect: echo true (default) delivers own messages", profile: "default",
    steps: [{ send: connect({ verbose: false, echo: true }) + "SUB foo 1\r\n" + pub("foo", "self") + PING }],
    ref: { contains: ["MSG foo 1 4\r\nself\r\n", PONG], closed: false } },

  // --- Without CONNECT (telnet style, defaults verbose+pedantic) -------------------------------
  { name: "no connect: SUB/PUB work and get +OK", profile: "default",
    steps: [{ send: "SUB foo 1\r\n" + pub("foo", "hi") + PING }],
    ref: { contains: [OK, OK, "MSG foo 1 2\r\nhi\r\n", PONG], closed: false } },
  { name: "no connect: pedantic by default (invalid publish subject)", profile: "default",
    steps: [{ send: pub("foo.*", "x") + PING }], ref: { contains: [ERR_PUB_SUBJECT, PONG], closed: false } },

  // --- PUB / SUB / MSG -------------------------------------------------------------------------
  { name: "pub/sub: basic", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "hello") + PING }],
    ref: { contains: ["MSG foo 1 5\r\nhello\r\n", PONG], closed: false } },
  { name: "pub/sub: reply subject", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "hello", "bar.baz") + PING }],
    ref: { contains: ["MSG foo 1 bar.baz 5\r\nhello\r\n"], closed: false } },
  { name: "pub/sub: empty payload", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "") + PING }],
    ref: { contains: ["MSG foo 1 0\r\n\r\n"], closed: false } },
  { name: "pub/sub: payload containing CRLF and PING text", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "a\r\nPING\r\nb") + PING, wait: { pongs: 1 } }],
    ref: { contains: ["MSG foo 1 10\r\na\r\nPING\r\nb\r\n", PONG], closed: false } },
  { name: "pub/sub: all 256 byte values in the payload", profile: "default",
    steps: [{ send: CONN + "SUB bin 1\r\n" + pub("bin", ALL_BYTES) + PING }],
    ref: { contains: ["MSG bin 1 256\r\n"], closed: false } },
  { name: "pub/sub: 200000-byte payload", profile: "default",
    steps: [{ send: CONN + "SUB big 1\r\n" + pub("big", BIG) + PING, timeoutMs: 4000 }],
    ref: { contains: ["MSG big 1 200000\r\n", PONG], closed: false } },
  { name: "pub/sub: exchange written one byte at a time", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\n" + pub("foo", "hello", "r") + hpub("foo", headers(["K: V"]), "p") + PING, chunk: 1 }],
    ref: { contains: ["MSG foo 1 r 5\r\nhello\r\n", "HMSG foo 1 18 19\r\nNATS/1.0\r\nK: V\r\n\r\np\r\n", PONG], closed: false } },
  { name: "pub/sub: 100 pipelined PUBs in one write", profile: "default",
    steps: [{ send: CONN + "SUB p 1\r\n" + Array.from({ length: 100 }, (_v, i) => pub("p", String(i))).join("") + PING }],
    ref: { contains: ["MSG p 1 1\r\n0\r\n", "MSG p 1 2\r\n99\r\n", PONG], closed: false } },
  { name: "pub/sub: wildcards * and >", profile: "default",
    steps: [{ send: CONN + "SUB foo.* 1\r\nSUB bar.> 2\r\n" + pub("foo.x", "a") + pub("bar.x.y", "b") +
      pub("foo.x.y", "c") + pub("bar", "d") + pub("foo", "e") + pub("bar.z", "f") + PING }],
    ref: { contains: ["MSG foo.x 1 1\r\na\r\n", "MSG bar.x.y 2 1\r\nb\r\n", "MSG bar.z 2 1\r\nf\r\n"], absent: ["c\r\n", "d\r\n", "e\r\n"] } },
  { name: "pub/sub: subscriber and publisher on different connections", profile: "default",
    steps: [
      { c: 1, send: CONN + "SUB foo 1\r\n" + PING },
      { c: 2, send: CONN + pub("foo", "x", "r") + PING },
      { c: 1, send: PING },
    ],
    ref: { contains: ["MSG foo 1 r 1\r\nx\r\n"], closed: { 1: false, 2: false } } },
  { name: "pub/sub: non-pedantic publish to a wildcard subject", profile: "default",
    steps: [{ send: CONN + "SUB foo.* 1\r\nSUB foo.bar 2\r\n" + pub("foo.*", "x") + pub("foo..bar", "y") + PING }],
    ref: { contains: ["MSG foo.* 1 1\r\nx\r\n", PONG], closed: false } },
  { name: "pub/sub: odd but accepted subject bytes", profile: "default",
    steps: [{ send: CONN + "SUB f\x00o 1\r\nSUB f\xe9 2\r\nSUB f\x0co 3\r\n" + pub("f\x00o", "a") + pub("f\xe9", "b") + pub("f\x0co", "c") + PING }],
    ref: { contains: ["MSG f\x00o 1 1\r\na\r\n", "MSG f\xe9 2 1\r\nb\r\n", "MSG f\x0co 3 1\r\nc\r\n"], closed: false } },

  // --- UNSUB -----------------------------------------------------------------------------------
  { name: "unsub: removes the subscription", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "a") + "UNSUB 1\r\n" + pub("foo", "b") + PING }],
    ref: { contains: ["MSG foo 1 1\r\na\r\n", PONG], absent: ["b\r\n"], closed: false } },
  { name: "unsub: max 2 then 3 publishes deliver 2", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\nUNSUB 1 2\r\n" + pub("foo", "a") + pub("foo", "b") + pub("foo", "c") + PING },
      { send: pub("foo", "d") + PING }],
    ref: { contains: ["MSG foo 1 1\r\na\r\n", "MSG foo 1 1\r\nb\r\n", PONG, PONG], absent: ["c\r\n", "d\r\n"], closed: false } },
  { name: "unsub: max already reached removes at once", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", "a") + pub("foo", "b") + PING },
      { send: "UNSUB 1 1\r\n" + pub("foo", "c") + PING }],
    ref: { contains: ["a\r\n", "b\r\n", PONG, PONG], absent: ["c\r\n"], closed: false } },
  ...([["0", "max 0"], ["abc", "non-numeric max"], ["-1", "negative max"]] as const).map(([max, what]): Case => ({
    name: `unsub: ${what} acts as a plain UNSUB`, profile: "default",
    steps: [{ send: CONN + `SUB a 1\r\nUNSUB 1 ${max}\r\n` + pub("a", "1") + PING }],
    ref: { contains: [PONG], absent: ["MSG"], closed: false },
  })),
  { name: "unsub: unknown sid is silently accepted (+OK when verbose)", profile: "default",
    steps: [{ send: connect({ verbose: true }) + "UNSUB 99\r\n" + PING }], ref: { contains: [OK, OK, PONG], closed: false } },
  { name: "unsub: max across connections", profile: "default",
    steps: [
      { c: 1, send: CONN + "SUB foo 7\r\nUNSUB 7 1\r\n" + PING },
      { c: 2, send: CONN + pub("foo", "1") + pub("foo", "2") + PING },
      { c: 1, send: PING },
    ],
    ref: { contains: ["MSG foo 7 1\r\n1\r\n"], absent: ["MSG foo 7 1\r\n2"], closed: { 1: false, 2: false } } },
  closing("unsub: no sid", "UNSUB\r\n", ERR_UNKNOWN),
  closing("unsub: three arguments", "UNSUB 1 2 3\r\n", null),

  // --- SUB details -----------------------------------------------------------------------------
  { name: "sub: re-SUB with the same sid keeps the first subscription", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\nSUB bar 1\r\n" + pub("foo", "a") + pub("bar", "b") + PING }],
    ref: { contains: ["MSG foo 1 1\r\na\r\n", PONG], absent: ["MSG bar"], closed: false } },
  { name: "sub: sid reused after UNSUB", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\nUNSUB 1\r\nSUB bar 1\r\n" + pub("foo", "a") + pub("bar", "b") + PING }],
    ref: { contains: ["MSG bar 1 1\r\nb\r\n"], absent: ["MSG foo"], closed: false } },
  { name: "sub: non-numeric sid", profile: "default",
    steps: [{ send: CONN + "SUB foo abc\r\n" + pub("foo", "a") + PING }],
    ref: { contains: ["MSG foo abc 1\r\na\r\n"], closed: false } },
  ...["foo..bar", "foo.>.bar", ".foo", "foo.", ".", ">.foo"].map((subject): Case => ({
    name: `sub: invalid subject ${JSON.stringify(subject)}`, profile: "default",
    steps: [{ send: CONN + `SUB ${subject} 1\r\n` + PING }],
    ref: { contains: [ERR_SUBJECT, PONG], closed: false },
  })),
  { name: "sub: invalid subject with verbose (+OK for CONNECT only)", profile: "default",
    steps: [{ send: connect({ verbose: true }) + "SUB foo..bar 1\r\n" + PING }],
    ref: { contains: [OK, ERR_SUBJECT, PONG], closed: false } },
  { name: "sub: valid wildcard-only subjects", profile: "default",
    steps: [{ send: CONN + "SUB > 1\r\nSUB * 2\r\nSUB a.*.> 3\r\nSUB foo*.bar 4\r\n" + PING }],
    ref: { contains: [PONG], absent: ["-ERR"], closed: false } },
  closing("sub: empty subject (one argument)", "SUB  1\r\n", null),
  closing("sub: no arguments", "SUB\r\n", ERR_UNKNOWN),
  closing("sub: four arguments", "SUB foo q 1 x\r\n", null),
  ...["q.>", "q..b", ".q", "q.", ">", "*", "q\x0cx", "q\x00"].map((queue): Case => ({
    name: `sub: queue name ${JSON.stringify(queue)} is accepted and works`, profile: "default",
    steps: [{ send: CONN + `SUB foo ${queue} 1\r\n` + pub("foo", "x") + PING }],
    ref: { contains: ["MSG foo 1 1\r\nx\r\n", PONG], absent: ["-ERR"], closed: false },
  })),
  { name: "sub: queue names with pedantic", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: true }) + "SUB foo q.> 1\r\nSUB foo * 2\r\nSUB foo q..b 3\r\n" + PING }],
    ref: { contains: [PONG], absent: ["-ERR"], closed: false } },

  // --- Queue groups ----------------------------------------------------------------------------
  { name: "queue: single member gets every message", profile: "default",
    steps: [{ send: CONN + "SUB foo q 1\r\n" + pub("foo", "a") + pub("foo", "b") + PING }],
    ref: { contains: ["MSG foo 1 1\r\na\r\n", "MSG foo 1 1\r\nb\r\n"], closed: false } },
  { name: "queue: two members on one connection, each message once (sid masked)", profile: "default",
    mask: [[/MSG foo [12] /g, "MSG foo <sid> "]],
    steps: [{ send: CONN + "SUB foo q 1\r\nSUB foo q 2\r\n" + Array.from({ length: 10 }, (_v, i) => pub("foo", String(i))).join("") + PING }],
    ref: { contains: ["0\r\n", "9\r\n", PONG], closed: false } },
  { name: "queue: two groups and a plain subscriber each get one copy", profile: "default",
    steps: [
      { c: 1, send: CONN + "SUB foo g1 1\r\n" + PING },
      { c: 2, send: CONN + "SUB foo g2 1\r\n" + PING },
      { c: 3, send: CONN + "SUB foo 1\r\n" + PING },
      { c: 4, send: CONN + pub("foo", "x") + PING },
      { c: 1, send: PING }, { c: 2, send: PING }, { c: 3, send: PING },
    ],
    ref: { contains: ["MSG foo 1 1\r\nx\r\n"], closed: { 1: false, 2: false, 3: false, 4: false } } },
  { name: "queue: unsubscribed member no longer receives", profile: "default",
    steps: [{ send: CONN + "SUB foo q 1\r\nSUB foo q 2\r\nUNSUB 1\r\n" + pub("foo", "a") + pub("foo", "b") + PING }],
    ref: { contains: ["MSG foo 2 1\r\na\r\n", "MSG foo 2 1\r\nb\r\n"], closed: false } },

  // --- PING / PONG -----------------------------------------------------------------------------
  { name: "ping: three PINGs in one write", profile: "default",
    steps: [{ send: PING + PING + PING }], ref: { contains: [PONG, PONG, PONG], closed: false } },
  { name: "ping: PONG from the client gets no reply", profile: "default",
    steps: [{ send: "PONG\r\n", wait: "quiet" }, { send: PING }], ref: { contains: [PONG], closed: false } },
  { name: "ping: trailing text after PING/PONG is ignored", profile: "default",
    steps: [{ send: "PING foo\r\nPINGX\r\nPONGX\r\n" + PING }], ref: { contains: [PONG, PONG, PONG], closed: false } },
  closing("ping: truncated op PIN", "PIN\r\n", ERR_UNKNOWN),

  // --- Case and whitespace ---------------------------------------------------------------------
  { name: "syntax: lower-case ops", profile: "default",
    steps: [{ send: 'connect {"verbose":false,"headers":true}\r\nsub foo 1\r\npub foo 2\r\nhi\r\nhpub foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nunsub 1\r\npub foo 1\r\nx\r\nping\r\n' }],
    ref: { contains: ["MSG foo 1 2\r\nhi\r\n", "HMSG foo 1 12 14\r\n", PONG], closed: false } },
  { name: "syntax: mixed-case ops", profile: "default",
    steps: [{ send: 'CoNnEcT {"verbose":false,"headers":true}\r\nSuB foo 1\r\npUb foo 2\r\nhi\r\nHpUb foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\npOnG\r\nUnSuB 1\r\nPiNg\r\n' }],
    ref: { contains: ["MSG foo 1 2\r\nhi\r\n", "HMSG foo 1 12 14\r\n", PONG], closed: false } },
  { name: "syntax: LF-only control lines", profile: "default",
    steps: [{ send: '{"verbose":false}'.replace(/^/, "CONNECT ") + "\nSUB foo 1\nPUB foo 2\nhi\r\nPING\n" }],
    ref: { contains: ["MSG foo 1 2\r\nhi\r\n", PONG], closed: false } },
  closing("syntax: LF-only after a payload", "SUB foo 1\nPUB foo 2\nhi\nPING\n", ERR_UNKNOWN),
  { name: "syntax: TAB separators", profile: "default",
    steps: [{ send: 'CONNECT\t{"verbose":false}\r\nSUB\tfoo\tq\t1\r\nPUB\tfoo\tr\t2\r\nhi\r\nUNSUB\t1\t5\r\nPING\r\n' }],
    ref: { contains: ["MSG foo 1 r 2\r\nhi\r\n", PONG], closed: false } },
  { name: "syntax: multiple spaces and trailing spaces", profile: "default",
    steps: [{ send: CONN + "SUB   foo    1  \r\nPUB  foo   r   2 \r\nhi\r\nUNSUB  1   \r\nPING\r\n" }],
    ref: { contains: ["MSG foo 1 r 2\r\nhi\r\n", PONG], closed: false } },
  { name: "syntax: mixed TAB and spaces", profile: "default",
    steps: [{ send: CONN + "SUB \t foo\t \t1\r\nPUB\t foo \t2\r\nhi\r\nPING\r\n" }],
    ref: { contains: ["MSG foo 1 2\r\nhi\r\n", PONG], closed: false } },
  closing("syntax: leading space before the op", " PING\r\n", ERR_UNKNOWN),

  // --- Headers ---------------------------------------------------------------------------------
  { name: "headers: HPUB delivered as HMSG", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\n" + hpub("foo", headers(["A: B", "A: C", "Long-Key: some value"]), "hello") + PING }],
    ref: { contains: ["HMSG foo 1 46 51\r\nNATS/1.0\r\nA: B\r\nA: C\r\nLong-Key: some value\r\n\r\nhello\r\n"], closed: false } },
  { name: "headers: HPUB with reply", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\n" + hpub("foo", headers(["A: B"]), "x", "rep") + PING }],
    ref: { contains: ["HMSG foo 1 rep 18 19\r\nNATS/1.0\r\nA: B\r\n\r\nx\r\n"], closed: false } },
  { name: "headers: header only, minimal 12-byte block", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\n" + hpub("foo", headers([]), "") + PING }],
    ref: { contains: ["HMSG foo 1 12 12\r\nNATS/1.0\r\n\r\n\r\n"], closed: false } },
  { name: "headers: status line passes through", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\n" + hpub("foo", headers(["X: y"], "503 No Responders"), "") + PING }],
    ref: { contains: ["HMSG foo 1 ", "NATS/1.0 503 No Responders\r\n"], closed: false } },
  { name: "headers: header size 0 is delivered as MSG", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\nHPUB foo 0 5\r\nhello\r\n" + PING }],
    ref: { contains: ["MSG foo 1 5\r\nhello\r\n"], closed: false } },
  { name: "headers: header block content is not validated", profile: "default",
    steps: [{ send: CONN_H + "SUB foo 1\r\nHPUB foo 5 5\r\nhello\r\nHPUB foo 2 5\r\nhello\r\n" + PING }],
    ref: { contains: ["HMSG foo 1 5 5\r\nhello\r\n", "HMSG foo 1 2 5\r\nhello\r\n"], closed: false } },
  { name: "headers: stripped for a subscriber with headers:false", profile: "default",
    steps: [
      { c: 1, send: connect({ verbose: false, headers: false }) + "SUB foo 1\r\n" + PING },
      { c: 2, send: CONN_H + hpub("foo", headers(["A: B"]), "hello", "r") + hpub("foo", headers([]), "") + PING },
      { c: 1, send: PING },
    ],
    ref: { contains: ["MSG foo 1 r 5\r\nhello\r\n", "MSG foo 1 0\r\n\r\n"], absent: ["HMSG"], closed: { 1: false, 2: false } } },
  { name: "headers: stripped for a subscriber that never sent CONNECT", profile: "default",
    steps: [
      { c: 1, send: "SUB foo 1\r\n" + PING },
      { c: 2, send: CONN_H + hpub("foo", headers(["A: B"]), "hello") + PING },
      { c: 1, send: PING },
    ],
    ref: { contains: ["MSG foo 1 5\r\nhello\r\n"], absent: ["HMSG"], closed: { 1: false, 2: false } } },
  closing("headers: HPUB without headers negotiated", "SUB foo 1\r\n" + hpub("foo", headers([]), "hi") + PING, null, "default",
    connect({ verbose: false, headers: false })),
  closing("headers: HPUB before CONNECT", hpub("foo", headers([]), "hi") + PING, null, "default", ""),
  closing("headers: header size larger than total", "HPUB foo 20 10\r\n", null, "default", CONN_H),
  closing("headers: negative header size", "HPUB foo -1 5\r\n", null, "default", CONN_H),
  closing("headers: negative total size", "HPUB foo 5 -1\r\n", null, "default", CONN_H),
  closing("headers: non-numeric header size", "HPUB foo a 12\r\n", null, "default", CONN_H),
  closing("headers: total size missing", "HPUB foo 12\r\n", null, "default", CONN_H),
  closing("headers: payload longer than total", "HPUB foo 12 12\r\nNATS/1.0\r\n\r\nxyz\r\n", ERR_UNKNOWN, "default", CONN_H),

  // --- No responders ---------------------------------------------------------------------------
  { name: "no responders: 503 HMSG exact bytes", profile: "default",
    steps: [{ send: CONN_H + "SUB inbox.1 1\r\n" + pub("svc.none", "", "inbox.1") + PING }],
    ref: { contains: ["HMSG inbox.1 1 40 40\r\nNATS/1.0 503\r\nNats-Subject: svc.none\r\n\r\n\r\n", PONG], closed: false } },
  { name: "no responders: request with payload still gets an empty 503", profile: "default",
    steps: [{ send: CONN_H + "SUB inbox 1\r\n" + pub("nobody", "hello", "inbox") + PING }],
    ref: { contains: ["HMSG inbox 1 38 38\r\nNATS/1.0 503\r\nNats-Subject: nobody\r\n\r\n\r\n"], closed: false } },
  { name: "no responders: HPUB request", profile: "default",
    steps: [{ send: CONN_H + "SUB inbox 1\r\n" + hpub("nobody", headers(["A: B"]), "x", "inbox") + PING }],
    ref: { contains: ["HMSG inbox 1 38 38\r\nNATS/1.0 503\r\n"], closed: false } },
  { name: "no responders: own subscription does not count with echo false", profile: "default",
    steps: [{ send: connect({ verbose: false, headers: true, no_responders: true, echo: false }) + "SUB inbox 1\r\nSUB svc 2\r\n" + pub("svc", "", "inbox") + PING }],
    ref: { contains: ["HMSG inbox 1 35 35\r\nNATS/1.0 503\r\nNats-Subject: svc\r\n\r\n\r\n"], closed: false } },
  { name: "no responders: responder on another connection", profile: "default",
    steps: [
      { c: 2, send: CONN + "SUB svc 1\r\n" + PING },
      { c: 1, send: CONN_H + "SUB inbox 1\r\n" + pub("svc", "q", "inbox") + PING },
      { c: 2, send: PING },
    ],
    ref: { contains: ["MSG svc 1 inbox 1\r\nq\r\n"], absent: ["503"], closed: { 1: false, 2: false } } },
  { name: "no responders: not requested (no_responders false)", profile: "default",
    steps: [{ send: connect({ verbose: false, headers: true, no_responders: false }) + "SUB inbox 1\r\n" + pub("nobody", "", "inbox") + PING }],
    ref: { contains: [PONG], absent: ["HMSG"], closed: false } },
  { name: "no responders: no reply subject, nothing sent", profile: "default",
    steps: [{ send: CONN_H + "SUB inbox 1\r\n" + pub("nobody", "") + PING }],
    ref: { contains: [PONG], absent: ["HMSG"], closed: false } },
  { name: "no responders: requester not subscribed to the reply", profile: "default",
    steps: [{ send: CONN_H + pub("nobody", "", "inbox") + PING }],
    ref: { contains: [PONG], absent: ["HMSG"], closed: false } },

  // --- Pedantic --------------------------------------------------------------------------------
  { name: "pedantic: invalid publish subjects get -ERR, connection stays", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: true }) + ["foo.*", "foo.>", "foo..bar", ".foo", "foo.", "*", ">", "foo*.bar"].map((s) => pub(s, "")).join("") + PING }],
    ref: { contains: [ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, PONG], closed: false } },
  { name: "pedantic: invalid publish subject with verbose (-ERR then +OK)", profile: "default",
    steps: [{ send: connect({ verbose: true, pedantic: true }) + pub("foo.*", "") + PING }],
    ref: { contains: [OK, ERR_PUB_SUBJECT, OK, PONG], closed: false } },
  { name: "pedantic: invalid publish subject is still delivered after the -ERR", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: true }) + "SUB foo.* 1\r\n" + pub("foo.*", "x") + PING }],
    ref: { contains: [ERR_PUB_SUBJECT, "MSG foo.* 1 1\r\nx\r\n", PONG], closed: false } },

  // --- Bad input: garbage and unknown ops ------------------------------------------------------
  closing("bad: NUL and control bytes", "\x00\x01\x02\r\n", ERR_UNKNOWN),
  closing("bad: high bytes", "\xff\xfe\xfd\r\n", ERR_UNKNOWN),
  closing("bad: words", "hello world\r\n", ERR_UNKNOWN),
  closing("bad: empty line CRLF", "\r\n", ERR_UNKNOWN),
  closing("bad: empty line LF", "\n", ERR_UNKNOWN),
  closing("bad: unknown op FOO", "FOO bar\r\n", ERR_UNKNOWN),
  closing("bad: PUBX", "PUBX foo 1\r\n", ERR_UNKNOWN),
  closing("bad: CONNECTX", 'CONNECTX {"verbose":false}\r\n', null),
  closing("bad: MSG from a client", "MSG foo 1 2\r\nhi\r\n", ERR_UNKNOWN),
  closing("bad: HMSG from a client", "HMSG foo 1 2 2\r\nhi\r\n", ERR_UNKNOWN),
  closing("bad: route op RS+", "RS+ $G foo\r\n", ERR_UNKNOWN),
  closing("bad: route op RS-", "RS- $G foo\r\n", ERR_UNKNOWN),
  closing("bad: route op RMSG", "RMSG $G foo 2\r\nhi\r\n", ERR_UNKNOWN),
  closing("bad: leaf op LS+", "LS+ foo\r\n", ERR_UNKNOWN),
  closing("bad: leaf op LS-", "LS- foo\r\n", ERR_UNKNOWN),
  closing("bad: leaf op LMSG", "LMSG foo 2\r\nhi\r\n", ERR_UNKNOWN),
  closing("bad: gateway op A+", "A+ $G foo\r\n", ERR_UNKNOWN),
  closing("bad: gateway op A-", "A- $G foo\r\n", ERR_UNKNOWN),
  closing("bad: -ERR from a client closes silently", "-ERR 'x'\r\n" + PING, null),
  { name: "client INFO and +OK are accepted and ignored", profile: "default",
    steps: [{ send: CONN + 'INFO {"server_id":"x"}\r\n+OK\r\n' + PING }], ref: { contains: [PONG], closed: false } },

  // --- Bad input: control line length ----------------------------------------------------------
  closing("control line: PUB over 4096 bytes with newline", `PUB ${repeat("a", 5000)} 0\r\n\r\n`, ERR_CONTROL_LINE),
  closing("control line: PUB over 4096 bytes without newline", `PUB ${repeat("a", 5000)}`, ERR_CONTROL_LINE),
  closing("control line: SUB over 4096 bytes", `SUB ${repeat("a", 5000)} 1\r\n`, ERR_CONTROL_LINE),
  closing("control line: UNSUB over 4096 bytes", `UNSUB ${repeat("1", 5000)}\r\n`, ERR_CONTROL_LINE),
  closing("control line: CONNECT over 4096 bytes", `CONNECT {"name":"${repeat("n", 5000)}"}\r\n`, ERR_CONTROL_LINE, "default", ""),
  { name: "control line: PING with 5000 bytes of trailing text is not limited", profile: "default",
    steps: [{ send: `PING ${repeat("a", 5000)}\r\n` }], ref: { contains: [PONG], closed: false } },
  { name: "control line: 4000-byte subject is fine", profile: "default",
    steps: [{ send: CONN + `SUB ${repeat("s", 4000)} 1\r\n` + pub(repeat("s", 4000), "x") + PING }],
    ref: { contains: [`MSG ${repeat("s", 4000)} 1 1\r\nx\r\n`, PONG], closed: false } },
  { name: "max_control_line 256: 200-byte lines are fine", profile: "maxControlLine",
    steps: [{ send: CONN + `SUB ${repeat("s", 200)} 1\r\n` + pub(repeat("s", 200), "x") + PING }],
    ref: { contains: [`MSG ${repeat("s", 200)} 1 1\r\nx\r\n`, PONG], closed: false } },
  closing("max_control_line 256: 1000-byte SUB", `SUB ${repeat("s", 1000)} 1\r\n` + PING, ERR_CONTROL_LINE, "maxControlLine"),
  closing("max_control_line 256: 1000-byte PUB", `PUB ${repeat("s", 1000)} 1\r\nx\r\n` + PING, ERR_CONTROL_LINE, "maxControlLine"),
  { name: "max_control_line 256: 248 argument bytes pending, completed to 250 by a later read", profile: "maxControlLine",
    steps: [{ send: CONN + PING }, { send: `PUB ${repeat("s", 248)}`, wait: "quiet" }, { send: " 1\r\nx\r\n" + PING }],
    ref: { contains: [PONG, PONG], closed: false } },
  { name: "max_control_line 256: 256 argument bytes pending (accepted), completed to 258 by a later read", profile: "maxControlLine",
    steps: [{ send: CONN + PING }, { send: `PUB ${repeat("s", 256)}`, wait: "quiet" }, { send: " 1\r\nx\r\n" + PING, wait: "close" }],
    ref: { contains: [PONG, ERR_CONTROL_LINE], closed: true } },
  closing("max_control_line 256: unterminated line of 257 argument bytes", `PUB ${repeat("s", 257)}`, ERR_CONTROL_LINE, "maxControlLine"),

  // --- Bad input: PUB sizes and payload framing ------------------------------------------------
  closing("payload: shorter than declared", "PUB foo 5\r\nabc\r\n" + PING, ERR_UNKNOWN),
  closing("payload: longer than declared", "PUB foo 3\r\nabcdef\r\n" + PING, ERR_UNKNOWN),
  closing("payload: not followed by CRLF", "PUB foo 3\r\nabcXY", ERR_UNKNOWN),
  closing("payload: followed by LF only", "PUB foo 3\r\nabc\n" + PING, ERR_UNKNOWN),
  closing("size: negative", "PUB foo -1\r\n", null),
  closing("size: non-numeric", "PUB foo abc\r\n", null),
  closing("size: digits then letters", "PUB foo 1x\r\n", null),
  closing("size: overflow", "PUB foo 99999999999999999999\r\n", null),
  closing("pub: no arguments", "PUB\r\n", ERR_UNKNOWN),
  closing("pub: subject only", "PUB foo\r\n", null),
  closing("pub: four arguments", "PUB foo bar baz 2\r\nhi\r\n", null),
  { name: "payload: split across writes", profile: "default",
    steps: [{ send: CONN + "SUB foo 1\r\nPU", wait: "quiet" }, { send: "B foo 11\r\nhel", wait: "quiet" },
      { send: "lo wor", wait: "quiet" }, { send: "ld\r", wait: "quiet" }, { send: "\n" + PING }],
    ref: { contains: ["MSG foo 1 11\r\nhello world\r\n", PONG], closed: false } },

  // --- Limits ----------------------------------------------------------------------------------
  { name: "max_payload 64: 64 bytes accepted", profile: "maxPayload",
    steps: [{ send: CONN + "SUB foo 1\r\n" + pub("foo", repeat("x", 64)) + PING }],
    ref: { contains: [`MSG foo 1 64\r\n${repeat("x", 64)}\r\n`, PONG], closed: false } },
  closing("max_payload 64: PUB of 65 bytes", "PUB foo 65\r\n", ERR_MAX_PAYLOAD, "maxPayload"),
  closing("max_payload 64: HPUB total 65", "HPUB foo 12 65\r\n", ERR_MAX_PAYLOAD, "maxPayload", CONN_H),
  closing("max_payload 64: HPUB header alone 65", "HPUB foo 65 65\r\n", ERR_MAX_PAYLOAD, "maxPayload", CONN_H),
  { name: "max_subscriptions 3: fourth SUB refused, connection stays", profile: "maxSubs",
    steps: [{ send: CONN + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\n" + PING }, { send: pub("d", "x") + pub("c", "y") + PING }],
    ref: { contains: ["-ERR 'maximum subscriptions exceeded'\r\n", PONG, "MSG c 3 1\r\ny\r\n", PONG], absent: ["MSG d"], closed: false } },
  { name: "max_subscriptions 3: verbose", profile: "maxSubs",
    steps: [{ send: connect({ verbose: true }) + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\n" + PING }],
    ref: { contains: [OK, OK, OK, OK, "-ERR 'maximum subscriptions exceeded'\r\n", PONG], closed: false } },
  { name: "max_subscriptions 3: UNSUB frees a slot", profile: "maxSubs",
    steps: [{ send: CONN + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nUNSUB 1\r\nSUB d 4\r\nSUB e 5\r\n" + PING }],
    ref: { contains: ["-ERR 'maximum subscriptions exceeded'\r\n", PONG], closed: false } },
  { name: "max_subscriptions 3: re-SUB of an existing sid at the limit", profile: "maxSubs",
    steps: [{ send: CONN + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB a 1\r\n" + PING }],
    ref: { contains: ["-ERR 'maximum subscriptions exceeded'\r\n", PONG], closed: false } },
  { name: "max_connections 1: second connection gets INFO then -ERR and is closed", profile: "maxConns",
    steps: [
      { c: 1, send: CONN + PING },
      { c: 2, wait: "close" },
      { c: 1, send: PING },
    ],
    ref: { contains: ["-ERR 'maximum connections exceeded'\r\n"], closed: { 1: false, 2: true } } },

  // --- Authorization ---------------------------------------------------------------------------
  closing("auth: PUB without CONNECT", pub("foo", "hi"), ERR_AUTH, "auth", ""),
  closing("auth: PING without CONNECT", PING, ERR_AUTH, "auth", ""),
  closing("auth: unknown op without CONNECT", "FOO\r\n", ERR_AUTH, "auth", ""),
  closing("auth: CONNECT without credentials", PING, ERR_AUTH, "auth", connect({ verbose: false })),
  closing("auth: wrong password", PING, ERR_AUTH, "auth", connect({ verbose: false, user: "a", pass: "x" })),
  closing("auth: wrong user", PING, ERR_AUTH, "auth", connect({ verbose: false, user: "x", pass: "b" })),
  closing("auth: token instead of user/password", PING, ERR_AUTH, "auth", connect({ verbose: false, auth_token: "b" })),
  closing("auth: bad JSON in CONNECT", "", null, "auth", "CONNECT {bad}\r\n"),
  { name: "auth: right password (verbose)", profile: "auth",
    steps: [{ send: connect({ verbose: true, user: "a", pass: "b" }) + "SUB foo 1\r\n" + pub("foo", "hi") + PING }],
    ref: { contains: [OK, OK, OK, "MSG foo 1 2\r\nhi\r\n", PONG], closed: false } },
  { name: "auth: right password, protocol 1", profile: "auth",
    steps: [{ send: connect({ verbose: false, protocol: 1, user: "a", pass: "b" }) + PING }],
    ref: { contains: [PONG, '"connect_info":true'], closed: false } },
  { name: "auth: timeout (1 s) without CONNECT", profile: "auth", timeoutMs: 6000,
    steps: [{ wait: "close", timeoutMs: 3000 }],
    ref: { contains: ["-ERR 'Authentication Timeout'\r\n"], closed: true } },
  { name: "auth: timeout with a partial control line", profile: "auth", timeoutMs: 6000,
    steps: [{ send: "CONNECT {", wait: "close", timeoutMs: 3000 }],
    ref: { contains: ["-ERR 'Authentication Timeout'\r\n"], closed: true } },
];
