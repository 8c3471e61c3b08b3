import { describe, expect, test } from "vitest";
import { replyWithShownSubject } from "../deliver.js";
import { splitShownSubject } from "./shown-subject.js";

describe("JetStream deliveries across routes", () => {
  test("the ack reply carries the shown subject after @", () => {
    const ack = "$JS.ACK.ORDERS.push.1.2.2.1795317330712109416.0";
    const wire = replyWithShownSubject(ack, "orders.new");
    expect(wire).toBe(`${ack}@orders.new`);
    expect(splitShownSubject(wire)).toEqual({ reply: ack, presentAs: "orders.new" });
  });

  test("a delivery without a reply goes as is", () => {
    expect(replyWithShownSubject(null, "orders.new")).toBeNull();
    expect(splitShownSubject(null)).toEqual({ reply: null, presentAs: null });
  });

  test("an ordinary reply with @ is not split", () => {
    expect(splitShownSubject("_INBOX.a@b")).toEqual({ reply: "_INBOX.a@b", presentAs: null });
    expect(splitShownSubject("a.b.c.d.e.f.g.h.i@")).toEqual({ reply: "a.b.c.d.e.f.g.h.i@", presentAs: null });
    expect(splitShownSubject("_INBOX.x")).toEqual({ reply: "_INBOX.x", presentAs: null });
  });
});
