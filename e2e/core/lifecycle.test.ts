// Lifecycle of a real natsts process: lame-duck mode (SIGUSR2 and --signal ldm), graceful stop,
// SIGHUP config reload, PID and ports files, and the command line's version/help/error paths.

import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { connect } from "@nats-io/transport-node";
import { afterAll, describe, expect, test } from "vitest";
import { RawConnection, untilClosed, untilText } from "../lib/raw.js";
import { startServer, stopAll } from "../lib/procs.js";
import { natstsLauncherPath } from "../lib/tools.js";

const run = promisify(execFile);

afterAll(async () => {
  await stopAll();
});

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe("lame duck mode", () => {
  test.each([["SIGUSR2"], ["--signal ldm"]])("via %s: INFO ldm:true, clients closed over the duration, then exit", async (how) => {
    const srv = await startServer("natsts", {
      config: 'lame_duck_duration: "30s"\nlame_duck_grace_period: "300ms"\n',
      args: ["-P", "natsts.pid"],
    });
    const raws = await Promise.all([RawConnection.connect(srv.port), RawConnection.connect(srv.port)]);
    for (const r of raws) {
      await r.read(untilText("\r\n"));
      await r.write('CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n');
      await r.read(untilText("PONG\r\n"));
      // protocol-1 clients get an INFO with connect_info after the first PONG
      const ci = await r.read(untilText("\r\n"), 3000);
      expect(ci.data.toString()).toContain('"connect_info":true');
    }
    const t0 = Date.now();
    if (how === "SIGUSR2") srv.kill("SIGUSR2");
    else await run(process.execPath, [natstsLauncherPath(), "--signal", `ldm=${join(srv.dir, "natsts.pid")}`]);
    for (const r of raws) {
      const info = await r.read(untilText("\r\n"), 3000);
      expect(info.data.toString()).toMatch(/^INFO \{.*"ldm":true.*\} \r\n$/);
    }
    for (const r of raws) {
      const rest = await r.read(untilClosed, 5000);
      expect(rest.closed).toBe(true);
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const status = await srv.exited;
    expect(status.code).toBe(0);
    expect(srv.stderr()).toContain("Entering lame duck mode");
  });
});

describe("signals and files", () => {
  test("SIGTERM stops gracefully; PID and ports files are written", async () => {
    const srv = await startServer("natsts", { args: ["-P", "server.pid"], http: true });
    expect(readFileSync(join(srv.dir, "server.pid"), "utf8").trim()).toBe(String(srv.pid));
    const portsFiles = readdirSync(srv.dir).filter((f) => f.endsWith(".ports"));
    expect(portsFiles).toEqual([`natsts-server_${srv.pid}.ports`]);
    const ports = JSON.parse(readFileSync(join(srv.dir, portsFiles[0]), "utf8")) as { nats: string[]; monitoring: string[] };
    expect(ports.nats).toEqual([`nats://127.0.0.1:${srv.port}`]);
    expect(ports.monitoring).toEqual([`http://127.0.0.1:${srv.httpPort}`]);
    const nc = await connect({ servers: srv.url, reconnect: false });
    const closed = nc.closed();
    srv.kill("SIGTERM");
    const status = await srv.exited;
    expect(status.code).toBe(0);
    await closed;
    expect(srv.stderr()).toContain("Server Exiting..");
    expect(existsSync(join(srv.dir, portsFiles[0]))).toBe(false);
  });

  test("SIGHUP reloads logging and limits from the config file", async () => {
    const srv = await startServer("natsts", { config: "debug: false\nmax_payload: 1000\n" });
    const before = await connect({ servers: srv.url });
    expect(before.info?.max_payload).toBe(1000);
    await before.close();
    expect(srv.stderr()).not.toContain("[DBG]");
    writeFileSync(join(srv.dir, "server.conf"), "debug: true\nmax_payload: 5000\n");
    srv.kill("SIGHUP");
    expect(await waitFor(() => srv.stderr().includes("Reloaded server configuration"), 5000)).toBe(true);
    const after = await connect({ servers: srv.url });
    expect(after.info?.max_payload).toBe(5000);
    await after.close();
    expect(await waitFor(() => srv.stderr().includes("[DBG]"), 3000)).toBe(true);
  });

  test("a reload with a bad config is refused and the server keeps running", async () => {
    const srv = await startServer("natsts", { config: "max_payload: 1000\n" });
    writeFileSync(join(srv.dir, "server.conf"), "max_payload: 1000\nnot_a_key: 1\n");
    await run(process.execPath, [natstsLauncherPath(), "--signal", `reload=${srv.pid}`]);
    expect(await waitFor(() => srv.stderr().includes("Failed to reload"), 5000)).toBe(true);
    const nc = await connect({ servers: srv.url });
    expect(nc.info?.max_payload).toBe(1000);
    await nc.close();
  });
});

describe("logging", () => {
  test("-l writes nats-server-format lines to a file; -DV adds debug and protocol traces", async () => {
    const srv = await startServer("natsts", { args: ["-l", "natsts.log", "-DV"] });
    const nc = await connect({ servers: srv.url, name: "logtest" });
    nc.subscribe("log.>", { callback: () => undefined });
    nc.publish("log.x", new TextEncoder().encode("hello"));
    await nc.flush();
    await nc.close();
    const file = join(srv.dir, "natsts.log");
    expect(await waitFor(() => existsSync(file) && readFileSync(file, "utf8").includes("->> MSG_PAYLOAD"), 5000)).toBe(true);
    const log = readFileSync(file, "utf8");
    const stamp = String.raw`\[\d+\] \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{6}`;
    expect(log).toMatch(new RegExp(`^${stamp} \\[INF\\] Starting natsts-server$`, "m"));
    expect(log).toMatch(new RegExp(`^${stamp} \\[DBG\\] 127\\.0\\.0\\.1:\\d+ - cid:\\d+ - Client connection created$`, "m"));
    expect(log).toContain("<<- [SUB log.> 1]");
    expect(log).toContain("<<- [PUB log.x 5]");
    expect(log).toContain('<<- MSG_PAYLOAD: ["hello"]');
    expect(log).toContain("->> [MSG log.x 1 5]");
    expect(srv.stderr()).not.toContain("[INF] Starting");
  });
});

describe("command line", () => {
  test("--version and --help", async () => {
    const v = await run(process.execPath, [natstsLauncherPath(), "--version"]);
    expect(v.stdout).toMatch(/natsts-server: v\d+\.\d+\.\d+/);
    const h = await run(process.execPath, [natstsLauncherPath(), "--help"]);
    expect(h.stdout).toMatch(/--jetstream/);
    expect(h.stdout).toMatch(/--store_dir/);
  });

  test("an unknown flag or a bad config file fails with exit 1 and a message naming the problem", async () => {
    const bad = await run(process.execPath, [natstsLauncherPath(), "--no-such-flag"]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/no-such-flag/);
    const dir = (await startServer("natsts")).dir;
    const conf = join(dir, "bad.conf");
    writeFileSync(conf, "port: 4222\nbogus_key: true\n");
    const r = await run(process.execPath, [natstsLauncherPath(), "-c", conf]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(r?.code).toBe(1);
    expect(r?.stderr).toContain(`${conf}:2:`);
    expect(r?.stderr).toContain("bogus_key");
  });
});
