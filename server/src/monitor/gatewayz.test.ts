import { describe, expect, it } from "vitest";
import type { Subscription } from "../client/subscription.js";
import { defaultOptions } from "../config/options.js";
import { GatewayManager } from "../gateway/manager.js";
import { Logger } from "../logger.js";
import { Sublist } from "../sublist/sublist.js";
import { buildGatewayz, gatewayVarz } from "./gatewayz.js";
import { QueryError } from "./query.js";

function manager(): GatewayManager {
  const o = defaultOptions();
  o.gateway = {
    ...o.gateway,
    name: "A",
    host: "127.0.0.1",
    port: -1,
    rejectUnknown: true,
    gateways: [
      { name: "A", urls: ["nats://127.0.0.1:7000"] },
      { name: "B", urls: ["nats://u:p@127.0.0.1:7001", "nats-route://127.0.0.1:7002/"] },
    ],
  };
  let cid = 1;
  const srv = {
    serverId: "NSERVER",
    serverName: "s1",
    logger: new Logger({ debug: false, trace: false, logtime: false, logtimeUTC: false, logFile: "" }),
    sublist: new Sublist<Subscription>(),
    options: o,
    counters: { inMsgs: 0, inBytes: 0 },
    nextConnectionId: () => cid++,
  };
  return new GatewayManager(srv, o.gateway);
}

describe("gatewayz", () => {
  it("answers without a gateway as nats-server does", () => {
    const z = buildGatewayz("NSERVER", null, new URLSearchParams(), Date.UTC(2026, 0, 1));
    expect(z).toEqual({ server_id: "NSERVER", now: "2026-01-01T00:00:00Z", outbound_gateways: {}, inbound_gateways: {} });
    expect(gatewayVarz(null)).toEqual({});
  });

  it("rejects a bad boolean as nats-server does", () => {
    expect(() => buildGatewayz("NSERVER", null, new URLSearchParams("accs=x"))).toThrow(QueryError);
    expect(() => buildGatewayz("NSERVER", null, new URLSearchParams("accs=x"))).toThrow(
      `Error decoding boolean for 'accs': strconv.ParseBool: parsing "x": invalid syntax`,
    );
  });

  it("names the gateway and its listener; a gw_name matching no outbound gateway gives null", () => {
    const gm = manager();
    const z = buildGatewayz("NSERVER", gm, new URLSearchParams());
    expect(Object.keys(z)).toEqual(["server_id", "now", "name", "host", "port", "outbound_gateways", "inbound_gateways"]);
    expect(z).toMatchObject({ name: "A", host: "127.0.0.1", outbound_gateways: {}, inbound_gateways: {} });
    expect(buildGatewayz("NSERVER", gm, new URLSearchParams("gw_name=B")).outbound_gateways).toBeNull();
  });

  it("varz lists the configured remote gateways without credentials, schemes or the own cluster", () => {
    expect(gatewayVarz(manager())).toEqual({
      name: "A",
      host: "127.0.0.1",
      port: 0,
      auth_timeout: 2,
      tls_timeout: 2,
      gateways: [{ name: "B", urls: ["127.0.0.1:7001", "127.0.0.1:7002"] }],
      reject_unknown: true,
    });
  });
});
