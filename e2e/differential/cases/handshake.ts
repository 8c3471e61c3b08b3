// Differential cases: the INFO line and the CONNECT handshake, and a client that never sends CONNECT.

import { connect, pub, headers, hpub, PING, CONN, ERR_PUB_SUBJECT, OK, PONG, closing } from "./builders.js";
import type { Case } from "./types.js";

/** INFO and handshake */
export const HANDSHAKE_CASES: readonly Case[] = [
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
];

/** CONNECT variants */
export const CONNECT_CASES: readonly Case[] = [
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
];

/** Without CONNECT (telnet style, defaults verbose+pedantic) */
export const NO_CONNECT_CASES: readonly Case[] = [
  { name: "no connect: SUB/PUB work and get +OK", profile: "default",
    steps: [{ send: "SUB foo 1\r\n" + pub("foo", "hi") + PING }],
    ref: { contains: [OK, OK, "MSG foo 1 2\r\nhi\r\n", PONG], closed: false } },
  { name: "no connect: pedantic by default (invalid publish subject)", profile: "default",
    steps: [{ send: pub("foo.*", "x") + PING }], ref: { contains: [ERR_PUB_SUBJECT, PONG], closed: false } },
];
