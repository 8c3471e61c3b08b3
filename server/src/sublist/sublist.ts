// The sublist: a subject trie with `*` and `>` wildcards, queue groups, and a bounded cache of
// match results that is invalidated precisely when subscriptions come and go.

import { isLiteral, subjectMatches } from "./subject.js";

export interface SubLike {
  readonly subject: string;
  readonly queue: string | null;
}

/** Told about every subscription that comes and goes (route interest propagation). */
export interface SublistObserver<S> {
  inserted(sub: S): void;
  removed(sub: S): void;
}

export interface MatchResult<S extends SubLike> {
  /** plain subscriptions: every one gets the message */
  readonly psubs: readonly S[];
  /** queue groups: one member of each group gets the message */
  readonly qsubs: readonly (readonly S[])[];
}

export interface SublistStats {
  numSubs: number;
  numCache: number;
  numInserts: number;
  numRemoves: number;
  numMatches: number;
  cacheHitRate: number;
  maxFanout: number;
  avgFanout: number;
}

interface Node<S> {
  psubs: Set<S>;
  qsubs: Map<string, Set<S>> | null;
  next: Level<S> | null;
}

interface Level<S> {
  nodes: Map<string, Node<S>>;
  pwc: Node<S> | null;
  fwc: Node<S> | null;
}

const CACHE_MAX = 1024;
const CACHE_SWEEP = 256;
const DOORKEEPER_MAX = 4096;

function newLevel<S>(): Level<S> {
  return { nodes: new Map(), pwc: null, fwc: null };
}
function newNode<S>(): Node<S> {
  return { psubs: new Set(), qsubs: null, next: null };
}
function levelEmpty<S>(l: Level<S>): boolean {
  return l.nodes.size === 0 && l.pwc === null && l.fwc === null;
}
function nodeEmpty<S>(n: Node<S>): boolean {
  return n.psubs.size === 0 && (n.qsubs === null || n.qsubs.size === 0) && (n.next === null || levelEmpty(n.next));
}

const EMPTY: MatchResult<never> = Object.freeze({ psubs: Object.freeze([]), qsubs: Object.freeze([]) });

export class Sublist<S extends SubLike> {
  private readonly root: Level<S> = newLevel();
  private readonly cache: Map<string, MatchResult<S>> | null;
  /** subjects that missed the cache once (see match) */
  private readonly seenOnce = new Set<string>();
  private count = 0;
  private inserts = 0;
  private removes = 0;
  private matches = 0;
  private cacheHits = 0;
  /** told of every insert and removal (routes, gateways and leaf nodes propagate interest) */
  private readonly observers: SublistObserver<S>[] = [];

  constructor(cacheEnabled = true) {
    this.cache = cacheEnabled ? new Map() : null;
  }

  addObserver(o: SublistObserver<S>): void {
    this.observers.push(o);
  }

  removeObserver(o: SublistObserver<S>): void {
    const i = this.observers.indexOf(o);
    if (i >= 0) this.observers.splice(i, 1);
  }

  get size(): number {
    return this.count;
  }

  insert(sub: S): void {
    const tokens = sub.subject.split(".");
    let level = this.root;
    let node: Node<S> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (node !== null) level = node.next ??= newLevel();
      const t = tokens[i];
      if (t === "*") {
        node = level.pwc ??= newNode();
      } else if (t === ">") {
        node = level.fwc ??= newNode();
      } else {
        node = level.nodes.get(t) ?? null;
        if (node === null) {
          node = newNode();
          level.nodes.set(t, node);
        }
      }
    }
    if (node === null) throw new Error(`sublist: empty subject`);
    if (sub.queue === null) {
      node.psubs.add(sub);
    } else {
      node.qsubs ??= new Map();
      let group = node.qsubs.get(sub.queue);
      if (group === undefined) {
        group = new Set();
        node.qsubs.set(sub.queue, group);
      }
      group.add(sub);
    }
    this.count++;
    this.inserts++;
    this.invalidate(sub.subject);
    for (let i = 0; i < this.observers.length; i++) this.observers[i].inserted(sub);
  }

  /** Removes a subscription; returns false when it was not there. */
  remove(sub: S): boolean {
    const tokens = sub.subject.split(".");
    const path: Array<{ level: Level<S>; token: string; node: Node<S> }> = [];
    let level = this.root;
    for (const t of tokens) {
      const node = t === "*" ? level.pwc : t === ">" ? level.fwc : level.nodes.get(t) ?? null;
      if (node === null) return false;
      path.push({ level, token: t, node });
      if (path.length === tokens.length) break;
      if (node.next === null) return false;
      level = node.next;
    }
    const last = path[path.length - 1].node;
    let removed: boolean;
    if (sub.queue === null) {
      removed = last.psubs.delete(sub);
    } else {
      const group = last.qsubs?.get(sub.queue);
      removed = group?.delete(sub) ?? false;
      if (removed && group !== undefined && group.size === 0) last.qsubs?.delete(sub.queue);
    }
    if (!removed) return false;
    // prune empty nodes bottom-up
    for (let i = path.length - 1; i >= 0; i--) {
      const { level: l, token, node } = path[i];
      if (!nodeEmpty(node)) break;
      if (token === "*") l.pwc = null;
      else if (token === ">") l.fwc = null;
      else l.nodes.delete(token);
    }
    this.count--;
    this.removes++;
    this.invalidate(sub.subject);
    for (let i = 0; i < this.observers.length; i++) this.observers[i].removed(sub);
    return true;
  }

  match(subject: string): MatchResult<S> {
    this.matches++;
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(subject);
      if (hit !== undefined) {
        this.cacheHits++;
        return hit;
      }
    }
    const psubs: S[] = [];
    const qgroups = new Map<string, S[]>();
    matchLevel(this.root, subject.split("."), 0, psubs, qgroups);
    const result: MatchResult<S> =
      psubs.length === 0 && qgroups.size === 0 ? EMPTY : { psubs, qsubs: [...qgroups.values()] };
    if (cache !== null) {
      // admit a subject to the cache on its second miss: one-off subjects (ack replies, unique
      // inboxes) would otherwise push out the ones that repeat
      if (this.seenOnce.has(subject)) {
        if (cache.size >= CACHE_MAX) this.sweepCache();
        cache.set(subject, result);
      } else {
        if (this.seenOnce.size >= DOORKEEPER_MAX) this.seenOnce.clear();
        this.seenOnce.add(subject);
      }
    }
    return result;
  }

  /** Does any subscription match this subject? */
  hasInterest(subject: string): boolean {
    const r = this.match(subject);
    return r.psubs.length > 0 || r.qsubs.length > 0;
  }

  /** Every subscription, in no particular order. */
  all(): S[] {
    const out: S[] = [];
    collect(this.root, out);
    return out;
  }

  stats(): SublistStats {
    let maxFanout = 0;
    let totalFanout = 0;
    let entries = 0;
    if (this.cache !== null) {
      for (const r of this.cache.values()) {
        const f = r.psubs.length + r.qsubs.length;
        if (f > maxFanout) maxFanout = f;
        totalFanout += f;
        entries++;
      }
    }
    return {
      numSubs: this.count,
      numCache: this.cache?.size ?? 0,
      numInserts: this.inserts,
      numRemoves: this.removes,
      numMatches: this.matches,
      cacheHitRate: this.matches === 0 ? 0 : this.cacheHits / this.matches,
      maxFanout,
      avgFanout: entries === 0 ? 0 : totalFanout / entries,
    };
  }

  private invalidate(subject: string): void {
    const cache = this.cache;
    if (cache === null || cache.size === 0) return;
    if (isLiteral(subject)) {
      cache.delete(subject);
      return;
    }
    for (const key of cache.keys()) {
      if (subjectMatches(subject, key)) cache.delete(key);
    }
  }

  private sweepCache(): void {
    const cache = this.cache;
    if (cache === null) return;
    let n = 0;
    for (const key of cache.keys()) {
      cache.delete(key);
      if (++n >= CACHE_SWEEP) break;
    }
  }
}

function addNode<S>(node: Node<S>, psubs: S[], qgroups: Map<string, S[]>): void {
  for (const s of node.psubs) psubs.push(s);
  if (node.qsubs !== null) {
    for (const [q, members] of node.qsubs) {
      let g = qgroups.get(q);
      if (g === undefined) {
        g = [];
        qgroups.set(q, g);
      }
      for (const s of members) g.push(s);
    }
  }
}

function matchLevel<S>(level: Level<S>, tokens: string[], i: number, psubs: S[], qgroups: Map<string, S[]>): void {
  const last = i === tokens.length - 1;
  if (level.fwc !== null) addNode(level.fwc, psubs, qgroups);
  if (level.pwc !== null) {
    if (last) addNode(level.pwc, psubs, qgroups);
    else if (level.pwc.next !== null) matchLevel(level.pwc.next, tokens, i + 1, psubs, qgroups);
  }
  const node = level.nodes.get(tokens[i]);
  if (node !== undefined) {
    if (last) addNode(node, psubs, qgroups);
    else if (node.next !== null) matchLevel(node.next, tokens, i + 1, psubs, qgroups);
  }
}

function collect<S>(level: Level<S>, out: S[]): void {
  const visit = (n: Node<S>): void => {
    for (const s of n.psubs) out.push(s);
    if (n.qsubs !== null) for (const g of n.qsubs.values()) for (const s of g) out.push(s);
    if (n.next !== null) collect(n.next, out);
  };
  for (const n of level.nodes.values()) visit(n);
  if (level.pwc !== null) visit(level.pwc);
  if (level.fwc !== null) visit(level.fwc);
}
