import { describe, expect, it } from "vitest";
import { GatewayReplyMap } from "./replymap.js";

describe("GatewayReplyMap", () => {
  it("strips other clusters' _GR_ prefixes, remembers them for a while, and leaves other replies alone", () => {
    let now = 1000;
    const m = new GatewayReplyMap("OURSxx", 500, () => now);
    expect(m.localReply("_INBOX.a")).toBe("_INBOX.a");
    expect(m.localReply("_GR_.OURSxx.srv123._INBOX.b")).toBe("_GR_.OURSxx.srv123._INBOX.b");
    expect(m.localReply("_GR_.abcdef.srv123._INBOX.c")).toBe("_INBOX.c");
    expect(m.localReply("_GR_.abcdef.srv123.$JS.ACK.S.C.1.1.1.1.0")).toBe("$JS.ACK.S.C.1.1.1.1.0");
    expect(m.size).toBe(2);
    expect(m.routed("_INBOX.c")).toBe("_GR_.abcdef.srv123._INBOX.c");
    expect(m.routed("_INBOX.a")).toBeUndefined();
    now += 400;
    expect(m.localReply("_GR_.zzzzzz.srv999._INBOX.d")).toBe("_INBOX.d");
    now += 200;
    // the first two expired; the third is still there
    expect(m.routed("_INBOX.c")).toBeUndefined();
    expect(m.routed("_INBOX.d")).toBe("_GR_.zzzzzz.srv999._INBOX.d");
    m.localReply("_GR_.zzzzzz.srv999._INBOX.e");
    expect(m.size).toBe(2);
  });
});
