import { createUser } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { applyConfig, issueText } from "./apply.js";
import { parseLeafURL, validLeafURL } from "./leafnode.js";
import { type Options, defaultOptions } from "./options.js";
import { parseConfig } from "./parser.js";

function apply(text: string): { o: Options; errors: string[]; warnings: string[] } {
  const o = defaultOptions();
  const issues = applyConfig(parseConfig(text, "c.conf", { env: () => undefined }), o);
  return {
    o,
    errors: issues.filter((i) => i.severity === "error").map(issueText),
    warnings: issues.filter((i) => i.severity !== "error").map(issueText),
  };
}

describe("leafnodes block", () => {
  it("reads listen, advertise, authorization and remotes", () => {
    const { o, errors } = apply(`leafnodes {
  listen: "127.0.0.1:7422"
  advertise: "example.com:7000"
  no_advertise: true
  authorization { users: [ {user: a, password: b}, {user: c, password: d, account: "$G"} ], timeout: 2 }
  reconnect: "250ms"
  remotes: [
    { url: "nats-leaf://u:p@127.0.0.1:7500", account: "$G" }
    { urls: ["nats://h1:1", "nats://h2:2"], credentials: "/tmp/x.creds", no_randomize: true }
  ]
}`);
    expect(errors).toEqual([]);
    expect(o.leafnodes).toMatchObject({
      host: "127.0.0.1",
      port: 7422,
      advertise: "example.com:7000",
      noAdvertise: true,
      users: [
        { user: "a", password: "b", account: "" },
        { user: "c", password: "d", account: "$G" },
      ],
      authTimeout: 2000,
      reconnectDelay: 250,
      remotes: [
        { urls: ["nats-leaf://u:p@127.0.0.1:7500"], account: "$G", credentials: "" },
        { urls: ["nats://h1:1", "nats://h2:2"], credentials: "/tmp/x.creds", noRandomize: true },
      ],
    });
  });

  it("accepts the `leaf` spelling, host/port and a single user", () => {
    const { o, errors } = apply("leaf { host: 127.0.0.2, port: -1, authorization: { user: x, password: y } }");
    expect(errors).toEqual([]);
    expect(o.leafnodes).toMatchObject({ host: "127.0.0.2", port: -1, user: "x", password: "y" });
  });

  it("reads dont_randomize as no_randomize; a remote without either is randomized", () => {
    const { o, errors } = apply(`leafnodes { remotes: [ { urls: ["nats://a:1", "nats://b:2"], dont_randomize: true }, { url: "nats://c:3" } ] }`);
    expect(errors).toEqual([]);
    expect(o.leafnodes.remotes.map((r) => r.noRandomize)).toEqual([true, false]);
  });

  it("takes a valid nkey seed on a remote", () => {
    const seed = new TextDecoder().decode(createUser().getSeed());
    const { o, errors } = apply(`leafnodes { remotes: [ { url: "nats://a:1", nkey: "${seed}" } ] }`);
    expect(errors).toEqual([]);
    expect(o.leafnodes.remotes[0]?.nkey).toBe(seed);
  });

  // texts and positions as `nats-server -t -c` 2.12 prints them
  const bad: Array<[string, string[]]> = [
    ['leafnodes { port: "x" }', ["c.conf:1:12: interface conversion: interface {} is string, not int64"]],
    ['leafnodes { listen: "abc" }', ['c.conf:1:12: could not parse address string "abc"']],
    ["leafnodes { listen: 7422, foo: 1 }", ['c.conf:1:26: unknown field "foo"']],
    ["leafnodes { remotes: [ { url: 1 } ] }", ["c.conf:1:25: Expected remote leafnode url to be an array or string, got 1"]],
    ['leafnodes { remotes: [ { url: "::bad" } ] }', ['c.conf:1:25: error parsing leafnode url ["::bad"]']],
    ['leafnodes { remotes: [ { urls: ["nats://a:1", "::x"] } ] }', ['c.conf:1:47: error parsing leafnode url ["::x"]']],
    ['leafnodes { remotes: [ { urls: ["nats://a:1", 3 ] } ] }', ["c.conf:1:46: interface conversion: interface {} is int64, not string"]],
    ['leafnodes { remotes: [ { url: "x", credentials: 5} ] }', ["c.conf:1:35: interface conversion: interface {} is int64, not string"]],
    ['leafnodes { remotes: [ { url: "nats://a:1", reconnect: 2 } ] }', ['c.conf:1:44: unknown field "reconnect"']],
    ['leafnodes { remotes: "x" }', ["c.conf:1:12: Expected remotes field to be an array, got string"]],
    ["leafnodes { remotes: [ 1 ] }", ["c.conf:1:23: Expected remote leafnode entry to be a map/struct, got 1"]],
    ['leafnodes { remotes: [ { url: "nats://a:1", nkey: x } ] }', ['c.conf:1:44: Remote leafnode nkey is not a valid seed: "x"']],
    ["leafnodes { authorization: { user: a, password: b, token: c } }", ['c.conf:1:51: unknown field "token"']],
    [
      "leafnodes { authorization: { users: [{user: a, password: b}], user: x } }",
      ["c.conf:1:12: can not have a single user/pass and a users array"],
    ],
    [
      "leafnodes { authorization: { users: [ {user: a, password: b}, {user: a, password: c} ] } }",
      ['c.conf:1:12: duplicate user "a" detected in leafnode authorization'],
    ],
    ["leafnodes { authorization: { users: 5 } }", ["c.conf:1:29: Expected users field to be an array, got 5"]],
    ["leafnodes { port: 7422, no_advertise: 1 }", ["c.conf:1:24: interface conversion: interface {} is int64, not bool"]],
    ["leafnodes { port: 7422, advertise: 3 }", ["c.conf:1:24: interface conversion: interface {} is int64, not string"]],
    ["leafnodes { reconnect: 2 }", ['c.conf:1:12: invalid use of field "reconnect": reconnect should be converted to a duration']],
    ['leafnodes { reconnect_delay: "x" }', ['c.conf:1:12: error parsing reconnect: time: invalid duration "x"']],
    ["leafnodes: 5", ["c.conf:1:0: Expected map to define a leafnode, got int64"]],
    ["leafnodes { tls_map: true, deny_imports: [a] }", ['c.conf:1:12: unknown field "tls_map"', 'c.conf:1:27: unknown field "deny_imports"']],
    ['leafnodes { remotes: [ { url: "nats://a:1", local_is_hub: true } ] }', ['c.conf:1:44: unknown field "local_is_hub"']],
    ['leafnodes { remotes: [ { url: "nats://a:1", seed: "x" } ] }', ['c.conf:1:44: Remote leafnode nkey is not a valid seed: "x"']],
    ["leafnodes { authorization: { users: [{user: a, password: b, nkey: x}] } }", ['c.conf:1:60: unknown field "nkey"']],
  ];
  it.each(bad)("%s", (text, want) => {
    expect(apply(text).errors).toEqual(want);
  });

  it("warns about accepted keys natsts does not act on", () => {
    expect(apply("leafnodes { port: 1, compression: off }").warnings).toEqual([
      'c.conf:1:21: "leafnodes.compression" is not supported by natsts yet; ignored',
    ]);
  });
});

describe("leafnode URLs", () => {
  it("parses user, password, host and port (7422 by default)", () => {
    expect(parseLeafURL("nats-leaf://u%40x:p%3A@127.0.0.1:7500")).toEqual({ host: "127.0.0.1", port: 7500, user: "u@x", pass: "p:" });
    expect(parseLeafURL("nats://hub")).toEqual({ host: "hub", port: 7422, user: "", pass: "" });
    expect(parseLeafURL("[::1]:5")).toEqual({ host: "::1", port: 5, user: "", pass: "" });
    expect(parseLeafURL("nats://:5")).toBeNull();
  });

  it("rejects what Go's url.Parse rejects", () => {
    expect(validLeafURL("::x")).toBe(false);
    expect(validLeafURL("nats://a%zz:1")).toBe(false);
    expect(validLeafURL("x")).toBe(true);
  });
});
