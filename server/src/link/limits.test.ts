import { describe, expect, it } from "vitest";
import { Logger } from "../logger.js";
import { LinkLimits } from "./limits.js";
import { LinkTotals } from "./totals.js";

const logger = new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" });

describe("LinkLimits", () => {
  it("reads the server's options each time, caps the ping interval and takes the kind's own settings over the server's", () => {
    const srv = { logger, options: { maxPayload: 10, maxPending: 20, pingInterval: 120_000, pingMax: 2, authTimeout: 2000 } };
    const plain = new LinkLimits(srv, 15_000);
    expect([plain.maxPayload, plain.maxPending, plain.pingInterval, plain.pingMax, plain.authTimeout]).toEqual([10, 20, 15_000, 2, 2000]);
    srv.options = { ...srv.options, pingInterval: 5_000, maxPending: 30 };
    expect([plain.maxPending, plain.pingInterval]).toEqual([30, 5_000]);
    let own: number | undefined = 40_000;
    const kind = new LinkLimits(srv, 30_000, { pingInterval: () => own, pingMax: () => 7, authTimeout: () => own });
    expect([kind.pingInterval, kind.pingMax, kind.authTimeout]).toEqual([30_000, 7, 40_000]);
    own = undefined;
    expect([kind.pingInterval, kind.authTimeout]).toEqual([5_000, 2000]);
  });
});

describe("LinkTotals", () => {
  it("keeps the closed connections' counts and adds the live ones'", () => {
    const t = new LinkTotals();
    t.closed({ inMsgs: 1, inBytes: 10, outMsgs: 2, outBytes: 20 });
    expect(t.with([{ inMsgs: 3, inBytes: 30, outMsgs: 4, outBytes: 40 }])).toEqual({ inMsgs: 4, inBytes: 40, outMsgs: 6, outBytes: 60 });
    expect(t.with([])).toEqual({ inMsgs: 1, inBytes: 10, outMsgs: 2, outBytes: 20 });
  });
});
