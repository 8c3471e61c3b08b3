// The remote gateways (clusters) this server knows: configured ones and the ones learned from
// inbound connections and gossip, each with the gateway URLs of its servers.

import { parseRouteURL } from "../config/cluster.js";

export class RemoteGateway {
  /** host:port -> the URL to dial (configured URLs keep their scheme and credentials) */
  private readonly byHostPort = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly configured: boolean,
  ) {}

  add(url: string): void {
    const hp = parseRouteURL(url);
    if (hp === null) return;
    const key = `${hp.host}:${hp.port}`;
    if (!this.byHostPort.has(key)) this.byHostPort.set(key, url);
  }

  /** host:port of every known server of the remote cluster */
  urls(): string[] {
    return [...this.byHostPort.keys()];
  }

  /** The URL for the attempt-th try: configured order first, then the learned ones, round robin. */
  pick(attempt: number): string | null {
    const all = [...this.byHostPort.values()];
    if (all.length === 0) return null;
    return all[attempt % all.length];
  }
}

export class RemoteGateways {
  private readonly byName = new Map<string, RemoteGateway>();

  /** `own`: this cluster's gateway name (a gateways list may name it; it is skipped) */
  constructor(private readonly own: string) {}

  configure(name: string, urls: readonly string[]): void {
    if (name === this.own) return;
    let r = this.byName.get(name);
    if (r === undefined || !r.configured) {
      const prev = r;
      r = new RemoteGateway(name, true);
      for (const u of urls) r.add(u);
      if (prev !== undefined) for (const u of prev.urls()) r.add(u);
      this.byName.set(name, r);
      return;
    }
    for (const u of urls) r.add(u);
  }

  /** URLs learned from an INFO or gossip; creates an implicit remote when unknown. */
  learn(name: string, urls: readonly string[]): void {
    if (name === this.own) return;
    let r = this.byName.get(name);
    if (r === undefined) {
      r = new RemoteGateway(name, false);
      this.byName.set(name, r);
    }
    for (const u of urls) r.add(u);
  }

  get(name: string): RemoteGateway | undefined {
    return this.byName.get(name);
  }

  all(): RemoteGateway[] {
    return [...this.byName.values()];
  }
}
