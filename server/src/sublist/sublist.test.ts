import { describe, expect, test } from "vitest";
import { Sublist, type SubLike } from "./sublist.js";
import { isLiteral, isValidQueueName, isValidSubject, subjectMatches } from "./subject.js";

class S implements SubLike {
  constructor(
    readonly subject: string,
    readonly queue: string | null = null,
    readonly name = subject,
  ) {}
}

function names(r: { psubs: readonly S[]; qsubs: readonly (readonly S[])[] }): string[] {
  return [...r.psubs.map((s) => s.name), ...r.qsubs.flat().map((s) => `${s.queue}:${s.name}`)].sort();
}

describe("subject validation", () => {
  test.each([
    ["foo", true],
    ["foo.bar", true],
    ["foo.*", true],
    ["foo.>", true],
    [">", true],
    ["*", true],
    ["foo*.bar", true],
    ["foo.>.bar", false],
    ["foo..bar", false],
    [".foo", false],
    ["foo.", false],
    ["", false],
    ["foo bar", false],
    ["foo\tbar", false],
  ])("isValidSubject(%j) = %s", (s, ok) => expect(isValidSubject(s)).toBe(ok));

  test("literals and queues", () => {
    expect(isLiteral("foo.bar")).toBe(true);
    expect(isLiteral("foo.*")).toBe(false);
    expect(isLiteral("foo*.bar")).toBe(true);
    expect(isLiteral("a.>")).toBe(false);
    expect(isValidQueueName("q1")).toBe(true);
    expect(isValidQueueName("")).toBe(false);
    expect(isValidQueueName("a b")).toBe(false);
  });

  test("subjectMatches", () => {
    expect(subjectMatches("foo.*", "foo.bar")).toBe(true);
    expect(subjectMatches("foo.*", "foo.bar.baz")).toBe(false);
    expect(subjectMatches("foo.>", "foo.bar.baz")).toBe(true);
    expect(subjectMatches("foo.>", "foo")).toBe(false);
    expect(subjectMatches("*.bar", "foo.bar")).toBe(true);
    expect(subjectMatches("foo", "foo")).toBe(true);
  });
});

describe("Sublist", () => {
  test("literal, partial and full wildcards", () => {
    const sl = new Sublist<S>();
    for (const s of ["foo.bar", "foo.*", "foo.>", ">", "*.bar", "foo.bar.baz", "*"]) sl.insert(new S(s));
    expect(names(sl.match("foo.bar"))).toEqual(["*.bar", ">", "foo.*", "foo.>", "foo.bar"]);
    expect(names(sl.match("foo.bar.baz"))).toEqual([">", "foo.>", "foo.bar.baz"]);
    expect(names(sl.match("foo"))).toEqual(["*", ">"]);
    expect(names(sl.match("baz.qux"))).toEqual([">"]);
    expect(sl.size).toBe(7);
  });

  test("queue groups are grouped by name", () => {
    const sl = new Sublist<S>();
    sl.insert(new S("q.a", "g1", "a1"));
    sl.insert(new S("q.a", "g1", "a2"));
    sl.insert(new S("q.*", "g1", "a3"));
    sl.insert(new S("q.a", "g2", "b1"));
    sl.insert(new S("q.a", null, "p"));
    const r = sl.match("q.a");
    expect(r.psubs.map((s) => s.name)).toEqual(["p"]);
    const groups = r.qsubs.map((g) => g.map((s) => s.name).sort());
    expect(groups.sort()).toEqual([["a1", "a2", "a3"], ["b1"]]);
  });

  test("cache is invalidated on insert and remove, literal and wildcard", () => {
    const sl = new Sublist<S>();
    const a = new S("foo.bar");
    sl.insert(a);
    expect(names(sl.match("foo.bar"))).toEqual(["foo.bar"]);
    const w = new S("foo.*");
    sl.insert(w);
    expect(names(sl.match("foo.bar"))).toEqual(["foo.*", "foo.bar"]);
    expect(sl.remove(a)).toBe(true);
    expect(names(sl.match("foo.bar"))).toEqual(["foo.*"]);
    expect(sl.remove(w)).toBe(true);
    expect(names(sl.match("foo.bar"))).toEqual([]);
    expect(sl.remove(w)).toBe(false);
    expect(sl.size).toBe(0);
    const st = sl.stats();
    expect(st.numInserts).toBe(2);
    expect(st.numRemoves).toBe(2);
  });

  test("remove prunes and keeps siblings", () => {
    const sl = new Sublist<S>();
    const x = new S("a.b.c");
    const y = new S("a.b");
    sl.insert(x);
    sl.insert(y);
    sl.remove(x);
    expect(names(sl.match("a.b"))).toEqual(["a.b"]);
    expect(names(sl.match("a.b.c"))).toEqual([]);
    sl.remove(y);
    expect(sl.all()).toEqual([]);
  });

  test("agrees with a brute-force matcher on random subjects (seeded)", () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const toks = ["a", "b", "c", "*", ">"];
    const sl = new Sublist<S>();
    const subs: S[] = [];
    for (let i = 0; i < 400; i++) {
      const len = 1 + rnd(4);
      const parts: string[] = [];
      for (let j = 0; j < len; j++) {
        let t = toks[rnd(toks.length)];
        if (t === ">" && j !== len - 1) t = "*";
        parts.push(t);
      }
      const s = new S(parts.join("."), rnd(4) === 0 ? "q" : null, `s${i}`);
      subs.push(s);
      sl.insert(s);
      if (rnd(5) === 0) {
        const victim = subs.splice(rnd(subs.length), 1)[0];
        expect(sl.remove(victim)).toBe(true);
      }
      const lit = Array.from({ length: 1 + rnd(4) }, () => ["a", "b", "c"][rnd(3)]).join(".");
      const want = subs.filter((x) => subjectMatches(x.subject, lit));
      const got = sl.match(lit);
      expect([...got.psubs, ...got.qsubs.flat()].map((x) => x.name).sort()).toEqual(want.map((x) => x.name).sort());
    }
    expect(sl.size).toBe(subs.length);
  });
});
