import { describe, expect, it } from "vitest";
import { type Options, defaultOptions } from "../config/options.js";
import { FlagError, type FlagValue, applyFlags, parseFlags, tlsHelpText, usageText } from "./flags.js";

function values(argv: string[]): Record<string, FlagValue> {
  return Object.fromEntries(parseFlags(argv).values);
}

function flagError(argv: string[]): string {
  try {
    parseFlags(argv);
  } catch (err) {
    if (err instanceof FlagError) return err.message;
    throw err;
  }
  return "no error";
}

describe("parseFlags", () => {
  const table: Array<[string[], Record<string, FlagValue>]> = [
    [["-p", "4333"], { port: 4333 }],
    [["--port", "4333"], { port: 4333 }],
    [["-p=4333"], { port: 4333 }],
    [["--port=4333"], { port: 4333 }],
    [["-port", "1"], { port: 1 }],
    [["-p", "-1"], { port: -1 }],
    [["-p", "0x10"], { port: 16 }],
    [["-a", "127.0.0.1"], { addr: "127.0.0.1" }],
    [["--net", "h"], { addr: "h" }],
    [["--addr=h"], { addr: "h" }],
    [["-n", "x"], { server_name: "x" }],
    [["--name", "x"], { server_name: "x" }],
    [["--server_name", "x"], { server_name: "x" }],
    [["-m", "8222"], { http_port: 8222 }],
    [["--http_port", "-1"], { http_port: -1 }],
    [["-c", "a.conf"], { config: "a.conf" }],
    [["--config=a.conf"], { config: "a.conf" }],
    [["-t"], { t: true }],
    [["-js", "-sd", "/d"], { jetstream: true, store_dir: "/d" }],
    [["--jetstream=false"], { jetstream: false }],
    [["-D", "-V"], { debug: true, trace: true }],
    [["-DV"], { DV: true }],
    [["-VV"], { VV: true }],
    [["-DVV"], { DVV: true }],
    [["-T=false"], { logtime: false }],
    [["-T=0"], { logtime: false }],
    [["--logtime=T"], { logtime: true }],
    [["-l", "f.log", "-P", "f.pid"], { log: "f.log", pid: "f.pid" }],
    [["--signal", "reload=123"], { signal: "reload=123" }],
    [["-sl=stop"], { signal: "stop" }],
    [["--user", "u", "--pass", "p", "--auth", "t"], { user: "u", pass: "p", auth: "t" }],
    [["--client_advertise", "h:1", "--ports_file_dir", "/p"], { client_advertise: "h:1", ports_file_dir: "/p" }],
    [["-v"], { version: true }],
    [["-h"], { help: true }],
    [["--help_tls"], { help_tls: true }],
    [["-p", "1", "-p", "2"], { port: 2 }],
    [["--tls", "--routes", "nats://a:1"], { tls: true, routes: "nats://a:1" }],
    [[], {}],
  ];
  it.each(table)("%j", (argv, want) => {
    expect(values(argv)).toEqual(want);
  });

  it("stops at the first non-flag and after --", () => {
    expect(parseFlags(["-D", "extra", "-p", "1"]).positional).toEqual(["extra", "-p", "1"]);
    expect(parseFlags(["-D", "--", "-p", "1"]).positional).toEqual(["-p", "1"]);
    expect(parseFlags(["-T", "false"]).positional).toEqual(["false"]);
    expect(parseFlags(["-"]).positional).toEqual(["-"]);
  });

  const errors: Array<[string[], string]> = [
    [["-foo"], "flag provided but not defined: -foo"],
    [["--max_payload", "1"], "flag provided but not defined: -max_payload"],
    [["-VD"], "flag provided but not defined: -VD"],
    [["-p"], "flag needs an argument: -p"],
    [["-c"], "flag needs an argument: -c"],
    [["-p", "abc"], 'invalid value "abc" for flag -p: parse error'],
    [["--port="], 'invalid value "" for flag -port: parse error'],
    [["-p", "99999999999999999999"], 'invalid value "99999999999999999999" for flag -p: value out of range'],
    [["-m", "8222x"], 'invalid value "8222x" for flag -m: parse error'],
    [["-D=maybe"], 'invalid boolean value "maybe" for -D: parse error'],
    [["-T=yes"], 'invalid boolean value "yes" for -T: parse error'],
    [["---p", "4"], "bad flag syntax: ---p"],
    [["-=x"], "bad flag syntax: -=x"],
  ];
  it.each(errors)("%j fails", (argv, msg) => {
    expect(flagError(argv)).toBe(msg);
  });
});

describe("applyFlags", () => {
  const table: Array<[string[], Partial<Options>]> = [
    [["-a", "127.0.0.1"], { host: "127.0.0.1" }],
    [["-p", "-1"], { port: -1 }],
    [["-n", "srv"], { serverName: "srv" }],
    [["-P", "x.pid"], { pidFile: "x.pid" }],
    [["-m", "8222"], { httpPort: 8222 }],
    [["--client_advertise", "h:1"], { clientAdvertise: "h:1" }],
    [["--ports_file_dir", "/p"], { portsFileDir: "/p" }],
    [["-l", "x.log"], { logFile: "x.log" }],
    [["-T=false"], { logtime: false }],
    [["-D"], { debug: true }],
    [["-V"], { trace: true }],
    [["-VV"], { trace: true, traceVerbose: true }],
    [["-DV"], { debug: true, trace: true }],
    [["-DVV"], { debug: true, trace: true, traceVerbose: true }],
    [["-DV=false"], { debug: false, trace: false }],
  ];
  it.each(table)("%j", (argv, want) => {
    const o = defaultOptions();
    const turningOff = (argv[0] ?? "").endsWith("=false");
    o.debug = turningOff;
    o.trace = turningOff;
    expect(applyFlags(o, parseFlags(argv))).toEqual([]);
    expect(o).toMatchObject(want);
  });

  it("sets JetStream and authorization", () => {
    const o = defaultOptions();
    applyFlags(o, parseFlags(["-js", "-sd", "/data", "--user", "u", "--pass", "p", "--auth", "tok"]));
    expect(o.jetstream).toMatchObject({ enabled: true, storeDir: "/data" });
    expect(o.authorization).toMatchObject({ user: "u", password: "p", token: "tok" });
  });

  it("applies the cluster flags", () => {
    const o = defaultOptions();
    applyFlags(o, parseFlags(["--cluster", "nats://127.0.0.1:-1", "--cluster_name", "c1", "--routes", "nats://a:1, nats://b:2", "--no_advertise"]));
    expect(o.cluster).toMatchObject({ host: "127.0.0.1", port: -1, name: "c1", routes: ["nats://a:1", "nats://b:2"], noAdvertise: true });
  });

  it("warns about flags natsts does not implement, leaving options alone", () => {
    const o = defaultOptions();
    const warnings = applyFlags(o, parseFlags(["--tls", "-ms", "8443", "--profile=6060", "-s"]));
    expect(warnings).toEqual([
      "flag -tls is not supported by natsts yet; ignored",
      "flag -ms is not supported by natsts yet; ignored",
      "flag -profile is not supported by natsts yet; ignored",
      "flag -s is not supported by natsts yet; ignored",
    ]);
    expect(o).toEqual(defaultOptions());
  });

  it("ignores control flags", () => {
    const o = defaultOptions();
    expect(applyFlags(o, parseFlags(["-c", "x.conf", "-t", "-sl", "stop", "-h", "-v", "--help_tls"]))).toEqual([]);
    expect(o).toEqual(defaultOptions());
  });
});

describe("help texts", () => {
  it("lists the supported flags", () => {
    const text = usageText();
    for (const flag of ["--addr", "--port", "--server_name", "--pid", "--http_port", "--config", "-t", "--signal", "--client_advertise",
      "--ports_file_dir", "--log", "--logtime", "--debug", "--trace", "-VV", "-DV", "-DVV", "--jetstream", "--store_dir", "--user",
      "--pass", "--auth", "--help", "--version"]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain("Usage: natsts-server [options]");
    expect(tlsHelpText()).toContain("does not implement TLS");
  });
});
