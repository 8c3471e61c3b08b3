import { describe, expect, it } from "vitest";
import { forwardToRoutes, LocalInterest } from "./fanout.js";
import type { Route } from "./route.js";
import { RemoteSub } from "./route.js";
import { Sublist } from "../sublist/sublist.js";

interface Sent {
  subject: string;
  reply: string | null;
  queues: string[];
}

/** The parts of a Route that fan-out uses. */
function fakeRoute(subs: Array<[string, string | null, number]>): { route: Route; sent: Sent[]; text: string[] } {
  const interest = new Sublist<RemoteSub>();
  for (const [s, q, w] of subs) interest.insert(new RemoteSub(s, q, w));
  const sent: Sent[] = [];
  const text: string[] = [];
  const fake = {
    interest,
    sendMsg: (subject: string, reply: string | null, queues: readonly string[]) => sent.push({ subject, reply, queues: [...queues] }),
    sendSub: (s: string, q: string | null, w: number) => text.push(q === null ? `RS+ $G ${s}` : `RS+ $G ${s} ${q} ${w}`),
    sendUnsub: (s: string, q: string | null) => text.push(q === null ? `RS- $G ${s}` : `RS- $G ${s} ${q}`),
    sendText: (t: string) => text.push(t),
  };
  return { route: fake as unknown as Route, sent, text };
}

describe("forwardToRoutes", () => {
  it("sends to routes with plain interest and gives each queue group to one route", () => {
    const a = fakeRoute([["foo", null, 0], ["foo", "q", 1]]);
    const b = fakeRoute([["foo", "q", 2], ["bar", null, 0]]);
    let toA = 0;
    for (let i = 0; i < 200; i++) {
      a.sent.length = 0;
      b.sent.length = 0;
      expect(forwardToRoutes([a.route, b.route], "foo", "r", -1, Buffer.from("x"), new Set())).toBeGreaterThanOrEqual(1);
      const queues = [...a.sent, ...b.sent].flatMap((s) => s.queues);
      expect(queues).toEqual(["q"]);
      expect(a.sent.length).toBe(1);
      if (a.sent[0].queues.length === 1) toA++;
    }
    expect(toA).toBeGreaterThan(20);
    expect(toA).toBeLessThan(180);
  });

  it("skips queue groups served locally and routes without interest", () => {
    const a = fakeRoute([["foo", "q", 1]]);
    const b = fakeRoute([["bar", null, 0]]);
    expect(forwardToRoutes([a.route, b.route], "foo", null, -1, Buffer.from("x"), new Set(["q"]))).toBe(0);
    expect(a.sent).toEqual([]);
    expect(b.sent).toEqual([]);
  });
});

describe("LocalInterest", () => {
  it("announces a subject once and queue weights on every change", () => {
    const r = fakeRoute([]);
    const li = new LocalInterest(() => [r.route]);
    const s1 = { subject: "foo", queue: null };
    const s2 = { subject: "foo", queue: null };
    const q1 = { subject: "foo", queue: "g" };
    const q2 = { subject: "foo", queue: "g" };
    li.inserted(s1);
    li.inserted(s2);
    li.inserted(q1);
    li.inserted(q2);
    li.removed(s1);
    li.removed(q1);
    li.removed(s2);
    li.removed(q2);
    expect(r.text).toEqual(["RS+ $G foo", "RS+ $G foo g 1", "RS+ $G foo g 2", "RS+ $G foo g 1", "RS- $G foo", "RS- $G foo g"]);
    li.inserted(q1);
    const late = fakeRoute([]);
    li.sendAll(late.route);
    expect(late.text).toEqual(["RS+ $G foo g 1\r\n"]);
  });
});
