// Client-protocol error texts, byte-exact with nats-server, and the reasons connections close for.

export const ERR_UNKNOWN_OP = "Unknown Protocol Operation";
export const ERR_AUTH_VIOLATION = "Authorization Violation";
export const ERR_AUTH_TIMEOUT = "Authentication Timeout";
export const ERR_MAX_PAYLOAD = "Maximum Payload Violation";
export const ERR_MAX_CONTROL_LINE = "maximum control line exceeded";
export const ERR_MAX_CONNECTIONS = "maximum connections exceeded";
export const ERR_MAX_SUBS = "maximum subscriptions exceeded";
export const ERR_BAD_PROTOCOL = "invalid client protocol";
export const ERR_NO_RESPONDERS_NEEDS_HEADERS = "no responders requires headers support";
export const ERR_STALE_CONNECTION = "Stale Connection";
export const ERR_INVALID_PUB_SUBJECT = "Invalid Publish Subject";
export const ERR_INVALID_SUBJECT = "Invalid Subject";

/** Closed-connection reasons as /connz shows them (monitor.go ClosedState). */
export const ClosedReason = {
  ClientClosed: "Client Closed",
  AuthenticationTimeout: "Authentication Timeout",
  AuthenticationViolation: "Authentication Failure",
  SlowConsumerPendingBytes: "Slow Consumer (Pending Bytes)",
  SlowConsumerWriteDeadline: "Slow Consumer (Write Deadline)",
  WriteError: "Write Error",
  ReadError: "Read Error",
  ParseError: "Parse Error",
  StaleConnection: "Stale Connection",
  ProtocolViolation: "Protocol Violation",
  BadClientProtocolVersion: "Bad Client Protocol Version",
  MaxConnectionsExceeded: "Maximum Connections Exceeded",
  MaxPayloadExceeded: "Maximum Message Payload Exceeded",
  MaxControlLineExceeded: "Maximum Control Line Exceeded",
  MaxSubscriptionsExceeded: "Maximum Subscriptions Exceeded",
  ServerShutdown: "Server Shutdown",
  NoRespondersRequiresHeaders: "No Responders Requires Headers",
  Kicked: "Kicked",
} as const;

export type ClosedReasonText = (typeof ClosedReason)[keyof typeof ClosedReason];

export function errLine(text: string): Buffer {
  return Buffer.from(`-ERR '${text}'\r\n`, "latin1");
}
