import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BuildResult, ConfigError, buildOptions, loadConfigFile } from "./load.js";
import { defaultOptions } from "./options.js";

const dir = mkdtempSync(join(tmpdir(), "natsts-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function conf(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function failure(argv: string[]): string {
  try {
    buildOptions(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      expect(err.exitCode).toBe(1);
      return err.message.split(dir).join("DIR");
    }
    throw err;
  }
  return "no error";
}

function run(argv: string[]): Extract<BuildResult, { kind: "run" }> {
  const r = buildOptions(argv);
  if (r.kind !== "run") throw new Error(`expected run, got ${r.kind}`);
  return r;
}

const good = conf("good.conf", "port: 4333\ndebug: true\nserver_name: from_file\nlogtime: false\nhttp: 8222\n");

describe("buildOptions", () => {
  it("uses the defaults without arguments", () => {
    const r = run([]);
    const d = defaultOptions();
    expect(r.options).toEqual({ ...d, httpHost: "0.0.0.0" });
    expect(r.warnings).toEqual([]);
  });

  it("reads the config file, then lets flags win", () => {
    const r = run(["-c", good, "-p", "5555", "-D=false", "-n", "from_flag"]);
    expect(r.options).toMatchObject({ configFile: good, port: 5555, debug: false, serverName: "from_flag", logtime: false, httpPort: 8222 });
  });

  it("re-applies the flags on reload", () => {
    const r = run(["-c", good, "-p", "5555", "-a", "127.0.0.1"]);
    const reloaded = loadConfigFile(good);
    expect(reloaded.options).toMatchObject({ port: 4333, host: "0.0.0.0" });
    r.flagOverrides(reloaded.options);
    expect(reloaded.options).toMatchObject({ port: 5555, host: "127.0.0.1", httpHost: "127.0.0.1", debug: true });
  });

  it("keeps a configured monitoring host when -a moves the client host", () => {
    const explicit = conf("http-host.conf", 'http: "0.0.0.0:8222"\n');
    expect(run(["-c", explicit, "-a", "127.0.0.1"]).options).toMatchObject({ host: "127.0.0.1", httpHost: "0.0.0.0" });
    const r = run(["-c", explicit, "-a", "127.0.0.1"]);
    const reloaded = loadConfigFile(explicit).options;
    r.flagOverrides(reloaded);
    expect(reloaded).toMatchObject({ host: "127.0.0.1", httpHost: "0.0.0.0" });
    const implicit = conf("http-port.conf", "http_port: 8222\n");
    expect(run(["-c", implicit, "-a", "127.0.0.1"]).options).toMatchObject({ host: "127.0.0.1", httpHost: "127.0.0.1" });
  });

  it("fails a reload whose result is invalid", () => {
    const r = run(["-c", good]);
    const o = loadConfigFile(good).options;
    o.maxPending = 10;
    expect(() => r.flagOverrides(o)).toThrow("max_payload (1048576) cannot be higher than max_pending (10)");
  });

  it("collects warnings: unsupported settings and flags, nats-server's own warnings", () => {
    const p = conf("warn.conf", "ping_interval: 5\ntls { cert_file: x }\n");
    const r = run(["-c", p, "--tls"]);
    expect(r.options.pingInterval).toBe(5000);
    expect(r.warnings.map((w) => w.split(dir).join("DIR"))).toEqual([
      'DIR/warn.conf:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration',
      'DIR/warn.conf:2:1: "tls" is not supported by natsts yet; ignored',
      "flag -tls is not supported by natsts yet; ignored",
    ]);
  });

  const controls: Array<[string[], BuildResult["kind"]]> = [
    [["-v"], "version"], [["--version", "-h"], "version"], [["-h", "-v"], "version"], [["-h"], "help"], [["--help"], "help"],
    [["--help_tls"], "help"], [["-t", "-c", good, "-h"], "help"], [["-sl", "reload"], "signal"], [["-t", "-c", good], "test-config"],
    [["-c", good], "run"], [["-v", "extra"], "version"],
  ];
  it.each(controls)("%j -> %s", (argv, kind) => {
    expect(buildOptions(argv).kind).toBe(kind);
  });

  it("returns help texts", () => {
    const help = buildOptions(["-h"]);
    expect(help.kind === "help" && help.text.includes("Usage: natsts-server")).toBe(true);
    const tls = buildOptions(["--help_tls"]);
    expect(tls.kind === "help" && tls.text.includes("TLS")).toBe(true);
  });

  const signals: Array<[string[], BuildResult]> = [
    [["-sl", "reload"], { kind: "signal", signal: "reload" }],
    [["--signal", "stop=123"], { kind: "signal", signal: "stop", pid: "123" }],
    [["--signal=ldm=/run/n.pid"], { kind: "signal", signal: "ldm", pid: "/run/n.pid" }],
    [["-sl", "quit"], { kind: "signal", signal: "quit" }],
    [["-sl", "term=1"], { kind: "signal", signal: "term", pid: "1" }],
    [["-sl", "reopen"], { kind: "signal", signal: "reopen" }],
  ];
  it.each(signals)("%j", (argv, want) => {
    expect(buildOptions(argv)).toEqual(want);
  });

  it("tests a config file", () => {
    const r = buildOptions(["-t", "-c", good, "-p", "1"]);
    expect(r.kind).toBe("test-config");
    if (r.kind === "test-config") expect(r.options).toMatchObject({ port: 1, debug: true });
    const unsupported = conf("unsup.conf", "accounts { A: {} }\n");
    const u = buildOptions(["-t", "-c", unsupported]);
    expect(u.kind === "test-config" && u.warnings.length).toBe(1);
  });

  const errors: Array<[string, string[], string]> = [
    ["unknown flag", ["-foo"], "flag provided but not defined: -foo"],
    ["bad flag value", ["-p", "x"], 'invalid value "x" for flag -p: parse error'],
    ["extra argument", ["-c", good, "extra"], 'unrecognized command: "extra"'],
    ["extra argument before signal", ["-sl", "bogus", "extra"], 'unrecognized command: "extra"'],
    ["unknown signal", ["-sl", "bogus=1"], 'unknown signal "bogus"'],
    ["signal names are case-sensitive", ["-sl", "STOP"], 'unknown signal "STOP"'],
    ["-t without -c", ["-t"], "must specify [-c, --config] option to check configuration file syntax"],
    ["missing file", ["-c", join(dir, "nope.conf")], "open DIR/nope.conf: no such file or directory"],
    ["empty file", ["-c", conf("empty.conf", "# nothing\n")], "DIR/empty.conf: config has no values or is empty"],
    ["syntax error", ["-c", conf("syntax.conf", "port: \"4222\n")], "Parse error on line 2: 'Unexpected EOF.'"],
    ["semantic errors with warnings", ["-c", conf("sem.conf", "ping_interval: 5\nfoo: 1\n")],
      'DIR/sem.conf:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration\nDIR/sem.conf:2:1: unknown field "foo"'],
    ["warnings fail -t", ["-t", "-c", conf("warn-t.conf", "write_deadline: 2\n")],
      'DIR/warn-t.conf:1:0: invalid use of field "write_deadline": write_deadline should be converted to a duration'],
    ["inconsistent result", ["-c", conf("pending.conf", "max_pending: 1000\n")], "max_payload (1048576) cannot be higher than max_pending (1000)"],
  ];
  it.each(errors)("%s", (_name, argv, msg) => {
    expect(failure(argv)).toBe(msg);
  });
});

describe("loadConfigFile", () => {
  it("returns defaults plus the file, normalised", () => {
    const r = loadConfigFile(good);
    expect(r.options).toMatchObject({ configFile: good, port: 4333, debug: true, httpHost: "0.0.0.0", httpPort: 8222 });
    expect(r.warnings).toEqual([]);
  });

  it("does not fail on nats-server's warnings (only -t does)", () => {
    const r = loadConfigFile(conf("w.conf", "ping_interval: 7\n"));
    expect(r.options.pingInterval).toBe(7000);
    expect(r.warnings).toHaveLength(1);
  });

  it("throws ConfigError with the printable text", () => {
    expect(() => loadConfigFile(conf("bad.conf", "port: x\n"))).toThrow(ConfigError);
    expect(() => loadConfigFile(conf("bad2.conf", "port: x\n"))).toThrow("bad2.conf:1:0: interface conversion: interface {} is string, not int64");
  });
});
