import { describe, expect, it } from "vitest";
import { applyConfig, finalizeOptions, issueText } from "./apply.js";
import { validateGateway } from "./gateway.js";
import { type Options, defaultOptions } from "./options.js";
import { parseConfig } from "./parser.js";

function apply(text: string): { o: Options; errors: string[] } {
  const o = defaultOptions();
  const issues = applyConfig(parseConfig(text, "c.conf", { env: () => undefined }), o);
  return { o, errors: issues.filter((i) => i.severity === "error").map(issueText) };
}

describe("gateway block", () => {
  it("reads every field", () => {
    const { o, errors } = apply(`gateway {
  name: A
  listen: "127.0.0.1:7222"
  advertise: "gw.example.com:7222"
  reject_unknown_cluster: true
  connect_retries: 3
  authorization { user: u, password: p }
  gateways: [
    { name: B, url: "nats://127.0.0.1:7223" }
    { name: C, urls: ["nats://127.0.0.1:7224", "nats://127.0.0.1:7225"] }
  ]
}`);
    expect(errors).toEqual([]);
    expect(o.gateway).toEqual({
      name: "A",
      host: "127.0.0.1",
      port: 7222,
      advertise: "gw.example.com:7222",
      rejectUnknown: true,
      connectRetries: 3,
      user: "u",
      password: "p",
      gateways: [
        { name: "B", urls: ["nats://127.0.0.1:7223"] },
        { name: "C", urls: ["nats://127.0.0.1:7224", "nats://127.0.0.1:7225"] },
      ],
    });
  });

  it("takes host and port separately, and reject_unknown", () => {
    const { o } = apply('gateway { name: A, host: "127.0.0.2", port: -1, reject_unknown: true }');
    expect(o.gateway).toMatchObject({ host: "127.0.0.2", port: -1, rejectUnknown: true });
  });

  // texts as nats-server -t prints them (positions: line:col of the key)
  const bad: Array<[string, string]> = [
    ['gateway { name: "A B", port: 7222 }', "c.conf:1:10: gateway name cannot contain spaces"],
    ['gateway { name: A, port: "x" }', "c.conf:1:19: interface conversion: interface {} is string, not int64"],
    ['gateway { name: A, port: 7222, gateways: [{name: B, url: "nats://127.0.0.1:1", foo: 1}] }', 'c.conf:1:79: unknown field "foo"'],
    ["gateway { name: A, port: 7222, foo: 1 }", 'c.conf:1:31: unknown field "foo"'],
    ['gateway { name: A, port: 7222, reject_unknown_cluster: "x" }', "c.conf:1:31: interface conversion: interface {} is string, not bool"],
    ["gateway: 5", "c.conf:1:0: Expected gateway to be a map, got int64"],
    ['gateway { name: A, listen: "127.0.0.1" }', 'c.conf:1:19: could not parse address string "127.0.0.1"'],
    ["gateway { name: A, port: 7222, authorization: {user: a, password: b, token: c} }", "c.conf:1:31: Gateway authorization does not support tokens"],
    ["gateway { name: A, port: 7222, authorization: {user: a, password: b, foo: 1} }", 'c.conf:1:69: unknown field "foo"'],
    ['gateway { name: A, port: 7222, connect_retries: "x" }', "c.conf:1:31: interface conversion: interface {} is string, not int64"],
    ["gateway { name: A, port: 7222, advertise: 5 }", "c.conf:1:31: interface conversion: interface {} is int64, not string"],
    ["gateway { name: A, port: 7222, name: 5 }", "c.conf:1:31: interface conversion: interface {} is int64, not string"],
    ["gateway { name: A, port: 7222, gateways: {name: B} }", "c.conf:1:31: Expected gateways field to be an array, got map[string]interface {}"],
  ];
  it.each(bad)("%s", (text, want) => {
    expect(apply(text).errors).toEqual([want]);
  });
});

describe("gateway checks on the merged options (as nats-server at start, not with -t)", () => {
  const cases: Array<[string, string[]]> = [
    ["gateway { port: -1 }", ["gateway has no name"]],
    ["gateway { name: A }", ['gateway "A" has no port specified (select -1 for random port)']],
    ["gateway { name: A, port: -1 }\ncluster { name: B, port: -1 }", ["cluster name conflicts between cluster and gateway definitions"]],
    ["gateway { name: A, port: -1, gateways: [{name: B}] }", ['gateway "B" has no URL']],
    ['gateway { name: A, port: -1, gateways: [{url: "nats://127.0.0.1:1"}] }', ["gateway in the list 0 has no name"]],
    ["gateway { name: A, port: -1 }\ncluster { name: A, port: -1 }", []],
  ];
  it.each(cases)("%s", (text, want) => {
    const { o } = apply(text);
    expect(finalizeOptions(o).errors).toEqual([]);
    expect(validateGateway(o)).toEqual(want);
  });

  it("gives a cluster without a name the gateway's name", () => {
    const { o } = apply("gateway { name: A, port: -1 }\ncluster { port: -1 }");
    expect(validateGateway(o)).toEqual([]);
    expect(o.cluster.name).toBe("A");
  });

  it("leaves options without a gateway alone", () => {
    const { o } = apply("port: 4222");
    expect(validateGateway(o)).toEqual([]);
    expect(o.cluster.name).toBe("");
  });
});
