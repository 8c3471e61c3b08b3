// Message routing for one published message: match the subject in the sublist, deliver to
// every plain subscription and to one member of each queue group, hand the message on to the
// forwarders (routes, gateways; local publishers only), and answer a request that reached nobody with the 503
// no-responders status when the publisher asked for it.

import type { Publisher, Subscription } from "./client/subscription.js";
import type { Sublist } from "./sublist/sublist.js";

/**
 * A way out of this server for a message (routes, gateways): called in order after local
 * delivery. `served` holds the queue groups already given the message (here or by an earlier
 * forwarder); a forwarder skips those and adds the groups it hands on. Returns how many
 * connections took the message.
 */
export interface Forwarder {
  forward(subject: string, reply: string | null, hdrLen: number, payload: Buffer, served: Set<string>): number;
  /** whether a server behind this forwarder has interest in `subject` (JetStream asks before delivering) */
  hasInterest?(subject: string): boolean;
}

/**
 * A delivery shown under another subject (JetStream) leaves this server routed on its delivery
 * subject with the shown subject after an `@` in the reply: `<reply>@<shown subject>`, as
 * nats-server sends it (without a reply it goes as is).
 */
export function replyWithShownSubject(reply: string | null, presentAs: string | null): string | null {
  return presentAs !== null && reply !== null ? `${reply}@${presentAs}` : reply;
}

/**
 * Numbers the messages routed through the sublist: an owner that takes several deliveries of one
 * message (a leaf connection with plain and queue interest in it) sees the same value for all.
 */
export let messageSeq = 0;

/** The subject the current message is routed on (a delivery may be shown under another one, `presentAs`). */
export let routedSubject = "";

/** Starts routing a new message (for routing done outside processMsg, e.g. messages from leaf nodes). */
export function nextMessage(subject: string): void {
  messageSeq++;
  routedSubject = subject;
}

function noRespondersHeader(subject: string): Buffer {
  return Buffer.from(`NATS/1.0 503\r\nNats-Subject: ${subject}\r\n\r\n`, "latin1");
}

export function processMsg(
  sublist: Sublist<Subscription>,
  from: Publisher,
  subject: string,
  reply: string | null,
  hdrLen: number,
  src: Buffer,
  start: number,
  end: number,
  /** match on `subject` but present the message as this subject (JetStream deliveries) */
  presentAs: string | null = null,
  /** where else the message goes (routes, gateways), in order; null or empty for none */
  forwarders: readonly Forwarder[] | null = null,
  /** a message from a route: the only queue groups it may go to here */
  routeQueues: readonly string[] | null = null,
): number {
  messageSeq++;
  routedSubject = subject;
  const r = sublist.match(subject);
  const forwarding = forwarders !== null && forwarders.length > 0;
  if (r.psubs.length === 0 && r.qsubs.length === 0 && !forwarding) {
    if (reply !== null && from.opts.noResponders) sendNoResponders(sublist, from, subject, reply);
    return 0;
  }
  const payload = start === 0 && end === src.length ? src : src.subarray(start, end);
  let served: Set<string> | null = null;
  const msgSubject = presentAs ?? subject;
  const echo = from.opts.echo;
  let delivered = 0;
  const psubs = r.psubs;
  for (let i = 0; i < psubs.length; i++) {
    const sub = psubs[i];
    if (!echo && sub.client === from) continue;
    if (sub.client.deliver(sub, msgSubject, reply, hdrLen, payload, from)) delivered++;
  }
  const qsubs = r.qsubs;
  for (let g = 0; g < qsubs.length; g++) {
    const members = qsubs[g];
    const n = members.length;
    const queue = members[0]?.queue ?? "";
    if (routeQueues !== null && !routeQueues.includes(queue)) continue;
    const first = n === 1 ? 0 : Math.floor(Math.random() * n);
    // members of this server are preferred; a leaf node's member takes the message only when none can
    let leaf: Subscription | null = null;
    let taken = false;
    for (let k = 0; k < n; k++) {
      const sub = members[(first + k) % n];
      if (!echo && sub.client === from) continue;
      if (sub.client.kind === "leaf") {
        leaf ??= sub;
        continue;
      }
      if (sub.client.deliver(sub, msgSubject, reply, hdrLen, payload, from)) {
        taken = true;
        break;
      }
    }
    if (!taken && leaf !== null) taken = leaf.client.deliver(leaf, msgSubject, reply, hdrLen, payload, from);
    if (taken) {
      delivered++;
      if (forwarding) (served ??= new Set()).add(queue);
    }
  }
  if (forwarding) {
    served ??= new Set();
    const fwdReply = replyWithShownSubject(reply, presentAs);
    for (let i = 0; i < forwarders.length; i++) delivered += forwarders[i].forward(subject, fwdReply, hdrLen, payload, served);
  }
  if (delivered === 0 && reply !== null && from.opts.noResponders) {
    sendNoResponders(sublist, from, subject, reply);
  }
  return delivered;
}

/** HMSG <reply> <sid> n n / NATS/1.0 503 / Nats-Subject: <subject>, to the requester's own reply sub. */
function sendNoResponders(sublist: Sublist<Subscription>, from: Publisher, subject: string, reply: string): void {
  const r = sublist.match(reply);
  let target: Subscription | undefined;
  for (const sub of r.psubs) {
    if (sub.client === from) {
      target = sub;
      break;
    }
  }
  if (target === undefined) {
    for (const group of r.qsubs) {
      target = group.find((s) => s.client === from);
      if (target !== undefined) break;
    }
  }
  if (target === undefined) return;
  const hdr = noRespondersHeader(subject);
  from.deliver(target, reply, null, hdr.length, hdr);
}
