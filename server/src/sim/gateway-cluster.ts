// A simulated supercluster: 2-3 clusters of 2-3 GatewayNodes on one SimNetwork, one seed for
// everything random, and the checks of the gateway properties. Time is the caller's (fake) clock.

import { gatewayHash, parseGatewayReply } from "../gateway/reply.js";
import { subjectMatches } from "../sublist/subject.js";
import { GATEWAY_PORT, GatewayNode, type SimRemoteGateway } from "./gateway-node.js";
import { type NetworkProfile, SimNetwork } from "./network.js";
import { type Delivery, ROUTE_PORT, type SimMessage } from "./node.js";
import { checkExactDelivery, checkNoDuplicates, type DeliveryExpectation } from "./delivery-checks.js";
import { Prng } from "./prng.js";
import { Trace } from "./trace.js";

/** full: every server is configured with every remote cluster; sparse: one server with all, the others with few or none (gossip does the rest) */
export type GatewayTopology = "full" | "sparse";

export interface SuperclusterOptions {
  seed: number;
  clusters: number;
  servers: number;
  topology: GatewayTopology;
  profile: NetworkProfile;
  advance: (ms: number) => void;
}

interface GroupExpectation {
  members: Set<string>;
  /** members on the publishing server, and in its cluster */
  server: Set<string>;
  cluster: Set<string>;
}

type Expectation = DeliveryExpectation<GroupExpectation>;

/** A request (4): the requester's inbox subscription, and the responses published for it. */
interface Request {
  node: GatewayNode;
  sid: string;
  inbox: string;
  responses: string[];
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CLUSTER_NAMES = ["A", "B", "C"];

export class SimSupercluster {
  readonly prng: Prng;
  readonly trace = new Trace(600);
  readonly net: SimNetwork;
  readonly names: string[];
  /** hosts of each cluster */
  readonly hosts: string[][];
  /** the current incarnation of each server, by cluster */
  readonly nodes: GatewayNode[][] = [];
  private readonly everyNode: GatewayNode[] = [];
  readonly deliveries: Delivery[] = [];
  /** faults injected (gatewayCuts: cuts of a gateway connection), so that a test can tell a run exercised something */
  readonly faults = { cuts: 0, gatewayCuts: 0, partitions: 0, crashes: 0 };
  /** responses that went back over a `_GR_.` mapping, and requests made */
  readonly replies = { mapped: 0, requests: 0 };
  private nextMsg = 1;
  private readonly sent = new Map<string, SimMessage>();
  private readonly expectations: Expectation[] = [];
  private readonly requests: Request[] = [];
  /** while set, a delivery of a request (subject `svc.*` with a reply) is answered by its subscriber's server */
  responding = false;

  constructor(private readonly o: SuperclusterOptions) {
    this.prng = new Prng(o.seed);
    this.net = new SimNetwork(new Prng(o.seed ^ 0x27d4eb2f), o.profile, this.trace);
    this.names = CLUSTER_NAMES.slice(0, o.clusters);
    this.hosts = this.names.map((_, c) => Array.from({ length: o.servers }, (_, i) => `10.${c + 1}.0.${i + 1}`));
    for (let c = 0; c < o.clusters; c++) this.nodes.push(this.hosts[c].map((_, i) => this.makeNode(c, i)));
  }

  advance(ms: number): void {
    this.o.advance(ms);
  }

  private newId(): string {
    let id = "N";
    for (let i = 0; i < 20; i++) id += ID_CHARS[this.prng.int(0, ID_CHARS.length - 1)];
    return id;
  }

  private gatewayURL(c: number, i: number): string {
    return `nats://${this.hosts[c][i]}:${GATEWAY_PORT}`;
  }

  /** The remote clusters server i of cluster c is configured with. */
  private remotesOf(c: number, i: number): SimRemoteGateway[] {
    const out: SimRemoteGateway[] = [];
    for (let r = 0; r < this.names.length; r++) {
      if (r === c) continue;
      if (this.o.topology === "full") {
        out.push({ name: this.names[r], urls: this.hosts[r].map((_, j) => this.gatewayURL(r, j)) });
      } else if ((c === 0 && i === 0) || this.prng.chance(0.25)) {
        out.push({ name: this.names[r], urls: [this.gatewayURL(r, this.prng.int(0, this.hosts[r].length - 1))] });
      }
    }
    return out;
  }

  private makeNode(c: number, i: number): GatewayNode {
    const routes = this.hosts[c].flatMap((h, j) => (j === i ? [] : [`nats-route://${h}:${ROUTE_PORT}`]));
    const n = new GatewayNode(this.net, this.hosts[c][i], this.newId(), this.names[c], routes, this.remotesOf(c, i), this.trace, (d) => this.delivered(d));
    this.everyNode.push(n);
    return n;
  }

  /** Registered gateway connections that closed, over every incarnation of every server. */
  gatewaysLost(): number {
    return this.everyNode.reduce((n, node) => n + node.logger.gatewaysLost, 0);
  }

  all(): GatewayNode[] {
    return this.nodes.flat();
  }

  up(): GatewayNode[] {
    return this.all().filter((n) => n.up);
  }

  clusterOf(n: GatewayNode): number {
    return this.names.indexOf(n.clusterName);
  }

  async startAll(stagger = 0): Promise<void> {
    for (const n of this.all()) {
      this.trace.add(`sim: start ${n.host} (${n.clusterName}) as ${n.serverId}`);
      await n.start();
      if (stagger > 0) this.advance(this.prng.int(0, stagger));
    }
  }

  crash(n: GatewayNode): void {
    if (!n.up) return;
    this.trace.add(`sim: crash ${n.serverName} (${n.clusterName})`);
    this.faults.crashes++;
    n.crash();
  }

  /** Every crashed server comes back with a new id and no subscriptions. */
  async restartAll(): Promise<void> {
    for (let c = 0; c < this.nodes.length; c++) {
      for (let i = 0; i < this.nodes[c].length; i++) await this.restart(c, i);
    }
  }

  async restart(c: number, i: number): Promise<void> {
    if (this.nodes[c][i].up) return;
    this.net.restart(this.hosts[c][i]);
    const n = this.makeNode(c, i);
    this.nodes[c][i] = n;
    this.trace.add(`sim: restart ${n.host} (${n.clusterName}) as ${n.serverId}`);
    await n.start();
  }

  cut(): void {
    const links = this.net.openLinks();
    if (links.length === 0) return;
    const link = this.prng.pick(links);
    this.faults.cuts++;
    // the dialing end: its remote port tells a gateway connection from a route
    if (link.remotePort === GATEWAY_PORT || link.peer?.remotePort === GATEWAY_PORT) this.faults.gatewayCuts++;
    this.net.cut(link);
  }

  /** Cuts the hosts in two random non-empty sides. */
  partition(): void {
    const hosts = this.hosts.flat();
    const k = this.prng.int(1, hosts.length - 1);
    const side = new Set<string>();
    while (side.size < k) side.add(this.prng.pick(hosts));
    this.faults.partitions++;
    this.net.partition([[...side], hosts.filter((h) => !side.has(h))]);
  }

  // ---- messages ----

  /** Publishes a new message and remembers who must get it if everything is connected and quiet. */
  publish(n: GatewayNode, subject: string, opts: { reply?: string | null; body?: string } = {}): string {
    const msg = `m${this.nextMsg++}`;
    const p = this.prng;
    const sent: SimMessage = {
      subject,
      reply: opts.reply !== undefined ? opts.reply : p.chance(0.3) ? `_INBOX.${msg}` : null,
      headers: p.chance(0.3) ? `NATS/1.0\r\nSim-Id: ${msg}\r\n\r\n` : null,
      body: `${msg}|${opts.body ?? "x".repeat(p.chance(0.1) ? p.int(0, 70_000) : p.int(0, 300))}`,
    };
    this.sent.set(msg, sent);
    // a reply of another cluster's request goes straight back to the requester's server only
    const routed = subject.startsWith("_GR_.") ? subject : n.gateways.routedReply(subject);
    const gr = routed !== undefined ? parseGatewayReply(routed) : null;
    if (gr !== null) this.replies.mapped++;
    const targets = gr === null ? this.up() : this.up().filter((m) => gatewayHash(m.serverId) === gr.serverHash && gatewayHash(m.clusterName) === gr.clusterHash);
    const e: Expectation = { msg, sent, from: `${n.serverName} (${n.clusterName})`, subject, plain: new Set(), groups: new Map() };
    for (const m of targets) {
      for (const s of m.subs.values()) {
        if (!subjectMatches(s.subject, gr === null ? subject : gr.subject)) continue;
        const who = `${m.serverId}/${s.sid}`;
        if (s.queue === null) {
          e.plain.add(who);
          continue;
        }
        let g = e.groups.get(s.queue);
        if (g === undefined) e.groups.set(s.queue, (g = { members: new Set(), server: new Set(), cluster: new Set() }));
        g.members.add(who);
        if (m === n) g.server.add(who);
        if (m.clusterName === n.clusterName) g.cluster.add(who);
      }
    }
    this.expectations.push(e);
    n.publish(sent);
    return msg;
  }

  /** A request from `n`: its inbox is subscribed first; responders answer while `responding`. */
  request(n: GatewayNode): Request {
    const inbox = `_INBOX.r${this.requests.length + 1}`;
    const sid = n.subscribe(inbox, null);
    const r: Request = { node: n, sid, inbox, responses: [] };
    this.requests.push(r);
    this.replies.requests++;
    return r;
  }

  private delivered(d: Delivery): void {
    this.deliveries.push(d);
    if (!this.responding || d.reply === null || !d.msgSubject.startsWith("svc.")) return;
    const n = this.up().find((m) => m.serverId === d.node);
    const req = this.requests.find((r) => r.inbox === d.reply);
    if (n === undefined || req === undefined) return;
    const reply = d.reply;
    // a client answers a little later, not from inside the delivery
    setTimeout(() => {
      if (!n.up) return;
      req.responses.push(this.publish(n, reply, { reply: null, body: `response to ${d.msg} from ${n.serverName}/${d.sid}` }));
    }, this.prng.int(0, 20));
  }

  // ---- properties ----

  /** (3) Nothing delivered twice (per subscriber, per queue group), and nothing altered or misdelivered. */
  checkNoDuplicates(): string[] {
    return checkNoDuplicates(this.deliveries, this.sent);
  }

  /**
   * (2) Every message published since the last call reached every matching plain subscriber in
   * every cluster exactly once, and every matching queue group exactly once supercluster-wide: a
   * member on the publishing server when there is one, else one in its cluster when there is one.
   */
  checkExactDelivery(): string[] {
    return checkExactDelivery(this.expectations.splice(0), this.deliveries, "should not get it", (q, g, to) => {
      if (g.server.size > 0 && !g.server.has(to)) return `queue group ${q} went to ${to} though the publishing server has ${[...g.server].join(" ")}`;
      if (g.cluster.size > 0 && !g.cluster.has(to)) return `queue group ${q} went to ${to} though the publishing cluster has ${[...g.cluster].join(" ")}`;
      return null;
    });
  }

  /** Requests made while something was down: their responses may be lost (duplicates are still checked). */
  forgetRequests(): void {
    this.requests.splice(0);
  }

  /** (4) Every request's inbox got each of its responses exactly once. */
  checkReplies(): string[] {
    const errors: string[] = [];
    for (const r of this.requests.splice(0)) {
      for (const resp of r.responses) {
        const n = this.deliveries.filter((d) => d.msg === resp && d.node === r.node.serverId && d.sid === r.sid).length;
        if (n !== 1) errors.push(`response ${resp} to ${r.inbox} reached the requester ${n} times`);
      }
    }
    return errors;
  }

  /** (1) Each outbound gateway is in interest-only mode and sees exactly the remote cluster's subscriptions. */
  checkInterest(): string[] {
    const errors: string[] = [];
    for (const n of this.up()) {
      for (const [name, g] of n.gateways.outbound) {
        const want = new Set<string>();
        for (const m of this.up()) if (m.clusterName === name) for (const k of m.interestKeys()) want.add(k);
        if (g.interest.mode !== "Interest-Only") errors.push(`${n.serverName} (${n.clusterName}) sees ${name} in mode ${g.interest.mode}`);
        const have = g.interest.positive
          .all()
          .map((s) => (s.queue === null ? s.subject : `${s.subject} ${s.queue}`))
          .sort();
        const wanted = [...want].sort();
        if (JSON.stringify(have) !== JSON.stringify(wanted)) {
          errors.push(`${n.serverName} (${n.clusterName}) sees ${name} interested in [${have.join(", ")}], but it has [${wanted.join(", ")}]`);
        }
      }
    }
    return errors;
  }

  /** (5) Every running server has a registered outbound gateway to every other cluster, to a running server of it. */
  checkMesh(): string[] {
    const errors: string[] = [];
    const up = this.up();
    for (const n of up) {
      for (const name of this.names) {
        if (name === n.clusterName || !up.some((m) => m.clusterName === name)) continue;
        const g = n.gateways.outbound.get(name);
        if (g === undefined) {
          errors.push(`${n.serverName} (${n.clusterName}) has no outbound gateway to ${name}`);
          continue;
        }
        if (!up.some((m) => m.clusterName === name && m.serverId === g.remoteId)) errors.push(`${n.serverName} (${n.clusterName}) has its gateway to ${name} on ${g.remoteId}, which is not running`);
      }
      if (n.manager.routes.size !== up.filter((m) => m.clusterName === n.clusterName).length - 1) errors.push(`${n.serverName} (${n.clusterName}) has ${n.manager.routes.size} routes`);
    }
    return errors;
  }

  report(errors: string[], lines = 80): string {
    return [`seed ${this.o.seed} failed (replay: SIM_SEED=${this.o.seed})`, ...errors.slice(0, 10).map((e) => `  ${e}`), "last events:", this.trace.tail(lines)].join("\n");
  }
}
