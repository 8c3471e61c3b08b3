// A shortcut past the sublist for one subject prefix owned by internal subscriptions, one per key
// (JetStream acks: `$JS.ACK.<stream>.<consumer>.>`, one per consumer). A message on
// `<prefix><key>.<more>` goes straight to the subscription of <key> — but only while every
// subscription in the sublist that could match the prefix is one of those registered here (a
// sublist observer keeps count), so the result is what a sublist match would have delivered.

import type { Publisher, Subscription } from "../client/subscription.js";
import type { SublistObserver } from "../sublist/sublist.js";

/** Delivers some messages without a sublist match; -1 when it does not take the message. */
export interface Shortcut {
  deliver(from: Publisher, subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): number;
}

export class PrefixShortcut implements Shortcut, SublistObserver<Subscription> {
  /** key → its subscription, on `<prefix><key>.>` */
  private readonly subs = new Map<string, Subscription>();
  /** subscriptions in the sublist that could match a subject under the prefix */
  private matching = 0;
  private readonly first: string;
  private readonly second: string;

  /** `prefix` is two literal tokens and a dot ("$JS.ACK."); keys are two literal tokens ("S.C"). */
  constructor(private readonly prefix: string) {
    const t = prefix.split(".");
    if (t.length !== 3 || t[2] !== "" || t[0] === "" || t[1] === "") throw new Error(`shortcut prefix '${prefix}' is not two tokens and a dot`);
    this.first = t[0];
    this.second = t[1];
  }

  /** Whether a subscription on `subject` may match some subject of 5 or more tokens under the prefix. */
  private couldMatch(subject: string): boolean {
    const d1 = subject.indexOf(".");
    const t0 = d1 < 0 ? subject : subject.slice(0, d1);
    if (t0 === ">") return true;
    if (d1 < 0 || (t0 !== "*" && t0 !== this.first)) return false;
    const d2 = subject.indexOf(".", d1 + 1);
    const t1 = d2 < 0 ? subject.slice(d1 + 1) : subject.slice(d1 + 1, d2);
    return t1 === ">" || ((t1 === "*" || t1 === this.second) && d2 >= 0);
  }

  inserted(sub: Subscription): void {
    if (this.couldMatch(sub.subject)) this.matching++;
  }

  removed(sub: Subscription): void {
    if (this.couldMatch(sub.subject)) this.matching--;
  }

  /** Registers the subscription of `key` (already in the sublist, on `<prefix><key>.>`); false if the key has one. */
  add(key: string, sub: Subscription): boolean {
    if (sub.subject !== `${this.prefix}${key}.>` || this.subs.has(key)) return false;
    this.subs.set(key, sub);
    return true;
  }

  /** Forgets the subscription of `key` (before it leaves the sublist). */
  delete(key: string, sub: Subscription): void {
    if (this.subs.get(key) === sub) this.subs.delete(key);
  }

  deliver(from: Publisher, subject: string, reply: string | null, hdrLen: number, src: Buffer, start: number, end: number): number {
    const prefix = this.prefix;
    if (this.matching !== this.subs.size || this.subs.size === 0 || !subject.startsWith(prefix)) return -1;
    // <prefix><a>.<b>.<at least one more token>
    const d1 = subject.indexOf(".", prefix.length);
    if (d1 < 0) return -1;
    const d2 = subject.indexOf(".", d1 + 1);
    if (d2 < 0 || d2 === subject.length - 1) return -1;
    const sub = this.subs.get(subject.slice(prefix.length, d2));
    if (sub === undefined) return -1;
    const payload = start === 0 && end === src.length ? src : src.subarray(start, end);
    return sub.client.deliver(sub, subject, reply, hdrLen, payload, from) ? 1 : -1;
  }
}
