// Differential cases: PING/PONG, and the case and whitespace the protocol parser accepts.

import { PING, CONN, ERR_UNKNOWN, PONG, closing } from "./builders.js";
import type { Case } from "./types.js";

/** PING / PONG */
export const PING_CASES: readonly Case[] = [
  { name: "ping: three PINGs in one write", profile: "default",
    steps: [{ send: PING + PING + PING }], ref: { contains: [PONG, PONG, PONG], closed: false } },
  { name: "ping: PONG from the client gets no reply", profile: "default",
    steps: [{ send: "PONG\r\n", wait: "quiet" }, { send: PING }], ref: { contains: [PONG], closed: false } },
  { name: "ping: trailing text after PING/PONG is ignored", profile: "default",
    steps: [{ send: "PING foo\r\nPINGX\r\nPONGX\r\n" + PING }], ref: { contains: [PONG, PONG, PONG], closed: false } },
  closing("ping: truncated op PIN", "PIN\r\n", ERR_UNKNOWN),
];

/** Case and whitespace */
export const SYNTAX_CASES: readonly Case[] = [
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
];
