// Differential cases: configured limits (max_payload, max_subscriptions, max_connections) and authorization.

import { connect, pub, PING, CONN, CONN_H, ERR_AUTH, ERR_MAX_PAYLOAD, OK, PONG, repeat, closing } from "./builders.js";
import type { Case } from "./types.js";

/** Limits */
export const LIMITS_CASES: readonly Case[] = [
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
];

/** Authorization */
export const AUTH_CASES: readonly Case[] = [
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
