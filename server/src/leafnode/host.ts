// What a leaf connection and its manager exchange: the peer's INFO/CONNECT fields natsts uses,
// and the services the manager gives each connection.

import type { Publisher, Subscription } from "../client/subscription.js";
import type { LinkLimits } from "../link/limits.js";
import type { Logger } from "../logger.js";
import type { LeafConnection } from "./leafnode.js";
import type { LeafSubscription } from "./queue.js";

/** What an INFO or CONNECT from the other side carries that natsts uses. */
export interface LeafPeerInfo {
  server_id?: string;
  server_name?: string;
  name?: string;
  cluster?: string;
  nonce?: string;
  leafnode_urls?: string[];
  connect_info?: boolean;
  user?: string;
  pass?: string;
  auth_token?: string;
  jwt?: string;
  sig?: string;
  nkey?: string;
  remote_account?: string;
  headers?: boolean;
  is_hub?: boolean;
  version?: string;
  /** the spoke's compression mode (CONNECT) */
  compress_mode?: string;
  /** the hub's compression mode (INFO) */
  compression?: string;
}

/** What a leaf connection needs from the leaf node manager. */
export interface LeafHost {
  readonly logger: Logger;
  /** the settings leaf connections run with (leafnodes block over the server's) */
  readonly limits: LinkLimits;
  /** this server's $LDS.<random> loop-detection subject */
  readonly loopSubject: string;
  /** the INFO the hub sends (first, with a nonce; again after CONNECT with connect_info) */
  hubInfo(l: LeafConnection, afterConnect: boolean): Buffer;
  /** the CONNECT a spoke sends, answering the hub's INFO */
  connectLine(l: LeafConnection, info: LeafPeerInfo): Buffer;
  /** checks the spoke's CONNECT on an accepted connection; returns an error text to refuse it */
  checkConnect(l: LeafConnection, c: LeafPeerInfo): string | null;
  /** the handshake is done: the connection takes traffic from now on */
  register(l: LeafConnection): void;
  /** a later INFO from the hub (leafnode_urls updates) */
  asyncInfo(l: LeafConnection, info: LeafPeerInfo): void;
  /** the remote's interest as subscriptions in the server's sublist */
  addSub(sub: Subscription): void;
  removeSub(sub: Subscription): void;
  /**
   * The member of `sub`'s queue group (no member on this server took the current message) that
   * takes it: null when a route's member does, else one leaf connection's, by weight.
   */
  pickQueueMember(sub: LeafSubscription, producer: Publisher | null): LeafSubscription | null;
  /** a message from the remote side */
  inbound(l: LeafConnection, subject: string, reply: string | null, queues: readonly string[], hdrLen: number, payload: Buffer): void;
  /** the other side reported an error (loop detection makes the spoke wait before reconnecting) */
  remoteError(l: LeafConnection, text: string): void;
  closed(l: LeafConnection, reason: string): void;
}
