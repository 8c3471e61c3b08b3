import { describe, expect, it } from "vitest";
import { msgLine } from "./msg-line.js";

describe("msgLine", () => {
  it("builds RMSG and HMSG lines with the reply and queue groups as the parsers read them", () => {
    expect(msgLine("s", null, [], -1, 5)).toBe("RMSG $G s 5\r\n");
    expect(msgLine("s", "r", [], 2, 5)).toBe("HMSG $G s r 2 5\r\n");
    expect(msgLine("s", null, ["a", "b"], -1, 0)).toBe("RMSG $G s | a b 0\r\n");
    expect(msgLine("s", "r", ["a"], 3, 9)).toBe("HMSG $G s + r a 3 9\r\n");
  });
});
