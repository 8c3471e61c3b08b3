// Route authorization (cluster.authorization) and no_advertise.

import { describe, expect, test } from "vitest";
import { startServer, type ServerProcess } from "../lib/procs.js";
import { closedAfterAll, clusterURL, collect, conn, connectURLs, waitFor, waitForMesh, waitInterest } from "./helpers.js";

const { track } = closedAfterAll();

function member(name: string, routes: string[], extra = ""): Promise<ServerProcess> {
  const r = routes.length > 0 ? `, routes: [${routes.map((u) => JSON.stringify(u)).join(", ")}]` : "";
  const config = `server_name: ${name}\ncluster { name: A1, listen: "127.0.0.1:-1", authorization { user: ru, password: rp }${r}${extra} }\n`;
  return startServer("natsts", { name, config });
}

function withCreds(url: string, user: string, pass: string): string {
  return url.replace("nats://", `nats://${user}:${pass}@`);
}

describe("route authorization", () => {
  test("routes with the right credentials join, others are refused", async () => {
    const seed = await member("A", []);
    const good = await member("B", [withCreds(clusterURL(seed), "ru", "rp")]);
    await waitForMesh([seed, good]);
    const bad = await member("C", [withCreds(clusterURL(seed), "ru", "wrong")]);
    await waitFor("the refusal in the seed's log", () => /authentication error/.test(seed.stderr() + seed.stdout()));
    expect(await connectURLs(bad)).toEqual([]);
    const [p, s] = await Promise.all([conn(seed), conn(good)]);
    track(p, s);
    const got = collect(s, "auth.x");
    await waitInterest(p, [s]);
    p.publish("auth.x", "ok");
    await waitFor("delivery over the authorized route", () => got.length === 1);
  });

  test("no_advertise keeps connect_urls out of client INFO", async () => {
    const seed = await member("N1", [], ", no_advertise: true");
    const other = await member("N2", [withCreds(clusterURL(seed), "ru", "rp")], ", no_advertise: true");
    const [p, s] = await Promise.all([conn(seed), conn(other)]);
    track(p, s);
    const got = collect(s, "noadv");
    await waitInterest(p, [s]);
    p.publish("noadv", "x");
    await waitFor("delivery", () => got.length === 1);
    expect(await connectURLs(seed)).toEqual([]);
    expect(await connectURLs(other)).toEqual([]);
  });
});
