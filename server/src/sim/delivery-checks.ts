// Delivery checks shared by the route simulation (SimCluster) and the gateway simulation
// (SimSupercluster): duplicates and alterations, and exact delivery to plain subscribers and queue
// groups. Which member of a queue group should get a message differs between the two (the
// `placement` rule each passes in).

import { subjectMatches } from "../sublist/subject.js";
import type { Delivery, SimMessage } from "./node.js";

/** What a published message must reach; `G` is a queue group's expectation (its members and more). */
export interface DeliveryExpectation<G extends { readonly members: ReadonlySet<string> }> {
  msg: string;
  sent: SimMessage;
  from: string;
  subject: string;
  /** node/sid of every plain subscriber that must get it exactly once */
  plain: Set<string>;
  /** queue group -> what is expected of it */
  groups: Map<string, G>;
}

/**
 * (3) No subscriber gets a message twice, and no queue group gets it twice overall; and whatever
 * arrives is what was sent (subject, reply, headers, body), to a matching subscription.
 */
export function checkNoDuplicates(deliveries: readonly Delivery[], sent: ReadonlyMap<string, SimMessage>): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const d of deliveries) {
    const m = sent.get(d.msg);
    if (m === undefined) {
      errors.push(`delivered a message never sent: ${JSON.stringify(d.body.slice(0, 40))}`);
      continue;
    }
    if (d.msgSubject !== m.subject || d.reply !== m.reply || d.headers !== m.headers || d.body !== m.body) {
      errors.push(`${d.msg} arrived altered at ${d.node}/${d.sid}: ${d.msgSubject} ${String(d.reply)} headers ${String(d.headers?.length)} body ${d.body.length} bytes`);
    }
    if (!subjectMatches(d.subject, m.subject)) errors.push(`${d.msg} (${m.subject}) delivered to ${d.node}/${d.sid} on ${d.subject}`);
    const keys = [`${d.msg} to ${d.node}/${d.sid}`];
    if (d.queue !== null) keys.push(`${d.msg} to queue group ${d.queue}`);
    for (const k of keys) {
      if (seen.has(k)) errors.push(`duplicate delivery: ${k}`);
      seen.add(k);
    }
  }
  return errors;
}

/** The deliveries of each message, by message id. */
export function deliveriesByMessage(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const byMsg = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    let l = byMsg.get(d.msg);
    if (l === undefined) byMsg.set(d.msg, (l = []));
    l.push(d);
  }
  return byMsg;
}

/**
 * (2), plain part: every expected plain subscriber got the message exactly once, and no other
 * plain subscriber got it (`stray` words that error).
 */
export function checkPlainDelivery(what: string, got: readonly Delivery[], plain: ReadonlySet<string>, stray: string): string[] {
  const errors: string[] = [];
  const plainGot = got.filter((d) => d.queue === null).map((d) => `${d.node}/${d.sid}`);
  for (const p of plain) {
    const n = plainGot.filter((x) => x === p).length;
    if (n !== 1) errors.push(`${what}: plain subscriber ${p} got it ${n} times`);
  }
  for (const p of plainGot) if (!plain.has(p)) errors.push(`${what}: delivered to ${p}, ${stray}`);
  return errors;
}

/**
 * Every matching queue group in `groups` got the message exactly once, at one of its members, and
 * no other queue group got it. `placement` says what is wrong with the member it went to (null when
 * it is the right one); `stray` ends the text for a member outside the matching ones.
 */
export function checkQueueDelivery<G extends { readonly members: ReadonlySet<string> }>(
  what: string,
  got: readonly Delivery[],
  groups: ReadonlyMap<string, G>,
  stray: string,
  placement: (q: string, g: G, to: string) => string | null,
): string[] {
  const errors: string[] = [];
  for (const [q, g] of groups) {
    const to = got.filter((d) => d.queue === q).map((d) => `${d.node}/${d.sid}`);
    if (to.length !== 1) {
      errors.push(`${what}: queue group ${q} got it ${to.length} times (members ${[...g.members].join(" ")})`);
      continue;
    }
    if (!g.members.has(to[0])) errors.push(`${what}: queue group ${q} member ${to[0]} ${stray}`);
    const wrong = placement(q, g, to[0]);
    if (wrong !== null) errors.push(`${what}: ${wrong}`);
  }
  for (const d of got) if (d.queue !== null && !groups.has(d.queue)) errors.push(`${what}: delivered to queue group ${d.queue}, which has no matching member`);
  return errors;
}

/**
 * (2) Every expected message reached every matching plain subscriber exactly once and every
 * matching queue group exactly once, at the member `placement` accepts. `stray` ends the text for
 * a subscriber that should not have got it ("does not match", "should not get it").
 */
export function checkExactDelivery<G extends { readonly members: ReadonlySet<string> }>(
  expectations: readonly DeliveryExpectation<G>[],
  deliveries: readonly Delivery[],
  stray: string,
  placement: (q: string, g: G, to: string) => string | null,
): string[] {
  const errors: string[] = [];
  const byMsg = deliveriesByMessage(deliveries);
  for (const e of expectations) {
    const got = byMsg.get(e.msg) ?? [];
    const what = `${e.msg} (${e.subject} from ${e.from})`;
    errors.push(...checkPlainDelivery(what, got, e.plain, `which ${stray}`));
    errors.push(...checkQueueDelivery(what, got, e.groups, stray, placement));
  }
  return errors;
}
