import type { SubLike } from "../sublist/sublist.js";
import type { Client } from "./client.js";

export class Subscription implements SubLike {
  /** messages delivered so far (for UNSUB with max) */
  delivered = 0;
  /** auto-unsubscribe after this many deliveries; -1 = none */
  max = -1;

  constructor(
    readonly client: Client,
    readonly subject: string,
    readonly queue: string | null,
    readonly sid: string,
  ) {}
}
