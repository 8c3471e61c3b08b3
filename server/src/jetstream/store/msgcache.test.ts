import { describe, expect, test } from "vitest";
import { MsgCache } from "./msgcache.js";
import type { StoredMsg } from "./types.js";

const msg = (seq: number, bytes = 16): StoredMsg => ({ seq, subject: "s", hdr: null, data: Buffer.alloc(bytes), ts: BigInt(seq) });

describe("MsgCache", () => {
  test("returns what was put, by sequence; a colliding sequence replaces it", () => {
    const c = new MsgCache(4, 1 << 20);
    c.put(msg(1));
    c.put(msg(2));
    expect(c.get(1)?.seq).toBe(1);
    expect(c.get(2)?.seq).toBe(2);
    expect(c.get(3)).toBeNull();
    c.put(msg(5)); // same slot as 1 with 4 slots
    expect(c.get(1)).toBeNull();
    expect(c.get(5)?.seq).toBe(5);
  });

  test("drop and clear forget messages", () => {
    const c = new MsgCache(8, 1 << 20);
    for (let s = 1; s <= 8; s++) c.put(msg(s));
    c.drop(3);
    expect(c.get(3)).toBeNull();
    expect(c.get(4)?.seq).toBe(4);
    c.drop(12); // not there (slot of 4 holds 4): no effect
    expect(c.get(4)?.seq).toBe(4);
    c.clear();
    for (let s = 1; s <= 8; s++) expect(c.get(s)).toBeNull();
  });

  test("stays within its byte budget, keeping the newest message", () => {
    const c = new MsgCache(16, 100);
    for (let s = 1; s <= 16; s++) c.put(msg(s, 30));
    let held = 0;
    for (let s = 1; s <= 16; s++) if (c.get(s) !== null) held++;
    expect(held).toBeLessThanOrEqual(3);
    expect(c.get(16)?.seq).toBe(16);
  });

  test("a zero-size cache and oversized messages cache nothing", () => {
    const none = new MsgCache(0, 1 << 20);
    none.put(msg(1));
    expect(none.get(1)).toBeNull();
    const c = new MsgCache(4, 1 << 20);
    c.put(msg(1, 65 * 1024));
    expect(c.get(1)).toBeNull();
  });
});
