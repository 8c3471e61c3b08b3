import type { SubLike } from "../sublist/sublist.js";

/** Whatever publishes into the sublist: a client connection or an internal (server-side) client. */
export interface Publisher extends SubscriptionOwner {
  readonly opts: { readonly echo: boolean; readonly noResponders: boolean };
  /** who published, as an API audit advisory names a client connection (client connections only) */
  clientFacts?(): ClientFacts;
}

/** What a client connection tells of itself in nats-server's ClientInfo (API audit advisories). */
export interface ClientFacts {
  readonly start: Date;
  readonly host: string;
  readonly id: number;
  readonly user: string;
  readonly name: string;
  readonly lang: string;
  readonly version: string;
  /** round trip in ms */
  readonly rtt: number;
}

/** Whatever owns subscriptions and takes deliveries. */
export interface SubscriptionOwner {
  readonly cid: number;
  readonly kind: "client" | "internal" | "route" | "gateway" | "leaf";
  /** true: its subscriptions are not announced to routes (a spoke's connection to its hub) */
  readonly notRouted?: boolean;
  /** Hands what is buffered to the socket now (connections that buffer their output). */
  flush?(): void;
  /** Takes one message for `sub`; returns false if it could not (closed, limit reached). */
  deliver(
    sub: Subscription,
    subject: string,
    reply: string | null,
    hdrLen: number,
    payload: Buffer,
    producer?: Publisher | null,
  ): boolean;
}

export class Subscription implements SubLike {
  /** messages delivered so far (for UNSUB with max) */
  delivered = 0;
  /** auto-unsubscribe after this many deliveries; -1 = none */
  max = -1;

  constructor(
    readonly client: SubscriptionOwner,
    readonly subject: string,
    readonly queue: string | null,
    readonly sid: string,
  ) {}
}
