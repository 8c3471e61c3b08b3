// One configured remote (hub) of a spoke and the order its URLs are tried in. As nats-server, the
// configured URLs are shuffled once unless the remote says `no_randomize` (or `dont_randomize`);
// the hub's advertised leafnode_urls follow them. Each attempt, and each reconnect after a
// connection closed, goes on to the next URL, so that a hub going away (lame duck, shutdown) is
// not dialed again before the others have been tried.

import { parseLeafURL } from "../config/leafnode.js";
import type { LeafRemoteOptions } from "../config/options.js";
import type { LeafConnection } from "./leafnode.js";

function hostPortOf(url: string): string {
  const hp = parseLeafURL(url);
  return hp === null ? url : `${hp.host}:${hp.port}`;
}

/** A shuffled copy (Fisher-Yates); `random` returns [0, 1). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export class Remote {
  /** the configured URLs in the order they are tried */
  readonly urls: readonly string[];
  /** hub URLs learned from its INFO (host:port) */
  learned: string[] = [];
  /** index (into candidates()) of the next URL to dial */
  next = 0;
  failures = 0;
  conn: LeafConnection | null = null;
  /** no attempt before this time (a loop was detected) */
  notBefore = 0;

  constructor(
    readonly opts: LeafRemoteOptions,
    random: () => number = Math.random,
  ) {
    this.urls = opts.noRandomize ? [...opts.urls] : shuffled(opts.urls, random);
  }

  /** configured URLs first, then the hub's advertised ones not configured already */
  candidates(): string[] {
    const out = [...this.urls];
    const known = new Set(out.map((u) => hostPortOf(u)));
    for (const u of this.learned) if (!known.has(u)) out.push(u);
    return out;
  }

  /** The URL to dial now; the one after it is next. undefined without URLs. */
  pickNext(): string | undefined {
    const urls = this.candidates();
    if (urls.length === 0) return undefined;
    const url = urls[this.next % urls.length];
    this.next = (this.next % urls.length) + 1;
    return url;
  }

  /**
   * The connection over `url` is up and the hub told its URLs: the next attempt (after this
   * connection closes) goes to the URL after `url` in the new list.
   */
  connected(url: string, hubURLs: string[]): void {
    this.failures = 0;
    this.learned = hubURLs;
    const urls = this.candidates();
    const at = urls.indexOf(url);
    if (at >= 0) this.next = at + 1;
  }
}
