// Differential cases: bad input: unknown ops and garbage, control-line limits, PUB sizes and payload framing.

import { pub, PING, CONN, ERR_UNKNOWN, ERR_CONTROL_LINE, PONG, repeat, closing } from "./builders.js";
import type { Case } from "./types.js";

/** Bad input: garbage and unknown ops */
export const BAD_OP_CASES: readonly Case[] = [
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
];

/** Bad input: control line length */
export const CONTROL_LINE_CASES: readonly Case[] = [
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
];

/** Bad input: PUB sizes and payload framing */
export const PAYLOAD_FRAMING_CASES: readonly Case[] = [
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
];
