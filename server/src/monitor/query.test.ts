import { describe, expect, it } from "vitest";
import { decodeBool, decodeInt, decodeState, decodeSubs, decodeUint, pageBounds, parseGoBool, QueryError } from "./query.js";

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe("query decoding", () => {
  it("accepts exactly strconv.ParseBool's spellings", () => {
    for (const t of ["1", "t", "T", "TRUE", "true", "True"]) expect(parseGoBool(t)).toBe(true);
    for (const f of ["0", "f", "F", "FALSE", "false", "False"]) expect(parseGoBool(f)).toBe(false);
    for (const bad of ["yes", "tRUE", "2", " true", "on"]) expect(parseGoBool(bad)).toBeNull();
  });

  it("treats absent or empty booleans as false and rejects bad ones with nats-server's text", () => {
    expect(decodeBool(q(""), "auth")).toBe(false);
    expect(decodeBool(q("auth="), "auth")).toBe(false);
    expect(decodeBool(q("auth=1"), "auth")).toBe(true);
    expect(() => decodeBool(q("auth=maybe"), "auth")).toThrow(
      new QueryError(`Error decoding boolean for 'auth': strconv.ParseBool: parsing "maybe": invalid syntax`),
    );
  });

  it("uses the first value of a repeated parameter", () => {
    expect(decodeBool(q("subs=1&subs=bad"), "subs")).toBe(true);
  });

  it("decodes ints like Atoi", () => {
    expect(decodeInt(q("offset=12"), "offset")).toBe(12);
    expect(decodeInt(q("offset=-3"), "offset")).toBe(-3);
    expect(decodeInt(q("limit=%2B3"), "limit")).toBe(3);
    expect(() => decodeInt(q("offset=abc"), "offset")).toThrow(`Error decoding int for 'offset': strconv.Atoi: parsing "abc": invalid syntax`);
    expect(() => decodeInt(q("offset=99999999999999999999"), "offset")).toThrow(
      `Error decoding int for 'offset': strconv.Atoi: parsing "99999999999999999999": value out of range`,
    );
  });

  it("decodes uints like ParseUint", () => {
    expect(decodeUint(q("cid=7"), "cid")).toBe(7);
    expect(() => decodeUint(q("cid=-1"), "cid")).toThrow(`Error decoding uint64 for 'cid': strconv.ParseUint: parsing "-1": invalid syntax`);
  });

  it("decodes subs as bool or detail", () => {
    expect(decodeSubs(q(""))).toBe("none");
    expect(decodeSubs(q("subs=0"))).toBe("none");
    expect(decodeSubs(q("subs=true"))).toBe("list");
    expect(decodeSubs(q("subs=detail"))).toBe("detail");
    expect(decodeSubs(q("subs=DETAIL"))).toBe("detail");
    expect(() => decodeSubs(q("subs=xx"))).toThrow(`Error decoding boolean for 'subs': strconv.ParseBool: parsing "xx": invalid syntax`);
  });

  it("decodes state in any case", () => {
    expect(decodeState(q(""))).toBe("open");
    expect(decodeState(q("state=OPEN"))).toBe("open");
    expect(decodeState(q("state=closed"))).toBe("closed");
    expect(decodeState(q("state=ANY"))).toBe("any");
    expect(decodeState(q("state=all"))).toBe("any");
    expect(() => decodeState(q("state=xyz"))).toThrow("Error decoding state for xyz");
  });

  it("clamps paging", () => {
    expect(pageBounds(-3, 0, 1024)).toEqual({ offset: 0, limit: 1024 });
    expect(pageBounds(5, -1, 1024)).toEqual({ offset: 5, limit: 1024 });
    expect(pageBounds(1, 2, 1024)).toEqual({ offset: 1, limit: 2 });
  });
});
