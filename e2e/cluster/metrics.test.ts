// Prometheus metrics for routes, scraped from /metrics of real cluster members: routes up, each
// configured route's state, messages and bytes in and out per route; a route that goes away
// leaves no series behind and its configured URL reads 0.

import { afterAll, describe, expect, test } from "vitest";
import { stopAll } from "../lib/procs.js";
import { clusterURL, conn, startMember, waitFor, waitInterest } from "./helpers.js";

afterAll(stopAll);

async function scrape(httpPort: number | undefined): Promise<string> {
  return (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
}

/** The value of one sample (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("route metrics", () => {
  test("routes up, configured route state and per-route traffic", async () => {
    const a = await startMember("MA", null, ["-m", "-1"]);
    const b = await startMember("MB", a, ["-m", "-1"]);
    const routeURL = clusterURL(a);
    await waitFor("the route up on both", async () => sample(await scrape(a.httpPort), "natsts_routes") === 1 && sample(await scrape(b.httpPort), "natsts_routes") === 1);
    const [na, nb] = await Promise.all([conn(a), conn(b)]);
    try {
      let got = 0;
      na.subscribe("met.>", { callback: () => { got++; } });
      await waitInterest(nb, [na]);
      const before = await scrape(b.httpPort);
      const outBefore = sample(before, "natsts_route_out_msgs", { remote_name: "MA" }) ?? -1;
      const bytesBefore = sample(before, "natsts_route_out_bytes", { remote_name: "MA" }) ?? -1;
      expect(outBefore).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 25; i++) nb.publish("met.x", "0123456789");
      await nb.flush();
      await waitFor("25 messages", () => got >= 25);
      const mb = await scrape(b.httpPort);
      const ma = await scrape(a.httpPort);
      expect(sample(mb, "natsts_route_out_msgs", { remote_name: "MA" })).toBe(outBefore + 25);
      expect(sample(mb, "natsts_route_out_bytes", { remote_name: "MA" })).toBe(bytesBefore + 250);
      expect(sample(ma, "natsts_route_in_msgs", { remote_name: "MB" })).toBeGreaterThanOrEqual(outBefore + 25);
      expect(sample(ma, "natsts_route_up", { remote_name: "MB" })).toBe(1);
      expect(sample(mb, "natsts_route_configured_up", { url: routeURL })).toBe(1);
      // A has no configured routes
      expect(sample(ma, "natsts_route_configured_up")).toBeUndefined();
    } finally {
      await Promise.all([na.close(), nb.close()]);
    }
    await a.stop();
    await waitFor("the route down on B", async () => sample(await scrape(b.httpPort), "natsts_routes") === 0);
    const after = await scrape(b.httpPort);
    expect(sample(after, "natsts_route_configured_up", { url: routeURL })).toBe(0);
    expect(sample(after, "natsts_route_up", { remote_name: "MA" })).toBeUndefined();
    expect(sample(after, "natsts_route_out_msgs", { remote_name: "MA" })).toBeUndefined();
  }, 30_000);
});
