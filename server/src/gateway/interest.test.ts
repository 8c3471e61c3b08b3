import { describe, expect, it } from "vitest";
import { ClusterInterest, OutboundInterest } from "./interest.js";

describe("ClusterInterest", () => {
  it("announces a subject or queue group when it appears and when it goes", () => {
    const changes: string[] = [];
    const ci = new ClusterInterest((s, q, present) => changes.push(`${present ? "+" : "-"}${s}${q !== null ? ` ${q}` : ""}`));
    const a = { subject: "foo", queue: null };
    const b = { subject: "foo", queue: null };
    const q = { subject: "foo", queue: "g" };
    ci.inserted(a);
    ci.inserted(b);
    ci.inserted(q);
    expect(ci.subLines("$G")).toBe("RS+ $G foo\r\nRS+ $G foo g 1\r\n");
    ci.removed(a);
    ci.removed(q);
    ci.removed(b);
    ci.removed(b);
    expect(changes).toEqual(["+foo", "+foo g", "-foo g", "-foo"]);
    expect(ci.size).toBe(0);
  });
});

describe("OutboundInterest", () => {
  it("optimistic: everything but RS- subjects, nothing after A-", () => {
    const oi = new OutboundInterest(false);
    expect(oi.match("foo")).toEqual({ plain: true, queues: [] });
    oi.unsub("foo", null);
    expect(oi.match("foo").plain).toBe(false);
    expect(oi.match("bar").plain).toBe(true);
    oi.sub("foo", null);
    expect(oi.match("foo").plain).toBe(true);
    oi.sub("foo", "g");
    expect(oi.match("foo")).toEqual({ plain: true, queues: ["g"] });
    oi.account(false);
    expect(oi.match("bar")).toEqual({ plain: false, queues: [] });
    expect(oi.match("foo")).toEqual({ plain: false, queues: ["g"] });
    oi.account(true);
    expect(oi.match("bar").plain).toBe(true);
  });

  it("switches to interest-only (gateway_cmd 2, RS+, gateway_cmd 3)", () => {
    const oi = new OutboundInterest(false);
    oi.unsub("bar", null);
    oi.startInterestOnly();
    expect(oi.mode).toBe("Transitioning");
    oi.sub("foo.*", null);
    expect(oi.match("baz").plain).toBe(true);
    oi.completeInterestOnly();
    expect(oi.mode).toBe("Interest-Only");
    expect(oi.match("baz").plain).toBe(false);
    expect(oi.match("foo.x").plain).toBe(true);
    oi.unsub("foo.*", null);
    expect(oi.match("foo.x").plain).toBe(false);
  });

  it("starts interest-only when the remote says so in its INFO (gateway_iom)", () => {
    const oi = new OutboundInterest(true);
    expect(oi.match("foo").plain).toBe(false);
    oi.sub("foo", null);
    oi.sub("foo", null);
    expect(oi.subscriptionCount).toBe(1);
    expect(oi.match("foo").plain).toBe(true);
  });
});
