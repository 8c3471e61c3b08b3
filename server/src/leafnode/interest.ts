// This server's interest as the leaf connections see it: every subscription in the sublist
// (clients, internal clients, other leaf connections) and every subscription learned over a route,
// except the connection's own. Each change is passed to every registered leaf connection.

import { Subscription } from "../client/subscription.js";
import type { SubLike, SublistObserver } from "../sublist/sublist.js";
import type { LeafConnection } from "./leafnode.js";

export class LeafInterest implements SublistObserver<SubLike> {
  constructor(private readonly leafs: () => Iterable<LeafConnection>) {}

  inserted(sub: SubLike): void {
    this.changed(sub, 1);
  }

  removed(sub: SubLike): void {
    this.changed(sub, -1);
  }

  private changed(sub: SubLike, delta: number): void {
    const owner = sub instanceof Subscription ? sub.client : null;
    for (const l of this.leafs()) if (l !== owner) l.interestChanged(sub.subject, sub.queue, delta);
  }
}
