import { describe, expect, it } from "vitest";
import { buildLeafz, type LeafView, leafVarz } from "./leafz.js";

const leaf: LeafView = {
  cid: 7,
  remoteName: "SPOKE",
  solicited: false,
  account: "$G",
  host: "127.0.0.1",
  port: 5555,
  rtt: 1.5,
  inMsgs: 1,
  outMsgs: 2,
  inBytes: 3,
  outBytes: 4,
  subscriptionCount: 2,
  compression: "not supported",
  remoteSubjects: () => [
    { subject: "a", queue: null },
    { subject: "b", queue: "q" },
  ],
};

describe("/leafz", () => {
  it("lists the leaf connections with nats-server's fields", () => {
    const z = buildLeafz("SID", new URLSearchParams("subs=1"), [leaf], Date.UTC(2026, 0, 1));
    expect(z).toEqual({
      server_id: "SID",
      now: "2026-01-01T00:00:00Z",
      leafnodes: 1,
      leafs: [
        {
          id: 7, name: "SPOKE", is_spoke: false, account: "$G", ip: "127.0.0.1", port: 5555, rtt: "1.5ms",
          in_msgs: 1, out_msgs: 2, in_bytes: 3, out_bytes: 4, subscriptions: 2, subscriptions_list: ["a", "b"],
          compression: "not supported",
        },
      ],
    });
  });

  it("filters by account and leaves the list out without subs", () => {
    expect(buildLeafz("SID", new URLSearchParams("acc=X"), [leaf]).leafnodes).toBe(0);
    const plain = buildLeafz("SID", new URLSearchParams(""), [{ ...leaf, compression: "off" }]).leafs[0];
    expect(plain).not.toHaveProperty("subscriptions_list");
    expect(Object.keys(plain).slice(-2)).toEqual(["subscriptions", "compression"]);
    expect(plain.compression).toBe("off");
    expect(() => buildLeafz("SID", new URLSearchParams("subs=maybe"), [leaf])).toThrow(/Error decoding boolean for 'subs'/);
  });
});

describe("varz leaf", () => {
  it("is empty without leaf nodes", () => {
    expect(leafVarz(null, 2000)).toEqual({});
  });

  it("shows the listener and the remotes without credentials", () => {
    const v = leafVarz(
      { port: 7422, opts: { host: "127.0.0.1", port: -1, authTimeout: 0, remotes: [{ urls: ["nats-leaf://u:p@h:1", "h2:2/"], account: "" }] } },
      2000,
    );
    expect(v).toEqual({ host: "127.0.0.1", port: 7422, auth_timeout: 2, tls_timeout: 2, remotes: [{ local_account: "$G", urls: ["h:1", "h2:2"] }] });
  });
});
