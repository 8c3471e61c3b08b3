import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JSErr, JS_ERROR_DEFS, errorNameByCode, fillTemplate, isApiError, jsError, type JSErrorName } from "./errors.js";

interface ListEntry {
  constant: string;
  code: number;
  error_code: number;
  description: string;
}

// ../shared/spec/jsm-schemas/server/errors.json next to the repository (read at test time, never copied)
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const listPath = join(repo, "..", "shared", "spec", "jsm-schemas", "server", "errors.json");
const list = JSON.parse(readFileSync(listPath, "utf8")) as ListEntry[];

describe("JetStream error table", () => {
  it("has every entry of nats-server's error list, with identical code, err_code and description template", () => {
    expect(list.length).toBeGreaterThan(200);
    const defs = JS_ERROR_DEFS as Record<string, { code: number; err_code: number; description: string }>;
    for (const e of list) {
      expect(defs[e.constant], e.constant).toEqual({ code: e.code, err_code: e.error_code, description: e.description });
    }
    expect(Object.keys(defs).sort()).toEqual(list.map((e) => e.constant).sort());
  });

  it("has one constant per err_code", () => {
    const codes = Object.values(JS_ERROR_DEFS).map((d) => d.err_code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("builds fixed errors", () => {
    expect(JSErr.JSStreamNotFoundErr()).toEqual({ code: 404, err_code: 10059, description: "stream not found" });
    expect(JSErr.JSConsumerNotFoundErr()).toEqual({ code: 404, err_code: 10014, description: "consumer not found" });
    expect(JSErr.JSNotEnabledForAccountErr()).toEqual({ code: 503, err_code: 10039, description: "JetStream not enabled for account" });
  });

  it("fills templates the way nats-server does", () => {
    expect(JSErr.JSStreamWrongLastSequenceErrF({ seq: 5 })).toEqual({ code: 400, err_code: 10071, description: "wrong last sequence: 5" });
    expect(JSErr.JSStreamWrongLastMsgIDErrF({ id: "abc" }).description).toBe("wrong last msg ID: abc");
    expect(JSErr.JSInvalidJSONErr({ err: "unexpected EOF" }).description).toBe("invalid JSON: unexpected EOF");
    expect(JSErr.JSStreamExternalDelPrefixOverlapsErrF({ prefix: "p", subject: "s" }).description)
      .toBe("stream external delivery prefix p overlaps with stream subject s");
    expect(JSErr.JSConsumerMaxPendingAckExcessErrF({ limit: 70 }).description).toBe("consumer max ack pending exceeds system limit of 70");
    expect(JSErr.JSStreamInvalidConfigF({ err: new Error("boom") })).toEqual({ code: 500, err_code: 10052, description: "boom" });
    expect(JSErr.JSSequenceNotFoundErrF({ seq: 12n }).description).toBe("sequence 12 not found");
  });

  it("returns an API error given as {err} instead of wrapping it", () => {
    const inner = JSErr.JSStreamSubjectOverlapErr();
    expect(JSErr.JSStreamCreateErrF({ err: inner })).toEqual(inner);
    expect(JSErr.JSStreamUpdateErrF({ err: JSErr.JSStreamNotFoundErr() }).err_code).toBe(10059);
  });

  it("leaves unknown placeholders and replaces in one pass", () => {
    expect(fillTemplate("a {x} b {y}", { x: "{y}" })).toBe("a {y} b {y}");
    expect(jsError("JSRestoreSubscribeFailedErrF", { subject: "s" }).description).toBe("JetStream unable to subscribe to restore snapshot s: {err}");
  });

  it("recognizes API errors and names codes", () => {
    expect(isApiError(JSErr.JSBadRequestErr())).toBe(true);
    expect(isApiError({ code: 1 })).toBe(false);
    expect(isApiError(null)).toBe(false);
    expect(errorNameByCode(10058)).toBe<JSErrorName>("JSStreamNameExistErr");
    expect(errorNameByCode(1)).toBeUndefined();
  });
});
