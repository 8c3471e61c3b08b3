import { describe, expect, it } from "vitest";
import { interestKey, type RemoteInterestEntry, RemoteInterestTable } from "./remote-interest.js";

describe("RemoteInterestTable", () => {
  it("adds an entry once per subject and queue group, updates a group's weight, removes on unsub and clear", () => {
    const added: RemoteInterestEntry[] = [];
    const removed: RemoteInterestEntry[] = [];
    const keys: string[] = [];
    const t = new RemoteInterestTable<RemoteInterestEntry>({
      create: (subject, queue, weight, key) => {
        keys.push(key);
        return { subject, queue, weight };
      },
      added: (e) => added.push(e),
      removed: (e) => removed.push(e),
    });
    t.sub("foo", null, 0);
    t.sub("foo", "q", 2);
    t.sub("foo", "q", 5);
    expect(keys).toEqual(["foo", "foo q"]);
    expect(added.map((e) => [e.subject, e.queue, e.weight])).toEqual([["foo", null, 0], ["foo", "q", 5]]);
    expect(t.size).toBe(2);
    expect(t.subjects()).toEqual([{ subject: "foo", queue: null }, { subject: "foo", queue: "q" }]);
    t.unsub("bar", null);
    t.unsub("foo", null);
    expect(removed.map((e) => e.subject)).toEqual(["foo"]);
    t.clear();
    expect(removed.map((e) => [e.subject, e.queue])).toEqual([["foo", null], ["foo", "q"]]);
    expect(t.size).toBe(0);
  });

  it("keys a subject alone, or a subject and its queue group", () => {
    expect(interestKey("a.b", null)).toBe("a.b");
    expect(interestKey("a.b", "g")).toBe("a.b g");
  });
});
