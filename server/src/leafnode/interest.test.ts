import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { Subscription, type SubscriptionOwner } from "../client/subscription.js";
import { RemoteSub } from "../cluster/route.js";
import { Logger } from "../logger.js";
import { tells } from "./interest.js";
import type { LeafHost } from "./host.js";
import { LeafConnection } from "./leafnode.js";

const host = { logger: new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" }), limits: { maxPayload: 1024 } } as unknown as LeafHost;

function leaf(cid: number, solicited: boolean): LeafConnection {
  return new LeafConnection(cid, new Socket(), solicited, host);
}

const client: SubscriptionOwner = { cid: 100, kind: "client", deliver: () => true };

describe("which interest a leaf connection is told of", () => {
  const spokeConn = leaf(1, false); // our spoke connected to us
  const hubConn = leaf(2, true); // our connection to a hub
  const otherHub = leaf(3, true);
  const otherSpoke = leaf(4, false);
  const local = new Subscription(client, "a", null, "1");
  const routed = new RemoteSub("b", null, 1);

  it("a spoke hears of everything but its own subscriptions", () => {
    expect(tells(spokeConn, local, false)).toBe(true);
    expect(tells(spokeConn, routed, true)).toBe(true);
    expect(tells(spokeConn, new Subscription(otherHub, "c", null, "c"), false)).toBe(true);
    expect(tells(spokeConn, new Subscription(otherSpoke, "d", null, "d"), false)).toBe(true);
    expect(tells(spokeConn, new Subscription(spokeConn, "e", null, "e"), false)).toBe(false);
  });

  it("a hub hears of this server's and its spokes' subscriptions only", () => {
    expect(tells(hubConn, local, false)).toBe(true);
    expect(tells(hubConn, new Subscription(otherSpoke, "d", "q", "d q"), false)).toBe(true);
    expect(tells(hubConn, routed, true)).toBe(false);
    expect(tells(hubConn, new Subscription(otherHub, "c", null, "c"), false)).toBe(false);
    expect(tells(hubConn, new Subscription(hubConn, "e", null, "e"), false)).toBe(false);
  });
});
