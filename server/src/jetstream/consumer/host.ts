// What a consumer needs from the JetStream it belongs to: the internal client, the ack shortcut,
// logging, advisories, and the expiry of an inactive consumer.

import type { InternalClient } from "../../internal/client.js";
import type { PrefixShortcut } from "../../internal/shortcut.js";
import type { Consumer } from "./consumer.js";

export interface ConsumerHost {
  readonly ic: InternalClient;
  /** where the consumer registers its ack subscription (see internal/shortcut.ts) */
  readonly acks: PrefixShortcut;
  log(level: "INF" | "WRN" | "ERR" | "DBG", msg: string): void;
  advisory(kind: string, stream: string, consumer: string, body: Record<string, unknown>): void;
  /** a metric on $JS.EVENT.METRIC.<kind>.<stream>.<consumer> (ack sampling) */
  metric(kind: string, stream: string, consumer: string, body: Record<string, unknown>): void;
  /** an ephemeral consumer went inactive */
  expire(c: Consumer): void;
}
