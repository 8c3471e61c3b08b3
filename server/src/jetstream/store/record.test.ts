import { describe, expect, test } from "vitest";
import { crc32c } from "./crc32c.js";
import { REC_ERASED, REC_FLOOR, REC_HDR, REC_MSG, REC_TOMB, dataOk, encodeErased, encodeFloor, encodeMsg, encodeTomb, msgBody, readHead } from "./record.js";
import { SeqList } from "./seqlist.js";
import { compileFilter } from "./subjects.js";

describe("crc32c", () => {
  test.each([
    ["", 0x00000000],
    ["a", 0xc1d04330],
    ["123456789", 0xe3069283],
    ["The quick brown fox jumps over the lazy dog", 0x22620404],
  ])("%j", (s, want) => {
    expect(crc32c(Buffer.from(s))).toBe(want);
  });

  test("32 zero bytes and 32 0xff bytes (RFC 3720 vectors)", () => {
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  test("ranges chain like one stream, for every split point and length", () => {
    const b = Buffer.from(Array.from({ length: 67 }, (_, i) => (i * 37 + 11) & 0xff));
    for (let len = 0; len <= b.length; len++) {
      const whole = crc32c(b, 0, len);
      for (let cut = 0; cut <= len; cut++) expect(crc32c(b, cut, len, crc32c(b, 0, cut))).toBe(whole);
    }
  });
});

describe("records", () => {
  test("a message round-trips, with and without headers", () => {
    for (const hdr of [null, Buffer.alloc(0), Buffer.from("NATS/1.0\r\nA: b\r\n\r\n")]) {
      const rec = encodeMsg(2 ** 40 + 7, 123456789012345678n, 99n, "orders.eu.1", hdr, Buffer.from("payload"));
      const h = readHead(rec, 0);
      expect(h).not.toBeNull();
      if (!h) return;
      expect(h).toMatchObject({ len: rec.length, type: REC_MSG, seq: 2 ** 40 + 7, ts: 123456789012345678n, aux: 99n });
      expect(dataOk(rec, 0, h)).toBe(true);
      const body = msgBody(rec, 0, h);
      expect(body.subject).toBe("orders.eu.1");
      expect(body.hdr === null ? null : body.hdr.toString()).toBe(hdr === null ? null : hdr.toString());
      expect(body.data.toString()).toBe("payload");
    }
  });

  test("tombstone, floor and erased records", () => {
    const t = readHead(encodeTomb(5, true), 0);
    expect(t).toMatchObject({ type: REC_TOMB, seq: 5, flags: 2, len: REC_HDR });
    const f = readHead(encodeFloor(10, 42, 77n), 0);
    expect(f).toMatchObject({ type: REC_FLOOR, seq: 10, aux: 42n, ts: 77n });
    const e = encodeErased(200, 9, 5n);
    const eh = readHead(e, 0);
    expect(eh).toMatchObject({ type: REC_ERASED, seq: 9, len: 200 });
    expect(e.subarray(REC_HDR).every((x) => x === 0)).toBe(true);
    if (eh) expect(dataOk(e, 0, eh)).toBe(true);
  });

  test("every single-bit flip is detected, in the header by readHead and in the payload by dataOk", () => {
    const rec = encodeMsg(3, 1n, 0n, "s", null, Buffer.from("abcdef"));
    for (let i = 0; i < rec.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const c = Buffer.from(rec);
        c[i] ^= 1 << bit;
        const h = readHead(c, 0);
        const ok = h !== null && dataOk(c, 0, h);
        expect(ok, `byte ${i} bit ${bit}`).toBe(false);
        if (i < REC_HDR) expect(h, `header byte ${i}`).toBeNull();
      }
    }
  });

  test("a header that does not fit or is cut short is refused", () => {
    const rec = encodeMsg(1, 1n, 0n, "s", null, Buffer.from("x"));
    expect(readHead(rec.subarray(0, REC_HDR - 1), 0)).toBeNull();
    expect(readHead(Buffer.alloc(REC_HDR), 0)).toBeNull();
  });
});

describe("SeqList", () => {
  interface E {
    seq: number;
    dead: boolean;
  }
  const mk = (seqs: number[]): { l: SeqList<E>; es: E[] } => {
    const l = new SeqList<E>();
    const es = seqs.map((seq) => ({ seq, dead: false }));
    for (const e of es) l.push(e);
    return { l, es };
  };
  const kill = (l: SeqList<E>, e: E): void => {
    e.dead = true;
    l.died();
  };

  test("find, nextFrom, first, last, kthNewest with holes", () => {
    const { l, es } = mk([1, 2, 3, 5, 8, 9]);
    kill(l, es[0]);
    kill(l, es[4]);
    expect(l.live).toBe(4);
    expect(l.first()?.seq).toBe(2);
    expect(l.find(8)).toBeUndefined();
    expect(l.find(5)?.seq).toBe(5);
    expect(l.find(4)).toBeUndefined();
    expect(l.nextFrom(6)?.seq).toBe(9);
    expect(l.nextFrom(10)).toBeUndefined();
    expect(l.kthNewest(1)?.seq).toBe(9);
    expect(l.kthNewest(2)?.seq).toBe(5);
    expect(l.kthNewest(5)).toBeUndefined();
    kill(l, es[5]);
    expect(l.last()?.seq).toBe(5);
    expect(l.collectBelow(5).map((e) => e.seq)).toEqual([2, 3]);
  });

  test("pushing a sequence not above the last throws", () => {
    const { l } = mk([1, 2]);
    expect(() => l.push({ seq: 2, dead: false })).toThrow(RangeError);
  });

  test("compaction keeps answers right under heavy deletion", () => {
    const { l, es } = mk(Array.from({ length: 5000 }, (_, i) => i * 2 + 1));
    for (let i = 0; i < es.length; i++) if (i % 7 !== 0) kill(l, es[i]);
    const alive = es.filter((e) => !e.dead).map((e) => e.seq);
    expect(l.live).toBe(alive.length);
    expect(l.entries().map((e) => e.seq)).toEqual(alive);
    for (const s of [1, 2, 15, 29, 9999]) expect(l.nextFrom(s)?.seq).toBe(alive.find((x) => x >= s));
  });
});

describe("subject filters", () => {
  test.each([
    ["", "a.b", true],
    [">", "a", true],
    ["a.b", "a.b", true],
    ["a.b", "a.bc", false],
    ["a.*", "a.b", true],
    ["a.*", "a.b.c", false],
    ["a.>", "a.b.c", true],
    ["a.>", "a", false],
    ["*.b.*", "x.b.y", true],
    ["*.b.*", "x.c.y", false],
    ["*", "abc", true],
    ["*", "a.b", false],
  ])("%j matches %j: %s", (f, s, want) => {
    expect(compileFilter(f)(s)).toBe(want);
  });
});
