// A simulated cluster: N SimNodes on one SimNetwork, one seed for everything random (network,
// ids, queue picks, the steps of a scenario), and the checks of the route properties. Time is
// the caller's (fake) clock: `advance(ms)` runs every timer due until then.

import { subjectMatches } from "../sublist/subject.js";
import { type Delivery, ROUTE_PORT, type SimMessage, SimNode } from "./node.js";
import { type NetworkProfile, SimNetwork, SimSocket } from "./network.js";
import { checkExactDelivery, checkNoDuplicates, type DeliveryExpectation } from "./delivery-checks.js";
import { Prng } from "./prng.js";
import { Trace } from "./trace.js";

export type Topology = "full" | "seed";

export interface SimClusterOptions {
  seed: number;
  servers: number;
  /** full: every server is configured with every other; seed: all are configured with the first only */
  topology: Topology;
  profile: NetworkProfile;
  /** runs the (fake) timers forward */
  advance: (ms: number) => void;
}

/** queue group -> its members; `local` are the members on the publishing server */
type Expectation = DeliveryExpectation<{ members: Set<string>; local: Set<string> }>;

function linkOf(s: unknown): number {
  return s instanceof SimSocket ? s.linkId : -1;
}

/** Counters of route churn (see checkNoRouteLost). */
export interface Churn {
  gone: number;
  dials: number;
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export class SimCluster {
  readonly prng: Prng;
  readonly trace = new Trace();
  readonly net: SimNetwork;
  readonly hosts: string[];
  /** the current incarnation of each server */
  readonly nodes: SimNode[] = [];
  readonly deliveries: Delivery[] = [];
  /** every incarnation of every server */
  private readonly everyNode: SimNode[] = [];
  /** faults injected, so that a test can tell a run exercised something */
  readonly faults = { cuts: 0, partitions: 0, crashes: 0 };
  private nextMsg = 1;
  /** every message published, by id */
  private readonly sent = new Map<string, SimMessage>();
  private readonly expectations: Expectation[] = [];

  constructor(private readonly o: SimClusterOptions) {
    this.prng = new Prng(o.seed);
    this.net = new SimNetwork(new Prng(o.seed ^ 0x5bd1e995), o.profile, this.trace);
    this.hosts = Array.from({ length: o.servers }, (_, i) => `10.0.0.${i + 1}`);
    for (let i = 0; i < o.servers; i++) this.nodes.push(this.makeNode(i));
  }

  advance(ms: number): void {
    this.o.advance(ms);
  }

  private routeURL(i: number): string {
    return `nats-route://${this.hosts[i]}:${ROUTE_PORT}`;
  }

  private routesOf(i: number): string[] {
    if (this.o.topology === "seed") return i === 0 ? [] : [this.routeURL(0)];
    return this.hosts.flatMap((_, j) => (j === i ? [] : [this.routeURL(j)]));
  }

  /** A fresh server id, as a restarted nats-server has one. */
  private newId(): string {
    let id = "N";
    for (let i = 0; i < 20; i++) id += ID_CHARS[this.prng.int(0, ID_CHARS.length - 1)];
    return id;
  }

  private makeNode(i: number): SimNode {
    const n = new SimNode(this.net, this.hosts[i], this.newId(), this.routesOf(i), this.trace, (d) => this.deliveries.push(d));
    this.everyNode.push(n);
    return n;
  }

  /** Registered routes that closed, over every incarnation of every server. */
  routesLost(): number {
    return this.everyNode.reduce((n, node) => n + node.logger.routesLost, 0);
  }

  cut(): void {
    const links = this.net.openLinks();
    if (links.length === 0) return;
    this.faults.cuts++;
    this.net.cut(this.prng.pick(links));
  }

  /** Splits the servers in two random non-empty sides. */
  partition(): void {
    const k = this.prng.int(1, this.hosts.length - 1);
    const side = new Set<string>();
    while (side.size < k) side.add(this.prng.pick(this.hosts));
    this.faults.partitions++;
    this.net.partition([[...side], this.hosts.filter((h) => !side.has(h))]);
  }

  async start(i: number): Promise<void> {
    this.trace.add(`sim: start ${this.hosts[i]} as ${this.nodes[i].serverId}`);
    await this.nodes[i].start();
  }

  /** Starts every server, `stagger` ms apart at most (0: all at once). */
  async startAll(stagger = 0): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) {
      await this.start(i);
      if (stagger > 0) this.advance(this.prng.int(0, stagger));
    }
  }

  crash(i: number): void {
    const n = this.nodes[i];
    if (!n.up) return;
    this.trace.add(`sim: crash ${n.serverName}`);
    this.faults.crashes++;
    n.crash();
  }

  /** A crashed server comes back with a new id and no subscriptions. */
  async restart(i: number): Promise<void> {
    if (this.nodes[i].up) return;
    this.net.restart(this.hosts[i]);
    this.nodes[i] = this.makeNode(i);
    await this.start(i);
  }

  up(): SimNode[] {
    return this.nodes.filter((n) => n.up);
  }

  /** Publishes a new message and remembers who must get it if the cluster is connected and quiet. */
  publish(n: SimNode, subject: string): string {
    const msg = `m${this.nextMsg++}`;
    const p = this.prng;
    const sent: SimMessage = {
      subject,
      reply: p.chance(0.3) ? `_INBOX.${msg}` : null,
      headers: p.chance(0.3) ? `NATS/1.0\r\nSim-Id: ${msg}\r\n\r\n` : null,
      body: `${msg}|${"x".repeat(p.chance(0.1) ? p.int(0, 70_000) : p.int(0, 300))}`,
    };
    this.sent.set(msg, sent);
    const e: Expectation = { msg, sent, from: n.serverId, subject, plain: new Set(), groups: new Map() };
    for (const m of this.up()) {
      for (const s of m.subs.values()) {
        if (!subjectMatches(s.subject, subject)) continue;
        const who = `${m.serverId}/${s.sid}`;
        if (s.queue === null) {
          e.plain.add(who);
          continue;
        }
        let g = e.groups.get(s.queue);
        if (g === undefined) {
          g = { members: new Set(), local: new Set() };
          e.groups.set(s.queue, g);
        }
        g.members.add(who);
        if (m === n) g.local.add(who);
      }
    }
    this.expectations.push(e);
    n.publish(sent);
    return msg;
  }

  // ---- properties ----

  /**
   * (3) No subscriber gets a message twice, and no queue group gets it twice cluster-wide; and
   * whatever arrives is what was sent (subject, reply, headers, body), to a matching subscription.
   */
  checkNoDuplicates(): string[] {
    return checkNoDuplicates(this.deliveries, this.sent);
  }

  /**
   * (2) Every message published since the last call reached every matching plain subscriber
   * exactly once and every matching queue group exactly once, a local member when there is one.
   */
  checkExactDelivery(): string[] {
    return checkExactDelivery(this.expectations.splice(0), this.deliveries, "does not match", (q, g, to) =>
      g.local.size > 0 && !g.local.has(to) ? `queue group ${q} went to ${to} though the publisher's server has ${[...g.local].join(" ")}` : null);
  }

  /** (1) Every route's view of its peer's interest equals the peer's subscriptions. */
  checkInterest(): string[] {
    const errors: string[] = [];
    const byId = new Map(this.up().map((n) => [n.serverId, n] as const));
    for (const n of this.up()) {
      for (const [peerId, r] of n.manager.routes) {
        const peer = byId.get(peerId);
        if (peer === undefined) {
          errors.push(`${n.serverName} keeps a route to ${peerId}, which is not running`);
          continue;
        }
        const want = peer.expectedInterest();
        const have = r.interest
          .all()
          .map((s) => (s.queue === null ? s.subject : `${s.subject} ${s.queue} ${s.weight}`))
          .sort();
        if (JSON.stringify(want) !== JSON.stringify(have)) {
          errors.push(`${n.serverName} sees ${peer.serverName} interested in [${have.join(", ")}], but it has [${want.join(", ")}]`);
        }
      }
    }
    return errors;
  }

  /** (4)(5) Every pair of running servers is connected by exactly one route, the same one at both ends. */
  checkFullMesh(): string[] {
    const errors: string[] = [];
    const up = this.up();
    for (const a of up) {
      for (const b of up) {
        if (a === b) continue;
        const r = a.manager.routes.get(b.serverId);
        if (r === undefined) {
          errors.push(`${a.serverName} has no route to ${b.serverName}`);
          continue;
        }
        const back = b.manager.routes.get(a.serverId);
        const link = linkOf(r.socket);
        if (back !== undefined && linkOf(back.socket) !== link) {
          errors.push(`${a.serverName} and ${b.serverName} use different connections (${link} / ${linkOf(back.socket)})`);
        }
        if (a.host < b.host) {
          const links = this.net.linksBetween(a.host, b.host);
          if (links !== 1) errors.push(`${links} open connections between ${a.serverName} and ${b.serverName}`);
        }
      }
      if (a.manager.routes.size !== up.length - 1) errors.push(`${a.serverName} has ${a.manager.routes.size} routes, ${up.length - 1} servers run`);
    }
    return errors;
  }

  /**
   * Without faults, once a pair has a route it keeps one: a registered route may close only when
   * another connection to the same peer is already open to take over (both ends of a duplicate
   * pair keep the same connection; nobody has to redial).
   */
  checkNoRouteLost(since: Churn = { gone: 0, dials: 0 }): string[] {
    const now = this.churn();
    const gone = now.gone - since.gone;
    const dials = now.dials - since.dials;
    const errors = gone === 0 ? [] : [`${gone} registered routes closed with no other connection to their peer open, without any fault`];
    // two connections dialed by the same server to the same peer: nothing tells the ends which to keep
    if (dials > 0) errors.push(`${dials} dials to an address the server was already connected to, without any fault`);
    return errors;
  }

  /** Routes gone without a replacement (every incarnation) and parallel dials, so far. */
  churn(): Churn {
    return { gone: this.everyNode.reduce((n, node) => n + node.routesGone, 0), dials: this.net.parallelDials };
  }

  /** Describes a failure: the seed, the errors and the last events. */
  report(errors: string[], lines = 80): string {
    return [
      `seed ${this.o.seed} failed (replay: SIM_SEED=${this.o.seed})`,
      ...errors.slice(0, 10).map((e) => `  ${e}`),
      "last events:",
      this.trace.tail(lines),
    ].join("\n");
  }
}
