import { describe, expect, it } from "vitest";
import { pickByWeight, weighsLeafMembers } from "./queue.js";

describe("queue members behind leaf connections", () => {
  it("picks each member with a chance proportional to its weight", () => {
    const members = [{ name: "a", weight: 3 }, { name: "b", weight: 1 }];
    const counts = new Map<string, number>();
    // 100 evenly spread random values: exactly the weights' proportions
    for (let i = 0; i < 100; i++) {
      const m = pickByWeight(members, () => i / 100);
      counts.set(m!.name, (counts.get(m!.name) ?? 0) + 1);
    }
    expect(counts.get("a")).toBe(75);
    expect(counts.get("b")).toBe(25);
  });

  it("counts a weight below 1 as 1, and has nothing to pick without members", () => {
    const members = [{ weight: 0 }, { weight: -4 }];
    expect(pickByWeight(members, () => 0.49)).toBe(members[0]);
    expect(pickByWeight(members, () => 0.5)).toBe(members[1]);
    expect(pickByWeight([], () => 0)).toBeNull();
  });

  it("weighs for local and leaf publishers, not for routes and gateways", () => {
    const p = (kind: "client" | "internal" | "route" | "gateway" | "leaf") => ({ kind, cid: 1, opts: { echo: false, noResponders: false }, deliver: () => true });
    expect(weighsLeafMembers(p("client"))).toBe(true);
    expect(weighsLeafMembers(p("internal"))).toBe(true);
    expect(weighsLeafMembers(p("leaf"))).toBe(true);
    expect(weighsLeafMembers(null)).toBe(true);
    expect(weighsLeafMembers(p("route"))).toBe(false);
    expect(weighsLeafMembers(p("gateway"))).toBe(false);
  });
});
