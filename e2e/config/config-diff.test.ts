// Differential test of configuration checking: every case is checked by the reference
// `nats-server -t -c <file>` and by natsts' buildOptions(["-t", "-c", <file>]) in-process. Both must
// agree on valid/invalid, and for invalid files print the same problems (same file:line:col and text;
// nats-server reports several problems in random order, so lines are compared as sorted sets).
// A second table pins the deliberate differences: both sides' results are asserted there.
//
// The reference server is located by e2e/lib/tools.ts ($NATSTS_TOOLS_DIR or ~/.cache/natsts-tools);
// if it is missing, every case fails.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, buildOptions } from "../../server/src/config/load.js";
import { natsServerPath } from "../lib/tools.js";

interface Case {
  /** the main file's text; extra files (includes) in `files` */
  conf: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
}

interface Outcome {
  ok: boolean;
  /** problem lines, temp directory replaced by DIR, sorted */
  lines: string[];
}

const root = mkdtempSync(join(tmpdir(), "natsts-config-diff-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function materialise(c: Case): string {
  const dir = join(root, String(counter++));
  const write = (rel: string, text: string): void => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  write("server.conf", c.conf);
  for (const [rel, text] of Object.entries(c.files ?? {})) write(rel, text);
  return join(dir, "server.conf");
}

function normalise(text: string, dir: string, prefix: string): string[] {
  return text
    .split("\n")
    .map((l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l).trimEnd())
    .filter((l) => l !== "")
    .map((l) => l.split(dir).join("DIR"))
    .sort();
}

function reference(file: string, c: Case): Outcome {
  const r = spawnSync(natsServerPath(), ["-t", "-c", file], { encoding: "utf8", timeout: 10_000, env: { ...process.env, ...c.env } });
  if (r.error !== undefined) throw r.error;
  const ok = r.status === 0;
  return { ok, lines: ok ? [] : normalise(`${r.stderr}${r.stdout}`, dirname(file), "nats-server: ") };
}

function natsts(file: string, c: Case): Outcome {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(c.env ?? {})) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    const r = buildOptions(["-t", "-c", file]);
    expect(r.kind).toBe("test-config");
    return { ok: true, lines: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, lines: normalise(err.message, dirname(file), "") };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const c = (conf: string, extra: Omit<Case, "conf"> = {}): Case => ({ conf, ...extra });

const SAME: Record<string, Case> = {
  // ---- syntax that is valid
  "separators": c("port 4222\nserver_name = a;\nmax_payload: 1MB,\n"),
  "quoted keys": c('"port": 4222\n\'server_name\': x\n'),
  "comments": c("# c\nport: 4222 # c\n// c\nserver_name: a // c\n"),
  "braces around the file": c("{ port: 4222 }\n"),
  "booleans": c("debug: TRUE\ntrace: on\nlogtime: no\nlogtime_utc: Yes\nno_header_support: off\n"),
  "size suffixes": c("max_payload: 512KB\nmax_pending: 64MiB\nmax_control_line: 4k\n"),
  "block string": c("server_name: (\nhello\n)\n"),
  "escapes": c('server_name: "a\\x41\\tb"\nclient_advertise: \'raw\\t\'\n'),
  "multi-line quoted string": c('client_advertise: "a\nb"\n'),
  "CRLF": c("port: 4222\r\nserver_name: a\r\n"),
  "nested map syntax": c("authorization {\n  # users\n  users: [\n    {user: a, password: b}\n    {user: c, password: d},\n  ]\n}\n"),
  "map separators": c("authorization { user a; password = b, }\n"),
  "empty value before terminator": c("server_name: ,\n"),
  // ---- syntax errors
  "unterminated string": c('server_name: "abc\n'),
  "unterminated single-quoted string": c("server_name: 'abc\n"),
  "unterminated map": c("authorization {\n user: a\n"),
  "unterminated array": c("authorization { users: [\n"),
  "unterminated block": c("server_name: (\nabc\n"),
  "block on one line": c("server_name: (abc)\n"),
  "bad escape": c('server_name: "a\\qb"\n'),
  "bad hex escape": c('server_name: "a\\xZZ"\n'),
  "value missing": c("port: \n"),
  "key without value": c("port: 1\nfoo\n"),
  "key without value at EOF": c("port: 1\nfoo"),
  "leading separator": c("= 4222\n"),
  "top-level garbage": c("port: 4222 foo\n"),
  "missing map separator": c("authorization { user: a password: b }\n"),
  "array garbage": c("authorization { users: [ {user: a} {user: b} ] }\n"),
  "array leading comma": c("authorization { users: [,] }\n"),
  "float without digit": c("port: 1.\n"),
  "float start": c("port: .5\n"),
  "negative without digit": c("port: -abc\n"),
  "partial date": c("port: 2006-01-02\n"),
  "integer out of range": c("max_pending: 9223372036854775808\n"),
  "size suffix followed by digit": c("max_payload: 1m30\n"),
  "include without path": c("include\n"),
  "empty file": c("# nothing here\n"),
  "byte order mark": c("\ufeffport: 4222\n"),
  // ---- variables
  "variable": c("N: 4333\nport: $N\n"),
  "variable in enclosing scope": c("T: s3cr3t\nauthorization { token: $T }\n"),
  "variable inner scope": c("N: 5\nauthorization { N: 7, timeout: $N }\nport: $N\n"),
  "unknown variable": c("port: $NATSTS_DIFF_NOPE\n"),
  "variable defined later": c("port: $N\nN: 1\n"),
  "mutual variables": c("a: $b\nb: $a\nport: $a\n"),
  "variable braces": c("N: 1\nport: ${N}\n"),
  "quoted variable is a string": c('N: 1\nserver_name: "$N"\n'),
  "bcrypt is not a variable": c("authorization { user: a, password: $2a$11$abcdefghijklmnopqrstuv }\n"),
  "environment variable": c("max_payload: $NATSTS_DIFF_SIZE\n", { env: { NATSTS_DIFF_SIZE: "1k" } }),
  "environment quoted": c("server_name: $NATSTS_DIFF_Q\n", { env: { NATSTS_DIFF_Q: '"abc"' } }),
  "environment wrong type": c("port: $NATSTS_DIFF_T\n", { env: { NATSTS_DIFF_T: "true" } }),
  "environment unparsable": c("server_name: $NATSTS_DIFF_U\n", { env: { NATSTS_DIFF_U: "hello world" } }),
  "environment self cycle": c("server_name: $NATSTS_DIFF_C\n", { env: { NATSTS_DIFF_C: "$NATSTS_DIFF_C" } }),
  "environment cycle": c("server_name: $NATSTS_DIFF_A\n", { env: { NATSTS_DIFF_A: "$NATSTS_DIFF_B", NATSTS_DIFF_B: "$NATSTS_DIFF_A" } }),
  // ---- include
  "include": c('port: 4222\ninclude "sub/a.conf"\n', { files: { "sub/a.conf": "debug: true\ninclude b.conf\n", "sub/b.conf": "trace: true\n" } }),
  "include into a map": c("authorization {\n  include 'auth.conf'\n}\n", { files: { "auth.conf": "user: a\npassword: b\n" } }),
  "include defines variables": c('include "vars.conf"\nport: $P\n', { files: { "vars.conf": "P: 4333\n" } }),
  "include errors point into the included file": c('include "sub/a.conf"\n', { files: { "sub/a.conf": "foo: 1\ninclude b.conf\n", "sub/b.conf": "\n  bar: 2\n" } }),
  "missing include": c('include "nope.conf"\n'),
  "include with syntax error": c('include "bad.conf"\n', { files: { "bad.conf": 'port: "\n' } }),
  "include cannot see outer variables": c('N: 5\ninclude "v.conf"\n', { files: { "v.conf": "port: $N\n" } }),
  // ---- keys: valid values
  "all supported keys": c([
    'listen: "127.0.0.1:4333"', "server_name: srv1", 'client_advertise: "example.com:4222"', "max_payload: 512KB",
    "max_pending: 32MB", "max_control_line: 2048", "max_conn: 100", "max_subs: 50", 'ping_interval: "30s"', "ping_max: 5",
    'write_deadline: "3s"', 'lame_duck_duration: "45s"', 'lame_duck_grace_period: "2s"', 'http: "127.0.0.1:8222"',
    'http_base_path: "/mon"', "debug: true", "trace: true", "logtime: false", "logtime_utc: true", "log_file: /tmp/x.log",
    "pid_file: /tmp/x.pid", "ports_file_dir: /tmp", "no_header_support: true", "disable_sublist_cache: true", "max_closed_clients: 5",
  ].join("\n") + "\n"),
  "aliases": c("net: 0.0.0.0\nport: 4222\nmax_connections: 10\nmax_subscriptions: 5\nlogfile: a.log\npidfile: a.pid\nhttp_port: 8222\nmonitor_port: 8223\n"),
  "authorization token": c('authorization { token: "s3cr3t", timeout: 2.5 }\n'),
  "authorization users": c('authorization { users: [{user: a, password: b}, {user: c}], timeout: "3s" }\n'),
  "jetstream forms": c('jetstream { store_dir: "/tmp/js", max_mem: 1G, max_file: "10G", sync_interval: always, domain: hub }\n'),
  "jetstream string": c("jetstream: enabled\n"),
  "jetstream bool": c("jetstream: false\n"),
  "store_dir at top": c("store_dir: /tmp/js\njetstream: true\n"),
  "unsupported blocks are accepted": c("cluster { name: c }\ngateway { name: g }\nleafnodes {}\naccounts {}\ntls {}\nwebsocket {}\nmqtt {}\n"),
  "keys are case-insensitive": c("PORT: 4222\nAuthorization { USER: a }\n"),
  // ---- keys: errors
  "unknown field": c("port: 4222\nfoo: 1\n"),
  "unknown indented field": c("port: 4222\n  foo = \"bar\"\n"),
  "unknown quoted field": c('"foo bar": 1\n'),
  "several errors": c("foo: 1\nbar: 2\nping_interval: \"x\"\n"),
  "wrong type int": c('port: "abc"\n'),
  "wrong type float": c("port: 4222.5\n"),
  "wrong type string": c("server_name: 12\n"),
  "wrong type bool": c('debug: "yes"\n'),
  "wrong type datetime": c("server_name: 2006-01-02T15:04:05Z\n"),
  "wrong type map": c("max_payload: {a: 1}\n"),
  "bad size": c("max_payload: 1XB\n"),
  "size too big": c("max_payload: 2GB\n"),
  "control line too big": c("max_control_line: 2147483648\n"),
  "bad duration": c('ping_interval: "2x"\n'),
  "duration without unit": c('write_deadline: "5"\n'),
  "bare number duration": c("ping_interval: 5\n"),
  "bare number duration, bad type": c("write_deadline: true\n"),
  "lame duck duration too short": c('lame_duck_duration: "5s"\n'),
  "lame duck duration as number": c("lame_duck_duration: 60\n"),
  "negative grace period": c('lame_duck_grace_period: "-1s"\n'),
  "server name with space": c('server_name: "a b"\n'),
  "listen without port": c('listen: "127.0.0.1"\n'),
  "listen bad port": c('listen: "127.0.0.1:abc"\n'),
  "listen bad type": c("listen: true\n"),
  "http bad port": c('http: "127.0.0.1:"\n'),
  "authorization unknown field": c("authorization { user: a, password: b, foo: 1 }\n"),
  "authorization token and user": c("authorization {\n  user: a\n  password: b\n  token: x\n}\n"),
  "authorization users and user": c("authorization { users: [{user: a}], user: c }\n"),
  "authorization users and token": c("authorization { users: [{user: a}], token: c }\n"),
  "authorization duplicate user": c("authorization { users: [{user: a}, {user: b}, {user: a}] }\n"),
  "authorization users not an array": c("authorization { users: a }\n"),
  "authorization user not a map": c("authorization { users: [a] }\n"),
  "authorization user without name": c("authorization { users: [ { password: b} ] }\n"),
  "authorization user unknown field": c("authorization { users: [{user: a, password: b, foo: 1}] }\n"),
  "authorization bad timeout": c('authorization { timeout: "x" }\n'),
  "authorization timeout type": c("authorization { timeout: true }\n"),
  "jetstream unknown field": c('jetstream { store_dir: "/tmp/x", foo: 1 }\n'),
  "jetstream bad string": c("jetstream: maybe\n"),
  "jetstream bad type": c("jetstream: 1\n"),
  "jetstream enabled type": c('jetstream { enabled: "x" }\n'),
  "jetstream bad size string": c('jetstream { max_mem_store: "1GB" }\n'),
  "jetstream size without unit": c('jetstream { max_file_store: "12" }\n'),
  "jetstream size type": c("jetstream { max_mem: 1.5 }\n"),
  "jetstream bad sync": c('jetstream { sync_interval: "bad" }\n'),
  "jetstream numeric sync": c("jetstream { sync: 5 }\n"),
  "variable-only keys are not unknown": c("N: 1\nauthorization { T: x, token: $T }\nport: $N\n"),
  "unused variable key is unknown": c("N: 1\nport: 4222\n"),
};

/** Deliberate differences: natsts is stricter (or saner) than nats-server here. */
const DIFFERENT: Record<string, { conf: string; nats: string[]; natsts: string[] }> = {
  "negative sizes are rejected": {
    conf: "max_payload: -5\n",
    nats: [],
    natsts: ["DIR/server.conf:1:0: invalid max_payload of -5: must not be negative"],
  },
  "ports are range-checked": {
    conf: "port: 99999\n",
    nats: [],
    natsts: ["DIR/server.conf:1:0: invalid port 99999 for port: must be -1 (random), 0 (default) or 1-65535"],
  },
  "negative durations are rejected": {
    conf: 'ping_interval: "-1s"\n',
    nats: [],
    natsts: ["DIR/server.conf:1:0: invalid ping_interval of -1s: must not be negative"],
  },
  "max_payload above max_pending is caught by -t (nats-server only fails at start)": {
    conf: "max_pending: 1000\n",
    nats: [],
    natsts: ["max_payload (1048576) cannot be higher than max_pending (1000)"],
  },
  "numbers directly before ] (nats-server mis-lexes [1])": {
    conf: "port: [1]\n",
    nats: ["Parse error on line 2: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\u0000' instead.'"],
    natsts: ["DIR/server.conf:1:0: interface conversion: interface {} is []interface {}, not int64"],
  },
  "a non-map authorization is one error (nats-server also reports its own crash)": {
    conf: "authorization: 12\n",
    nats: [
      "DIR/server.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}",
      "DIR/server.conf:1:0: runtime error: invalid memory address or nil pointer dereference",
    ],
    natsts: ["DIR/server.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}"],
  },
  "settings of unsupported blocks are not validated": {
    conf: "system_account: {}\n",
    nats: ["DIR/server.conf:1:0: system account name must be a string"],
    natsts: [],
  },
};

describe("config check: natsts agrees with nats-server -t", () => {
  // nats-server walks the top-level keys in Go map order (random), so it reports a duplicate
  // store_dir at either key: both implementations must report it at one of the two.
  it("duplicate store_dir (reported at either key)", () => {
    const cs = c('store_dir: "/tmp/a"\njetstream { store_dir: "/tmp/b" }\n');
    const file = materialise(cs);
    const either = [
      ["DIR/server.conf:1:0: Duplicate 'store_dir' configuration"],
      ["DIR/server.conf:2:13: Duplicate 'store_dir' configuration"],
    ];
    const ref = reference(file, cs);
    const mine = natsts(file, cs);
    expect(ref.ok).toBe(false);
    expect(either).toContainEqual(ref.lines);
    expect(mine.ok).toBe(false);
    expect(either).toContainEqual(mine.lines);
  });

  it.each(Object.entries(SAME))("%s", (_name, cs) => {
    const file = materialise(cs);
    const ref = reference(file, cs);
    const mine = natsts(file, cs);
    expect(mine).toEqual(ref);
  });
});

describe("config check: documented differences", () => {
  it.each(Object.entries(DIFFERENT))("%s", (_name, d) => {
    const cs = c(d.conf);
    const file = materialise(cs);
    expect(reference(file, cs)).toEqual({ ok: d.nats.length === 0, lines: [...d.nats].sort() });
    expect(natsts(file, cs)).toEqual({ ok: d.natsts.length === 0, lines: [...d.natsts].sort() });
  });
});
