// A TCP proxy a test controls, to put between two servers (a route, a client): it listens on a
// loopback port and forwards every connection to a target. `cut()` destroys the live connections
// and refuses (or blackholes) new ones; `freeze()` leaves the live connections open but lets
// nothing through any more (the peers only notice by ping timeouts); `heal()` restores
// forwarding for new connections.

import { connect, createServer, type Server, type Socket } from "node:net";

export type CutMode = "refuse" | "blackhole";

type State = "open" | "refuse" | "blackhole";

interface Pair {
  readonly down: Socket;
  readonly up: Socket;
  frozen: boolean;
}

export class TcpProxy {
  /** connections accepted since start (refused ones too) */
  attempts = 0;
  private state: State = "open";
  private readonly pairs = new Set<Pair>();
  private readonly held = new Set<Socket>();
  private readonly waiting = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private target: { readonly host: string; readonly port: number } | null,
  ) {}

  /** Forwards new connections (and those waiting for a target) to this target from now on. */
  retarget(target: { host: string; port: number }): void {
    this.target = target;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const s of waiting) if (!s.destroyed) this.forward(s, target);
  }

  /**
   * Starts a proxy on `listenHost` (random port) forwarding to target; with a null target,
   * connections wait (nothing read) until retarget() names one.
   */
  static start(target: { host: string; port: number } | null, listenHost = "127.0.0.1"): Promise<TcpProxy> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, listenHost, () => {
        server.off("error", reject);
        const addr = server.address();
        if (addr === null || typeof addr === "string") {
          server.close();
          reject(new Error("tcpproxy: no listen address"));
          return;
        }
        const proxy = new TcpProxy(server, listenHost, addr.port, target);
        server.on("connection", (s) => proxy.accept(s));
        resolve(proxy);
      });
    });
  }

  /** host:port the proxy listens on */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** live forwarded connections */
  get connections(): number {
    return this.pairs.size;
  }

  private accept(down: Socket): void {
    this.attempts++;
    down.on("error", () => down.destroy());
    if (this.state === "refuse") {
      down.destroy();
      return;
    }
    if (this.state === "blackhole") {
      this.hold(down);
      return;
    }
    down.pause();
    if (this.target === null) {
      this.waiting.add(down);
      down.on("close", () => this.waiting.delete(down));
      return;
    }
    this.forward(down, this.target);
  }

  private forward(down: Socket, target: { readonly host: string; readonly port: number }): void {
    const up = connect({ host: target.host, port: target.port });
    const pair: Pair = { down, up, frozen: false };
    this.pairs.add(pair);
    const drop = (): void => {
      this.pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    up.on("error", drop);
    down.on("error", drop);
    // a frozen connection is partitioned: one side closing is not seen by the other
    up.on("close", () => {
      if (!pair.frozen) drop();
    });
    down.on("close", () => {
      if (!pair.frozen) drop();
    });
    up.on("connect", () => down.resume());
    down.on("data", (d: Buffer) => {
      if (!pair.frozen) up.write(d);
    });
    up.on("data", (d: Buffer) => {
      if (!pair.frozen) down.write(d);
    });
  }

  /** Accepts a connection and never answers: bytes read are thrown away. */
  private hold(s: Socket): void {
    this.held.add(s);
    s.on("close", () => this.held.delete(s));
    s.resume();
  }

  /** Destroys the live connections; new ones are refused or blackholed. */
  cut(mode: CutMode = "refuse"): void {
    this.state = mode;
    for (const p of [...this.pairs]) {
      this.pairs.delete(p);
      p.down.destroy();
      p.up.destroy();
    }
  }

  /** Live connections stay open but carry nothing any more; new ones are blackholed. */
  freeze(): void {
    this.state = "blackhole";
    for (const p of this.pairs) p.frozen = true;
  }

  /** New connections are forwarded again; frozen and blackholed ones are closed. */
  heal(): void {
    this.state = "open";
    for (const p of [...this.pairs]) {
      if (!p.frozen) continue;
      this.pairs.delete(p);
      p.down.destroy();
      p.up.destroy();
    }
    for (const s of [...this.held]) s.destroy();
    this.held.clear();
  }

  /** Stops listening and closes everything. */
  close(): Promise<void> {
    this.cut("refuse");
    for (const s of [...this.waiting]) s.destroy();
    this.waiting.clear();
    for (const s of [...this.held]) s.destroy();
    this.held.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
