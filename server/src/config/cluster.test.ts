import { describe, expect, it } from "vitest";
import { applyConfig, issueText } from "./apply.js";
import { type Options, defaultOptions } from "./options.js";
import { parseConfig } from "./parser.js";

function apply(text: string): { o: Options; issues: string[] } {
  const o = defaultOptions();
  const issues = applyConfig(parseConfig(text, "c.conf", { env: () => undefined }), o);
  return { o, issues: issues.map(issueText) };
}

describe("cluster block: advertise, backoff, pings, handshake timeout", () => {
  it("reads them", () => {
    const { o, issues } = apply(
      'cluster { port: 6222, advertise: "10.0.0.5:7222", connect_backoff: true, ping_interval: "1.5s", ping_max: 4,\n' +
        "authorization { user: u, password: p, timeout: 0.5 } }\n",
    );
    expect(issues).toEqual([]);
    expect(o.cluster).toMatchObject({ advertise: "10.0.0.5:7222", connectBackoff: true, pingInterval: 1500, pingMax: 4, authTimeout: 0.5 });
  });

  it("takes cluster_advertise and a ping interval in whole seconds", () => {
    const { o, issues } = apply("cluster { port: 6222, cluster_advertise: h, ping_interval: 3 }\n");
    expect(issues).toEqual([]);
    expect(o.cluster).toMatchObject({ advertise: "h", pingInterval: 3000 });
  });

  it("leaves them unset when absent", () => {
    const { o } = apply("cluster { port: 6222 }\n");
    for (const k of ["advertise", "connectBackoff", "pingInterval", "pingMax", "authTimeout"]) expect(o.cluster).not.toHaveProperty(k);
  });

  it("reports wrong values as nats-server does", () => {
    // the texts and positions nats-server -t reports
    expect(apply('cluster { ping_interval: "2x" }\n').issues).toEqual(['c.conf:1:10: error parsing ping_interval: time: unknown unit "x" in duration "2x"']);
    expect(apply("cluster { connect_backoff: 1 }\n").issues).toEqual(["c.conf:1:10: interface conversion: interface {} is int64, not bool"]);
    // accepted by nats-server; meaningless, so left unset
    const neg = apply('cluster { ping_interval: "-1s" }\n');
    expect(neg.issues).toEqual([]);
    expect(neg.o.cluster).not.toHaveProperty("pingInterval");
  });
});
