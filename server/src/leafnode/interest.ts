// This server's interest as the leaf connections see it, passed to every registered leaf
// connection as it changes. A connection to one of our spokes (accepted) is told of every
// subscription in the sublist (clients, internal clients, other leaf connections) and of every
// one learned over a route, except its own. A connection to a hub (solicited) is told only of
// this server's own subscriptions and its spokes': interest learned from another hub or over a
// route is not passed on to a hub (as nats-server; the cluster's other members have their own
// remotes, and two hubs are not bridged).

import { Subscription } from "../client/subscription.js";
import type { SubLike, SublistObserver } from "../sublist/sublist.js";
import type { LeafConnection } from "./leafnode.js";

/** Whether leaf connection `l` is told of `sub` (`routed`: learned over a route). */
export function tells(l: LeafConnection, sub: SubLike, routed: boolean): boolean {
  const owner = sub instanceof Subscription ? sub.client : null;
  if (owner === l) return false;
  if (!l.solicited) return true;
  if (routed) return false;
  return !(owner !== null && owner.kind === "leaf" && (owner as LeafConnection).solicited);
}

export class LeafInterest implements SublistObserver<SubLike> {
  constructor(
    private readonly leafs: () => Iterable<LeafConnection>,
    /** observes the interest learned over routes (else the server's sublist) */
    private readonly routed: boolean,
  ) {}

  inserted(sub: SubLike): void {
    this.changed(sub, 1);
  }

  removed(sub: SubLike): void {
    this.changed(sub, -1);
  }

  private changed(sub: SubLike, delta: number): void {
    for (const l of this.leafs()) if (tells(l, sub, this.routed)) l.interestChanged(sub.subject, sub.queue, delta);
  }
}
