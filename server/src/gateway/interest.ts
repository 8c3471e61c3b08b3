// Gateway interest, both directions.
// - ClusterInterest: what this cluster is interested in (this server's subscriptions plus the ones
//   the routes told it about), counted per subject / queue group; the inbound gateways are told
//   when a subject or group appears or goes (RS+ / RS-), since a message a remote cluster sends
//   here reaches the whole cluster.
// - OutboundInterest: what a remote cluster is interested in, as heard on the outbound
//   connection to it: optimistic (everything but the subjects it said no to, RS- / A-) until it
//   switches the account to interest-only (INFO gateway_cmd 2, its RS+, gateway_cmd 3); queue
//   groups are always known by RS+.

import { interestKey } from "../link/remote-interest.js";
import { Sublist, type SubLike, type SublistObserver } from "../sublist/sublist.js";

interface Counted {
  readonly subject: string;
  readonly queue: string | null;
  count: number;
}

export type InterestChange = (subject: string, queue: string | null, present: boolean) => void;

/** Cluster-wide interest: counts of local and route-learned subscriptions per subject/queue. */
export class ClusterInterest implements SublistObserver<SubLike> {
  private readonly byKey = new Map<string, Counted>();

  constructor(private readonly changed: InterestChange) {}

  inserted(sub: SubLike): void {
    const key = interestKey(sub.subject, sub.queue);
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = { subject: sub.subject, queue: sub.queue, count: 0 };
      this.byKey.set(key, c);
    }
    c.count++;
    if (c.count === 1) this.changed(c.subject, c.queue, true);
  }

  removed(sub: SubLike): void {
    const key = interestKey(sub.subject, sub.queue);
    const c = this.byKey.get(key);
    if (c === undefined) return;
    c.count--;
    if (c.count > 0) return;
    this.byKey.delete(key);
    this.changed(c.subject, c.queue, false);
  }

  /** Every subject / queue group with interest, as RS+ lines for the account. */
  subLines(account: string): string {
    const lines: string[] = [];
    for (const c of this.byKey.values()) {
      lines.push(c.queue === null ? `RS+ ${account} ${c.subject}\r\n` : `RS+ ${account} ${c.subject} ${c.queue} 1\r\n`);
    }
    return lines.join("");
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** A subject / queue group a remote cluster has interest in. */
export class GatewaySub implements SubLike {
  constructor(
    readonly subject: string,
    readonly queue: string | null,
  ) {}
}

export type InterestMode = "Optimistic" | "Transitioning" | "Interest-Only";

/** What a remote cluster wants, for one account, as learned on the outbound connection. */
export class OutboundInterest {
  mode: InterestMode;
  /** A-: no interest in the account at all (optimistic mode) */
  noInterest = false;
  /** RS- in optimistic mode: subjects the remote has no interest in */
  readonly negative = new Set<string>();
  readonly positive = new Sublist<GatewaySub>();
  private readonly byKey = new Map<string, GatewaySub>();

  constructor(interestOnly: boolean) {
    this.mode = interestOnly ? "Interest-Only" : "Optimistic";
  }

  sub(subject: string, queue: string | null): void {
    if (queue === null && this.mode === "Optimistic") {
      this.negative.delete(subject);
      return;
    }
    const key = interestKey(subject, queue);
    if (this.byKey.has(key)) return;
    const s = new GatewaySub(subject, queue);
    this.byKey.set(key, s);
    this.positive.insert(s);
  }

  unsub(subject: string, queue: string | null): void {
    if (queue === null && this.mode === "Optimistic") {
      this.negative.add(subject);
      return;
    }
    const key = interestKey(subject, queue);
    const s = this.byKey.get(key);
    if (s === undefined) return;
    this.byKey.delete(key);
    this.positive.remove(s);
  }

  account(interested: boolean): void {
    if (this.mode === "Optimistic") this.noInterest = !interested;
  }

  /** gateway_cmd 2: the remote is about to send all its interest. */
  startInterestOnly(): void {
    if (this.mode === "Optimistic") this.mode = "Transitioning";
  }

  /** gateway_cmd 3: everything has been sent; from now on only known interest counts. */
  completeInterestOnly(): void {
    this.mode = "Interest-Only";
    this.negative.clear();
    this.noInterest = false;
  }

  /** Whether plain subscribers want `subject`, and the queue groups that do. */
  match(subject: string): { plain: boolean; queues: string[] } {
    const m = this.positive.match(subject);
    const queues: string[] = [];
    for (const g of m.qsubs) {
      const q = g[0]?.queue;
      if (q !== undefined && q !== null) queues.push(q);
    }
    let plain = m.psubs.length > 0;
    if (!plain && this.mode !== "Interest-Only") plain = !this.noInterest && !this.negative.has(subject);
    return { plain, queues };
  }

  get subscriptionCount(): number {
    return this.byKey.size;
  }
}
