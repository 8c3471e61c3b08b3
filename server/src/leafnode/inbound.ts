// A message from a leaf connection: to this server's subscribers, other leaf connections and the
// forwarders (routes, gateways), never back to the connection it came from. As on routes, the
// sender names the queue groups it picked this server for; without names the message is for
// plain interest only.

import type { Publisher, Subscription } from "../client/subscription.js";
import { type Forwarder, nextMessage, replyWithShownSubject } from "../deliver.js";
import type { Sublist } from "../sublist/sublist.js";

/**
 * The queue groups a forwarder must not serve: those already served and, for a message from a
 * leaf, every group the sender did not pick this server for.
 */
class ServedOutside extends Set<string> {
  constructor(private readonly allowed: readonly string[]) {
    super();
  }

  override has(queue: string): boolean {
    return !this.allowed.includes(queue) || super.has(queue);
  }
}

export function deliverFromLeaf(
  sublist: Sublist<Subscription>,
  forwarders: readonly Forwarder[],
  from: Publisher,
  subject: string,
  reply: string | null,
  queues: readonly string[],
  hdrLen: number,
  payload: Buffer,
  /** a JetStream delivery routed on `subject`, shown as this subject */
  presentAs: string | null = null,
): number {
  nextMessage(subject);
  const r = sublist.match(subject);
  const shown = presentAs ?? subject;
  let delivered = 0;
  for (const sub of r.psubs) {
    if (sub.client === from) continue;
    if (sub.client.deliver(sub, shown, reply, hdrLen, payload, from)) delivered++;
  }
  const served = new ServedOutside(queues);
  if (queues.length > 0) {
    for (const members of r.qsubs) {
      const queue = members[0]?.queue ?? "";
      if (!queues.includes(queue)) continue;
      if (deliverToGroup(members, from, shown, reply, hdrLen, payload)) {
        delivered++;
        served.add(queue);
      }
    }
  }
  const fwdReply = replyWithShownSubject(reply, presentAs);
  for (const f of forwarders) delivered += f.forward(subject, fwdReply, hdrLen, payload, served);
  return delivered;
}

/** One member of the group: one of this server's own first, another leaf connection's only if none. */
function deliverToGroup(
  members: readonly Subscription[],
  from: Publisher,
  subject: string,
  reply: string | null,
  hdrLen: number,
  payload: Buffer,
): boolean {
  const n = members.length;
  const first = n === 1 ? 0 : Math.floor(Math.random() * n);
  let leaf: Subscription | null = null;
  for (let k = 0; k < n; k++) {
    const sub = members[(first + k) % n];
    if (sub.client === from) continue;
    if (sub.client.kind === "leaf") {
      leaf ??= sub;
      continue;
    }
    if (sub.client.deliver(sub, subject, reply, hdrLen, payload, from)) return true;
  }
  return leaf !== null && leaf.client.deliver(leaf, subject, reply, hdrLen, payload, from);
}
