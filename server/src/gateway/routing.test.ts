import { describe, expect, it } from "vitest";
import { Subscription, type Publisher } from "../client/subscription.js";
import { Logger } from "../logger.js";
import { Sublist } from "../sublist/sublist.js";
import type { Gateway } from "./connection.js";
import { OutboundInterest } from "./interest.js";
import { gatewayHash } from "./reply.js";
import { GatewayReplyMap } from "./replymap.js";
import { GatewayRouter } from "./routing.js";

interface Sent {
  subject: string;
  reply: string | null;
  queues: string[];
}

/** The parts of a Gateway the router uses: name, interest, reply prefix support, sendMsg. */
function fakeGateway(name: string, interest: Array<[string, string | null]>, rtt = 0): { g: Gateway; sent: Sent[] } {
  const oi = new OutboundInterest(true);
  for (const [s, q] of interest) oi.sub(s, q);
  const sent: Sent[] = [];
  const fake = {
    remoteName: name,
    rtt,
    interest: oi,
    newReplyPrefix: true,
    sendMsg: (subject: string, reply: string | null, queues: readonly string[]) => sent.push({ subject, reply, queues: [...queues] }),
  };
  return { g: fake as unknown as Gateway, sent };
}

function localClient(): { client: Publisher; got: Array<{ subject: string; reply: string | null }> } {
  const got: Array<{ subject: string; reply: string | null }> = [];
  const client: Publisher = {
    cid: 1,
    kind: "client",
    opts: { echo: true, noResponders: false },
    deliver: (_sub, subject, reply) => {
      got.push({ subject, reply });
      return true;
    },
  };
  return { client, got };
}

const logger = new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" });

function router(gateways: Gateway[], sublist = new Sublist<Subscription>()): GatewayRouter {
  const outbound = new Map(gateways.map((g) => [g.remoteName, g]));
  return new GatewayRouter(sublist, logger, outbound, new Map(), () => null, new GatewayReplyMap(gatewayHash("A")), gatewayHash("A"), gatewayHash("NSERVER"));
}

describe("GatewayRouter.forward", () => {
  it("sends to clusters with plain interest, each unserved queue group to the nearest cluster, with the reply mapped", () => {
    const b = fakeGateway("B", [["foo", null], ["foo", "q"]], 5);
    const c = fakeGateway("C", [["foo", "q"], ["foo", "served"]], 2);
    const d = fakeGateway("D", [["bar", null]], 1);
    const r = router([b.g, c.g, d.g]);
    const served = new Set(["served"]);
    expect(r.forward("foo", "_INBOX.1", -1, Buffer.from("x"), served)).toBe(2);
    expect(served.has("q")).toBe(true);
    const mapped = `_GR_.${gatewayHash("A")}.${gatewayHash("NSERVER")}._INBOX.1`;
    expect(b.sent).toEqual([{ subject: "foo", reply: mapped, queues: [] }]);
    expect(c.sent).toEqual([{ subject: "foo", reply: mapped, queues: ["q"] }]);
    expect(d.sent).toEqual([]);
  });

  it("sends nothing without interest, and nothing for a queue group served here", () => {
    const b = fakeGateway("B", [["foo", "q"]]);
    const r = router([b.g]);
    expect(r.forward("foo", null, -1, Buffer.from("x"), new Set(["q"]))).toBe(0);
    expect(r.forward("other", null, -1, Buffer.from("x"), new Set())).toBe(0);
    expect(b.sent).toEqual([]);
    expect(r.hasInterest("foo")).toBe(true);
    expect(r.hasInterest("other")).toBe(false);
  });
});

describe("GatewayRouter.handleReply", () => {
  it("delivers a reply for this server locally under the original subject", () => {
    const sublist = new Sublist<Subscription>();
    const { client, got } = localClient();
    sublist.insert(new Subscription(client, "_INBOX.abc.*", null, "1"));
    const r = router([], sublist);
    const subject = `_GR_.${gatewayHash("A")}.${gatewayHash("NSERVER")}._INBOX.abc.1`;
    expect(r.handleReply(client, subject, null, -1, Buffer.from("ok"), "gateway")).toBe(true);
    expect(got).toEqual([{ subject: "_INBOX.abc.1", reply: null }]);
  });

  it("sends a reply for another cluster to that cluster's gateway, unchanged", () => {
    const b = fakeGateway("B", []);
    const c = fakeGateway("C", []);
    const r = router([b.g, c.g]);
    const { client } = localClient();
    const subject = `_GR_.${gatewayHash("C")}.abcdef._INBOX.x`;
    expect(r.handleReply(client, subject, null, -1, Buffer.from("ok"), "client")).toBe(true);
    expect(c.sent).toEqual([{ subject, reply: null, queues: [] }]);
    expect(b.sent).toEqual([]);
    // never from one gateway to another
    expect(r.handleReply(client, subject, null, -1, Buffer.from("ok"), "gateway")).toBe(true);
    expect(c.sent.length).toBe(1);
  });

  it("hands back a reply it has no way on for (the caller routes it by interest)", () => {
    const r = router([fakeGateway("B", []).g]);
    const { client } = localClient();
    expect(r.handleReply(client, `_GR_.${gatewayHash("Z")}.abcdef._INBOX.x`, null, -1, Buffer.from(""), "client")).toBe(false);
    expect(r.hasInterest(`_GR_.${gatewayHash("Z")}.abcdef._INBOX.x`)).toBe(false);
    expect(r.hasInterest(`_GR_.${gatewayHash("B")}.abcdef._INBOX.x`)).toBe(true);
  });

  it("delivers a reply for a server of this cluster it has no route to here, under its own subject", () => {
    const sublist = new Sublist<Subscription>();
    const { client, got } = localClient();
    sublist.insert(new Subscription(client, ">", null, "1"));
    const r = router([fakeGateway("B", []).g], sublist);
    expect(r.handleReply(client, `_GR_.${gatewayHash("A")}.abcdef._INBOX.x`, "re", -1, Buffer.from("late"), "route")).toBe(true);
    expect(r.handleReply(client, `_GR_.${gatewayHash("A")}.abcdef._INBOX.y`, null, -1, Buffer.from("late"), "client")).toBe(true);
    expect(got).toEqual([
      { subject: "_INBOX.x", reply: "re" },
      { subject: "_INBOX.y", reply: null },
    ]);
  });

  it("leaves other subjects alone", () => {
    const r = router([]);
    const { client } = localClient();
    expect(r.handleReply(client, "_INBOX.x", null, -1, Buffer.from(""), "client")).toBe(false);
    expect(r.handleReply(client, "_GR_.bad", null, -1, Buffer.from(""), "client")).toBe(false);
  });
});
