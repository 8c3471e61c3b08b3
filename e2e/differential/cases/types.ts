// The shapes of the differential cases run by protocol.test.ts against the reference nats-server
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
