import { describe, expect, it } from "vitest";
import { gatewayHash, mapReply, parseGatewayReply } from "./reply.js";

describe("gateway reply mapping", () => {
  it("hashes names as nats-server does (observed on the wire)", () => {
    // a nats-server in gateway "A" with this server id sent _GR_.NUmM6c.Ird2JQ.<reply>
    expect(gatewayHash("A")).toBe("NUmM6c");
    expect(gatewayHash("NA3OXLKUOVHOIAUQBQ3TNLAFWQELXXGQUGQ3Q5PGR3GWHBGVISXARXVW")).toBe("Ird2JQ");
  });

  it("maps a reply once and parses it back", () => {
    const r = mapReply("_INBOX.abc.1", "NUmM6c", "Ird2JQ");
    expect(r).toBe("_GR_.NUmM6c.Ird2JQ._INBOX.abc.1");
    expect(mapReply(r, "xxxxxx", "yyyyyy")).toBe(r);
    expect(parseGatewayReply(r)).toEqual({ clusterHash: "NUmM6c", serverHash: "Ird2JQ", subject: "_INBOX.abc.1" });
  });

  it("rejects subjects that are not gateway replies", () => {
    expect(parseGatewayReply("_INBOX.x")).toBeNull();
    expect(parseGatewayReply("_GR_.short.x")).toBeNull();
    expect(parseGatewayReply("_GR_.abcdef.ghijkl.")).toBeNull();
    expect(parseGatewayReply("_GR_.abcdefXghijkl.foo")).toBeNull();
  });
});
