import { describe, expect, it } from "vitest";
import type { LeafRemoteOptions } from "../config/options.js";
import { Remote, shuffled } from "./remote.js";

const URLS = ["nats-leaf://a:1", "nats-leaf://b:2", "nats-leaf://c:3", "nats-leaf://d:4"];

function opts(noRandomize: boolean, urls: string[] = URLS): LeafRemoteOptions {
  return { urls, account: "", credentials: "", nkey: "", noRandomize };
}

describe("a remote's URLs", () => {
  it("with no_randomize: tried in the configured order, round and round", () => {
    const r = new Remote(opts(true));
    expect(r.urls).toEqual(URLS);
    const picked = Array.from({ length: 6 }, () => r.pickNext());
    expect(picked).toEqual([...URLS, URLS[0], URLS[1]]);
  });

  it("without it: shuffled once (every URL kept), and the orders differ between remotes", () => {
    const orders = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = new Remote(opts(false));
      expect([...r.urls].sort()).toEqual(URLS);
      orders.add(r.urls.join(" "));
    }
    // 24 orders possible: 40 remotes all in one order would mean no shuffling
    expect(orders.size).toBeGreaterThan(1);
  });

  it("shuffles with the given random source", () => {
    // random() = 0 swaps each element with the first one
    expect(shuffled([1, 2, 3, 4], () => 0)).toEqual([2, 3, 4, 1]);
    expect(shuffled([1, 2, 3, 4], () => 0.999)).toEqual([1, 2, 3, 4]);
  });

  it("after a connection closes, the next attempt goes to the URL after the connected one, the hub's URLs included", () => {
    const r = new Remote(opts(true, ["nats-leaf://h1:7422"]));
    expect(r.pickNext()).toBe("nats-leaf://h1:7422");
    r.connected("nats-leaf://h1:7422", ["h1:7422", "h2:7422"]);
    expect(r.candidates()).toEqual(["nats-leaf://h1:7422", "h2:7422"]);
    expect(r.pickNext()).toBe("h2:7422");
    r.connected("h2:7422", ["h2:7422", "h1:7422"]);
    expect(r.pickNext()).toBe("nats-leaf://h1:7422");
  });
});
