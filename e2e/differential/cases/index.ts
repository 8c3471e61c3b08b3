// The table of scripted raw-protocol exchanges run by protocol.test.ts against the reference nats-server
// and natsts, one theme per file (see types.ts for what a case and its steps mean). The order of the
// sections below is the order the cases run in.

import { BAD_OP_CASES, CONTROL_LINE_CASES, PAYLOAD_FRAMING_CASES } from "./bad-input.js";
import { CONNECT_CASES, HANDSHAKE_CASES, NO_CONNECT_CASES } from "./handshake.js";
import { HEADERS_CASES, NO_RESPONDERS_CASES } from "./headers.js";
import { AUTH_CASES, LIMITS_CASES } from "./limits.js";
import { PEDANTIC_CASES, PUB_SUB_CASES, QUEUE_CASES, SUB_CASES, UNSUB_CASES } from "./pubsub.js";
import { PING_CASES, SYNTAX_CASES } from "./syntax.js";
import type { Case } from "./types.js";

export { PROFILES, type Case, type Profile, type ProfileName, type RefExpectation, type Step, type Wait } from "./types.js";

export const CASES: readonly Case[] = [
  ...HANDSHAKE_CASES,
  ...CONNECT_CASES,
  ...NO_CONNECT_CASES,
  ...PUB_SUB_CASES,
  ...UNSUB_CASES,
  ...SUB_CASES,
  ...QUEUE_CASES,
  ...PING_CASES,
  ...SYNTAX_CASES,
  ...HEADERS_CASES,
  ...NO_RESPONDERS_CASES,
  ...PEDANTIC_CASES,
  ...BAD_OP_CASES,
  ...CONTROL_LINE_CASES,
  ...PAYLOAD_FRAMING_CASES,
  ...LIMITS_CASES,
  ...AUTH_CASES,
];
