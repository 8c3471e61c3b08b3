// Queue groups with members behind leaf connections. A leaf connection's LS+ for a queue group
// carries a weight (how many members the other side has); as nats-server, when a message
// published on this server (by a client, or coming in over a leaf connection) finds no member of
// the group here:
// - a member behind a route takes it before any behind a leaf connection (the route's server is
//   picked by the routes' weights, cluster/fanout.ts);
// - else one leaf connection is picked with a probability proportional to its weight.
// A message from a route picks among the leaf connections without weights: nats-server's choice
// there is not a weighted one (observed anywhere from an even split to a skew unrelated to the
// weights), so natsts keeps the even one.

import { type Publisher, Subscription } from "../client/subscription.js";
import type { LeafConnection } from "./leafnode.js";

/** The remote side's interest in one subject or queue group, held by its leaf connection. */
export class LeafSubscription extends Subscription {
  /** the queue group's weight from the latest LS+ (1 for plain interest) */
  weight = 1;

  constructor(
    readonly leaf: LeafConnection,
    subject: string,
    queue: string | null,
    sid: string,
  ) {
    super(leaf, subject, queue, sid);
  }
}

/** Whether a queue delivery from this producer picks among the leaf connections by weight. */
export function weighsLeafMembers(producer: Publisher | null | undefined): boolean {
  const kind = producer?.kind;
  return kind !== "route" && kind !== "gateway";
}

/** One member, each with a chance proportional to its weight; null without members. `random` returns [0, 1). */
export function pickByWeight<T extends { weight: number }>(members: readonly T[], random: () => number = Math.random): T | null {
  if (members.length === 0) return null;
  if (members.length === 1) return members[0];
  let total = 0;
  for (const m of members) total += Math.max(1, m.weight);
  let x = random() * total;
  for (const m of members) {
    x -= Math.max(1, m.weight);
    if (x < 0) return m;
  }
  return members[members.length - 1];
}
