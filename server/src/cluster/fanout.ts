// Interest and messages across routes: local subscriptions become RS+/RS- (one per subject,
// queue groups with their weight), and a locally published message goes to every route whose
// peer has interest, each queue group to at most one server cluster-wide.

import { Subscription } from "../client/subscription.js";
import type { SubLike, SublistObserver } from "../sublist/sublist.js";
import { msgLine } from "../link/msg-line.js";
import { interestKey } from "../link/remote-interest.js";
import type { Route } from "./route.js";

interface Interest {
  readonly subject: string;
  readonly queue: string | null;
  count: number;
}

/** Announced to the routes: every subscription but those of owners kept off them (a spoke's hub interest). */
function routed(sub: SubLike): boolean {
  return !(sub instanceof Subscription && sub.client.notRouted === true);
}

/** Counts local subscriptions per subject/queue and tells the routes when that changes. */
export class LocalInterest implements SublistObserver<SubLike> {
  private readonly byKey = new Map<string, Interest>();

  constructor(private readonly routes: () => Iterable<Route>) {}

  inserted(sub: SubLike): void {
    if (!routed(sub)) return;
    const key = interestKey(sub.subject, sub.queue);
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = { subject: sub.subject, queue: sub.queue, count: 0 };
      this.byKey.set(key, i);
    }
    i.count++;
    // plain interest is announced once; a queue group's weight on every change
    if (i.queue !== null || i.count === 1) for (const r of this.routes()) r.sendSub(i.subject, i.queue, i.count);
  }

  removed(sub: SubLike): void {
    if (!routed(sub)) return;
    const key = interestKey(sub.subject, sub.queue);
    const i = this.byKey.get(key);
    if (i === undefined) return;
    i.count--;
    if (i.count <= 0) {
      this.byKey.delete(key);
      for (const r of this.routes()) r.sendUnsub(i.subject, i.queue);
    } else if (i.queue !== null) {
      for (const r of this.routes()) r.sendSub(i.subject, i.queue, i.count);
    }
  }

  /** Everything this server is interested in, for a route that just connected. */
  sendAll(r: Route): void {
    const lines: string[] = [];
    for (const i of this.byKey.values()) {
      lines.push(i.queue === null ? `RS+ $G ${i.subject}\r\n` : `RS+ $G ${i.subject} ${i.queue} ${i.count}\r\n`);
    }
    if (lines.length > 0) r.sendText(lines.join(""));
  }
}

const NO_QUEUES: readonly string[] = [];

/**
 * Sends a locally published message to the routes with matching interest. Queue groups already
 * served here are skipped; any other group goes to one route, picked by the groups' weights,
 * and is added to `served`.
 * Returns how many routes took the message.
 */
export function forwardToRoutes(
  routes: Iterable<Route>,
  subject: string,
  reply: string | null,
  hdrLen: number,
  payload: Buffer,
  served: Set<string>,
): number {
  let plain: Route[] | null = null;
  let groups: Map<string, Array<{ route: Route; weight: number }>> | null = null;
  let sent = 0;
  // the same RMSG line for every route without queue groups: built once
  let line: string | null = null;
  for (const route of routes) {
    const m = route.interest.match(subject);
    if (m.qsubs.length === 0) {
      // no queue group can be picked on this route: send now (the common case, no allocations)
      if (m.psubs.length > 0) {
        line ??= msgLine(subject, reply, NO_QUEUES, hdrLen, payload.length);
        route.sendMsgLine(line, payload);
        sent++;
      }
      continue;
    }
    if (m.psubs.length > 0) (plain ??= []).push(route);
    for (const group of m.qsubs) {
      const name = group[0]?.queue;
      if (name === undefined || name === null || served.has(name)) continue;
      let weight = 0;
      for (const s of group) weight += Math.max(1, s.weight);
      groups ??= new Map();
      let cands = groups.get(name);
      if (cands === undefined) {
        cands = [];
        groups.set(name, cands);
      }
      const same = cands.find((c) => c.route === route);
      if (same !== undefined) same.weight += weight;
      else cands.push({ route, weight });
    }
  }
  if (plain === null && groups === null) return sent;
  const picked = new Map<Route, string[]>();
  if (groups !== null) {
    for (const [name, cands] of groups) {
      const route = pickWeighted(cands);
      served.add(name);
      const list = picked.get(route);
      if (list === undefined) picked.set(route, [name]);
      else list.push(name);
    }
  }
  if (plain !== null) {
    for (const route of plain) {
      route.sendMsg(subject, reply, picked.get(route) ?? NO_QUEUES, hdrLen, payload);
      picked.delete(route);
      sent++;
    }
  }
  for (const [route, queues] of picked) {
    route.sendMsg(subject, reply, queues, hdrLen, payload);
    sent++;
  }
  return sent;
}

function pickWeighted(cands: ReadonlyArray<{ route: Route; weight: number }>): Route {
  let total = 0;
  for (const c of cands) total += c.weight;
  let x = Math.random() * total;
  for (const c of cands) {
    x -= c.weight;
    if (x < 0) return c.route;
  }
  return cands[cands.length - 1].route;
}
