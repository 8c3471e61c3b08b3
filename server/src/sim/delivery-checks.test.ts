// The delivery checks the simulations rely on find what they should: a check that never fails
// would let the simulations pass whatever the route and gateway code does.

import { describe, expect, it } from "vitest";
import { checkExactDelivery, checkNoDuplicates, checkPlainDelivery, checkQueueDelivery, deliveriesByMessage } from "./delivery-checks.js";
import type { Delivery, SimMessage } from "./node.js";

const sent = new Map<string, SimMessage>([["m1", { subject: "orders.new", reply: null, headers: null, body: "m1|hello" }]]);

function delivery(node: string, sid: string, queue: string | null, over: Partial<Delivery> = {}): Delivery {
  return { node, sid, subject: "orders.>", queue, msgSubject: "orders.new", reply: null, headers: null, body: "m1|hello", msg: "m1", ...over };
}

const noPlacementRule = (): null => null;

describe("simulation delivery checks", () => {
  it("accept an exact delivery", () => {
    const got = [delivery("A", "1", null), delivery("B", "2", "q")];
    expect(checkNoDuplicates(got, sent)).toEqual([]);
    expect(checkPlainDelivery("m1", got, new Set(["A/1"]), "which does not match")).toEqual([]);
    expect(checkQueueDelivery("m1", got, new Map([["q", { members: new Set(["B/2", "C/3"]) }]]), "does not match", noPlacementRule)).toEqual([]);
  });

  it("find duplicates, altered messages, messages never sent and non-matching subscriptions", () => {
    const errors = checkNoDuplicates([
      delivery("A", "1", null),
      delivery("A", "1", null),
      delivery("B", "2", "q"),
      delivery("C", "3", "q"),
      delivery("D", "4", null, { body: "m1|changed" }),
      delivery("E", "5", null, { msg: "m9", body: "m9|never" }),
      delivery("F", "6", null, { subject: "invoices.>" }),
    ], sent);
    expect(errors).toEqual([
      "duplicate delivery: m1 to A/1",
      "duplicate delivery: m1 to queue group q",
      expect.stringMatching(/^m1 arrived altered at D\/4/),
      expect.stringMatching(/^delivered a message never sent/),
      "m1 (orders.new) delivered to F/6 on invoices.>",
    ]);
  });

  it("find a plain subscriber missed or served twice, and a stray one", () => {
    const got = [delivery("A", "1", null), delivery("A", "1", null), delivery("X", "9", null)];
    expect(checkPlainDelivery("m1", got, new Set(["A/1", "B/2"]), "which does not match")).toEqual([
      "m1: plain subscriber A/1 got it 2 times",
      "m1: plain subscriber B/2 got it 0 times",
      "m1: delivered to X/9, which does not match",
    ]);
  });

  it("find a queue group served twice or not at all, a non-member, a wrong placement and a stray group", () => {
    const groups = new Map([
      ["twice", { members: new Set(["A/1", "B/2"]) }],
      ["never", { members: new Set(["C/3"]) }],
      ["outsider", { members: new Set(["D/4"]) }],
      ["far", { members: new Set(["E/5", "F/6"]) }],
    ]);
    const got = [
      delivery("A", "1", "twice"),
      delivery("B", "2", "twice"),
      delivery("Z", "9", "outsider"),
      delivery("F", "6", "far"),
      delivery("G", "7", "stray"),
    ];
    const placement = (q: string, _g: unknown, to: string): string | null => (q === "far" && to !== "E/5" ? `queue group far went to ${to}, not E/5` : null);
    expect(checkQueueDelivery("m1", got, groups, "does not match", placement)).toEqual([
      "m1: queue group twice got it 2 times (members A/1 B/2)",
      "m1: queue group never got it 0 times (members C/3)",
      "m1: queue group outsider member Z/9 does not match",
      "m1: queue group far went to F/6, not E/5",
      "m1: delivered to queue group stray, which has no matching member",
    ]);
  });

  it("check each expected message's plain subscribers and queue groups, with the stray text", () => {
    const expectation = {
      msg: "m1",
      sent: { subject: "orders.new", reply: null, headers: null, body: "m1|hello" },
      from: "A",
      subject: "orders.new",
      plain: new Set(["A/1"]),
      groups: new Map([["q", { members: new Set(["B/2"]) }]]),
    };
    expect(checkExactDelivery([expectation], [delivery("A", "1", null), delivery("B", "2", "q")], "does not match", noPlacementRule)).toEqual([]);
    expect(checkExactDelivery([expectation], [delivery("X", "9", null), delivery("Y", "8", "q")], "should not get it", noPlacementRule)).toEqual([
      "m1 (orders.new from A): plain subscriber A/1 got it 0 times",
      "m1 (orders.new from A): delivered to X/9, which should not get it",
      "m1 (orders.new from A): queue group q member Y/8 should not get it",
    ]);
  });

  it("group deliveries by message", () => {
    const byMsg = deliveriesByMessage([delivery("A", "1", null), delivery("B", "2", null, { msg: "m2" }), delivery("C", "3", null)]);
    expect([...byMsg.keys()]).toEqual(["m1", "m2"]);
    expect(byMsg.get("m1")?.map((d) => d.node)).toEqual(["A", "C"]);
  });
});
