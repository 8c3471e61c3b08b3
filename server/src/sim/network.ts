// A simulated network for routes, driven by the (fake) timers and a seeded PRNG. Each connection
// carries two byte streams; within a stream bytes stay in order (as TCP), but every write is split
// into random chunks delivered after random delays. The network can cut a connection (data in
// flight lost, both ends see an error and close), partition the hosts (streams across the cut
// stall until healed, new dials fail or hang), heal, and crash a host (its connections vanish,
// the peers get a reset, its listener goes).

import { EventEmitter } from "node:events";
import type { RouteListener, RouteSocket, RouteTransport } from "../cluster/transport.js";
import type { Prng } from "./prng.js";
import type { Trace } from "./trace.js";

export interface NetworkProfile {
  /** usual one-way delay: 0..maxDelay ms */
  maxDelay: number;
  /** chance that a chunk takes a long delay (0..longDelay ms) instead */
  longDelayChance: number;
  longDelay: number;
  /** chance that a write is split into several chunks */
  splitChance: number;
}

export const CALM: NetworkProfile = { maxDelay: 2, longDelayChance: 0, longDelay: 0, splitChance: 0.5 };
export const ROUGH: NetworkProfile = { maxDelay: 20, longDelayChance: 0.05, longDelay: 400, splitChance: 0.7 };
/** delays long enough to time out handshakes and pings now and then */
export const STORMY: NetworkProfile = { maxDelay: 50, longDelayChance: 0.03, longDelay: 6000, splitChance: 0.8 };

/** How long a dial into a partition waits before it fails with ETIMEDOUT (SYN retries). */
const SYN_TIMEOUT = 127_000;

type Entry = { at: number; kind: "data"; data: Buffer } | { at: number; kind: "fin" } | { at: number; kind: "rst" };

function netError(code: string, text: string): Error {
  const e = new Error(`${code}: ${text}`) as Error & { code: string };
  e.code = code;
  return e;
}

/** One direction of a connection: entries delivered in order, each no earlier than its time. */
class Pipe {
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;

  constructor(
    private readonly net: SimNetwork,
    readonly from: SimSocket,
    readonly to: SimSocket,
  ) {}

  get idle(): boolean {
    return this.queue.length === 0;
  }

  pushData(data: Buffer): void {
    for (const piece of this.net.split(data)) this.push({ at: this.next(), kind: "data", data: piece });
  }

  pushFin(): void {
    this.push({ at: this.next(), kind: "fin" });
  }

  /** A reset: whatever is still queued is lost. */
  pushReset(): void {
    this.queue = [];
    this.push({ at: this.next(), kind: "rst" });
  }

  drop(): void {
    this.queue = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Tries again (after a heal). */
  kick(): void {
    this.schedule();
  }

  private next(): number {
    this.lastAt = Math.max(Date.now() + this.net.delay(), this.lastAt);
    return this.lastAt;
  }

  private push(e: Entry): void {
    this.queue.push(e);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.length === 0 || this.net.blocked(this.from.localHost, this.to.localHost)) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, this.queue[0].at - Date.now()));
  }

  private pump(): void {
    this.timer = null;
    while (this.queue.length > 0 && this.queue[0].at <= Date.now() && !this.net.blocked(this.from.localHost, this.to.localHost)) {
      const e = this.queue.shift() as Entry;
      if (e.kind === "data") this.to.receive(e.data);
      else if (e.kind === "fin") this.to.receiveFin();
      else this.to.reset();
    }
    this.schedule();
  }
}

/** One end of a simulated connection: the part of net.Socket that routes use. */
export class SimSocket extends EventEmitter implements RouteSocket {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  destroyed = false;
  readonly writableLength = 0;
  /** this end sent its FIN */
  private ended = false;
  private closeEmitted = false;
  out: Pipe | null = null;
  peer: SimSocket | null = null;

  constructor(
    readonly localHost: string,
    readonly linkId: number,
  ) {
    super();
  }

  setNoDelay(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}

  write(chunk: Buffer): boolean {
    if (this.destroyed || this.ended || this.out === null) return false;
    this.out.pushData(Buffer.from(chunk));
    return true;
  }

  end(): this {
    if (this.destroyed || this.ended) return this;
    this.ended = true;
    this.out?.pushFin();
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    if (!this.ended) this.out?.pushFin();
    this.ended = true;
    this.destroyed = true;
    this.emitClose(null);
    return this;
  }

  // ---- from the network ----

  receive(data: Buffer): void {
    if (this.destroyed) return;
    if (this.listenerCount("data") === 0) throw new Error(`sim: data for link ${this.linkId} before anyone reads it`);
    this.emit("data", data);
  }

  /** The peer closed its side: this side closes too (no half-open routes), answering with its FIN. */
  receiveFin(): void {
    if (this.destroyed) return;
    if (!this.ended) this.out?.pushFin();
    this.ended = true;
    this.destroyed = true;
    this.emitClose(null);
  }

  /** Connection reset (a cut, or the peer's host crashed). */
  reset(): void {
    if (this.closeEmitted) return;
    this.destroyed = true;
    this.ended = true;
    this.out?.drop();
    this.emitClose(netError("ECONNRESET", "read ECONNRESET"));
  }

  /** The host of this end crashed: gone without a word; what it had queued is lost and the peer gets a reset. */
  vanish(): void {
    if (!this.destroyed) this.out?.pushReset();
    else this.out?.drop();
    this.destroyed = true;
    this.ended = true;
    this.closeEmitted = true;
  }

  /** A dial that failed. */
  failDial(err: Error): void {
    if (this.closeEmitted) return;
    this.destroyed = true;
    this.emitClose(err);
  }

  get idle(): boolean {
    return this.out === null || this.out.idle;
  }

  /** This end is closed or closing. */
  get closing(): boolean {
    return this.destroyed || this.ended;
  }

  private emitClose(err: Error | null): void {
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    setTimeout(() => {
      if (err !== null && this.listenerCount("error") > 0) this.emit("error", err);
      this.emit("close");
    }, 0);
  }
}

interface PendingDial {
  socket: SimSocket;
  host: string;
  port: number;
  timer: NodeJS.Timeout;
}

export class SimNetwork {
  private readonly listeners = new Map<string, (s: SimSocket) => void>();
  private readonly down = new Set<string>();
  /** host -> side of the partition; null when healed */
  private sides: Map<string, number> | null = null;
  private readonly sockets = new Set<SimSocket>();
  private readonly hanging = new Set<PendingDial>();
  private nextLink = 1;
  /** connections opened from a host to an address it already had an open connection to */
  parallelDials = 0;
  private nextEphemeral = 50_000;

  constructor(
    private readonly prng: Prng,
    private profile: NetworkProfile,
    readonly trace: Trace,
  ) {}

  /** Changes the delays and chunking from now on. */
  setProfile(p: NetworkProfile): void {
    this.profile = p;
  }

  /** A one-way delay for the next chunk. */
  delay(): number {
    const p = this.profile;
    if (p.longDelayChance > 0 && this.prng.chance(p.longDelayChance)) return this.prng.int(0, p.longDelay);
    return this.prng.int(0, p.maxDelay);
  }

  /** A write cut into random pieces (every split point gets its turn across runs). */
  split(data: Buffer): Buffer[] {
    if (data.length < 2 || !this.prng.chance(this.profile.splitChance)) return [data];
    const cuts = new Set<number>();
    const n = this.prng.int(1, Math.min(4, data.length - 1));
    for (let i = 0; i < n; i++) cuts.add(this.prng.int(1, data.length - 1));
    const sorted = [...cuts].sort((a, b) => a - b);
    const out: Buffer[] = [];
    let from = 0;
    for (const c of sorted) {
      out.push(data.subarray(from, c));
      from = c;
    }
    out.push(data.subarray(from));
    return out;
  }

  blocked(a: string, b: string): boolean {
    if (this.sides === null) return false;
    return (this.sides.get(a) ?? -1) !== (this.sides.get(b) ?? -1);
  }

  /** The transport a server on `host` uses. */
  transport(host: string): RouteTransport {
    return {
      listen: (_h, port, onConnection): Promise<RouteListener> => Promise.resolve(this.listen(host, port, onConnection)),
      connect: (h, port): RouteSocket => this.connect(host, h, port),
    };
  }

  private listen(host: string, port: number, onConnection: (s: RouteSocket) => void): RouteListener {
    if (port <= 0) throw new Error("sim: servers listen on fixed ports");
    const key = `${host}:${port}`;
    if (this.listeners.has(key)) throw new Error(`sim: ${key} already in use`);
    this.listeners.set(key, onConnection);
    return { port, close: () => this.listeners.delete(key) };
  }

  private connect(from: string, host: string, port: number): SimSocket {
    const s = new SimSocket(from, this.nextLink++);
    s.remoteAddress = host;
    s.remotePort = port;
    setTimeout(() => this.tryDial(s, host, port), this.delay());
    return s;
  }

  private tryDial(s: SimSocket, host: string, port: number): void {
    if (s.destroyed) return;
    if (this.blocked(s.localHost, host)) {
      if (this.prng.chance(0.5)) {
        this.trace.add(`net: dial ${s.localHost} -> ${host}:${port} unreachable (partition)`);
        s.failDial(netError("EHOSTUNREACH", `connect EHOSTUNREACH ${host}:${port}`));
        return;
      }
      this.trace.add(`net: dial ${s.localHost} -> ${host}:${port} hangs (partition)`);
      const d: PendingDial = {
        socket: s,
        host,
        port,
        timer: setTimeout(() => {
          this.hanging.delete(d);
          s.failDial(netError("ETIMEDOUT", `connect ETIMEDOUT ${host}:${port}`));
        }, SYN_TIMEOUT),
      };
      this.hanging.add(d);
      return;
    }
    const accept = this.listeners.get(`${host}:${port}`);
    if (accept === undefined || this.down.has(host)) {
      s.failDial(netError("ECONNREFUSED", `connect ECONNREFUSED ${host}:${port}`));
      return;
    }
    const server = new SimSocket(host, s.linkId);
    server.remoteAddress = s.localHost;
    server.remotePort = this.nextEphemeral++;
    s.peer = server;
    server.peer = s;
    s.out = new Pipe(this, s, server);
    server.out = new Pipe(this, server, s);
    this.sockets.add(s);
    this.sockets.add(server);
    for (const o of this.sockets) {
      if (o.linkId !== s.linkId && o.localHost === s.localHost && o.remoteAddress === host && o.remotePort === port && !o.closing && o.peer !== null && !o.peer.closing) {
        this.parallelDials++;
        this.trace.add(`net: ${s.localHost} dials ${host}:${port} again while link ${o.linkId} is open`);
      }
    }
    this.trace.add(`net: link ${s.linkId} ${s.localHost} -> ${host}:${port} open`);
    // the dialer reads from the moment it is told; the listener's INFO comes after a delay
    s.emit("connect");
    accept(server);
  }

  /** Open connections between two hosts (either direction). */
  linksBetween(a: string, b: string): number {
    const ids = new Set<number>();
    for (const s of this.sockets) {
      if (s.destroyed || s.peer === null || s.peer.destroyed) continue;
      if ((s.localHost === a && s.peer.localHost === b) || (s.localHost === b && s.peer.localHost === a)) ids.add(s.linkId);
    }
    return ids.size;
  }

  /** Whether a connection between two hosts other than `linkId` is open with neither end closing. */
  otherOpenLink(a: string, b: string, linkId: number): boolean {
    for (const s of this.sockets) {
      if (s.linkId === linkId || s.closing || s.peer === null || s.peer.closing) continue;
      if (s.localHost === a && s.peer.localHost === b) return true;
    }
    return false;
  }

  /** Every open connection, once (the dialing end). */
  openLinks(): SimSocket[] {
    const seen = new Set<number>();
    const out: SimSocket[] = [];
    for (const s of this.sockets) {
      if (s.destroyed || seen.has(s.linkId)) continue;
      seen.add(s.linkId);
      out.push(s);
    }
    return out;
  }

  /** Cuts one connection: data in flight is lost; both ends see a reset. */
  cut(s: SimSocket): void {
    this.trace.add(`net: cut link ${s.linkId} ${s.localHost} <-> ${s.peer?.localHost ?? "?"}`);
    const peer = s.peer;
    s.out?.drop();
    peer?.out?.drop();
    s.reset();
    peer?.reset();
  }

  /** Splits the hosts in groups; hosts not listed are on a side of their own. */
  partition(groups: string[][]): void {
    this.sides = new Map();
    groups.forEach((g, i) => g.forEach((h) => this.sides?.set(h, i)));
    this.trace.add(`net: partition ${groups.map((g) => `[${g.join(" ")}]`).join(" ")}`);
  }

  heal(): void {
    if (this.sides === null) return;
    this.sides = null;
    this.trace.add("net: heal");
    for (const s of this.sockets) s.out?.kick();
    // a hanging dial connects with its next SYN
    for (const d of [...this.hanging]) {
      this.hanging.delete(d);
      clearTimeout(d.timer);
      setTimeout(() => this.tryDial(d.socket, d.host, d.port), 1 + this.prng.int(0, 1000));
    }
  }

  /** The host's process dies: its connections vanish, their peers get a reset, its listener goes. */
  crash(host: string): void {
    this.trace.add(`net: crash ${host}`);
    this.down.add(host);
    for (const s of this.sockets) if (s.localHost === host) s.vanish();
    for (const d of [...this.hanging]) {
      if (d.socket.localHost !== host) continue;
      this.hanging.delete(d);
      clearTimeout(d.timer);
      d.socket.vanish();
    }
    for (const key of [...this.listeners.keys()]) if (key.startsWith(`${host}:`)) this.listeners.delete(key);
  }

  restart(host: string): void {
    this.down.delete(host);
    this.trace.add(`net: restart ${host}`);
  }

  /** Nothing in flight and no dial pending. */
  get idle(): boolean {
    if (this.hanging.size > 0) return false;
    for (const s of this.sockets) if (!s.idle) return false;
    return true;
  }

  /** Forgets closed connections. */
  sweep(): void {
    for (const s of [...this.sockets]) if (s.destroyed && s.idle) this.sockets.delete(s);
  }
}
