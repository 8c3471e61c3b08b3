// Differential cases: publishing, subscribing, UNSUB with and without max, queue groups and pedantic publish subjects.

import { connect, pub, headers, hpub, PING, CONN, CONN_H, ERR_UNKNOWN, ERR_SUBJECT, ERR_PUB_SUBJECT, OK, PONG, closing } from "./builders.js";
import type { Case } from "./types.js";

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_v, i) => i)).toString("latin1");
const BIG = Array.from({ length: 200_000 }, (_v, i) => String.fromCharCode(97 + (i % 26))).join("");

/** PUB / SUB / MSG */
export const PUB_SUB_CASES: readonly Case[] = [
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
];

/** UNSUB */
export const UNSUB_CASES: readonly Case[] = [
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
];

/** SUB details */
export const SUB_CASES: readonly Case[] = [
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
];

/** Queue groups */
export const QUEUE_CASES: readonly Case[] = [
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
];

/** Pedantic */
export const PEDANTIC_CASES: readonly Case[] = [
  { name: "pedantic: invalid publish subjects get -ERR, connection stays", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: true }) + ["foo.*", "foo.>", "foo..bar", ".foo", "foo.", "*", ">", "foo*.bar"].map((s) => pub(s, "")).join("") + PING }],
    ref: { contains: [ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, ERR_PUB_SUBJECT, PONG], closed: false } },
  { name: "pedantic: invalid publish subject with verbose (-ERR then +OK)", profile: "default",
    steps: [{ send: connect({ verbose: true, pedantic: true }) + pub("foo.*", "") + PING }],
    ref: { contains: [OK, ERR_PUB_SUBJECT, OK, PONG], closed: false } },
  { name: "pedantic: invalid publish subject is still delivered after the -ERR", profile: "default",
    steps: [{ send: connect({ verbose: false, pedantic: true }) + "SUB foo.* 1\r\n" + pub("foo.*", "x") + PING }],
    ref: { contains: [ERR_PUB_SUBJECT, "MSG foo.* 1 1\r\nx\r\n", PONG], closed: false } },
];
