// Public entry of the configuration layer: defaults -> config file -> command-line flags (flags win),
// as nats-server builds its options. Errors are ConfigError, whose message is the text to print.

import { readFileSync } from "node:fs";
import { FlagError, type ParsedFlags, applyFlags, parseFlags, tlsHelpText, usageText } from "../cli/flags.js";
import { applyConfig, finalizeOptions, issueText } from "./apply.js";
import { type Options, defaultOptions } from "./options.js";
import { type ConfMap, ConfParseError, fsReason, parseConfig } from "./parser.js";
import { goQuote } from "./units.js";

/** A configuration or command-line problem. message is the complete text to print (one problem a line). */
export class ConfigError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
    this.name = "ConfigError";
  }
}

export const SIGNALS = ["ldm", "stop", "quit", "term", "reopen", "reload"] as const;
export type SignalName = (typeof SIGNALS)[number];

export type BuildResult =
  | { kind: "run"; options: Options; warnings: string[]; flagOverrides: (o: Options) => void }
  | { kind: "version" }
  | { kind: "help"; text: string }
  | { kind: "signal"; signal: SignalName; pid?: string }
  | { kind: "test-config"; options: Options; warnings: string[] };

export interface LoadResult {
  options: Options;
  /** lines to log: nats-server's config warnings and the settings natsts does not implement */
  warnings: string[];
}

function baseOptions(): Options {
  const o = defaultOptions();
  o.httpHost = ""; // follows the client host unless configured (finalizeOptions)
  return o;
}

/**
 * Read, parse and apply one config file onto `o`. With `strict` (-t), nats-server's warnings (such as a
 * bare number for a duration) fail the check as they do for `nats-server -t`.
 */
function readConfigInto(path: string, o: Options, strict: boolean): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`open ${path}: ${fsReason(err)}`);
  }
  let root: ConfMap;
  try {
    root = parseConfig(text, path);
  } catch (err) {
    if (err instanceof ConfParseError) throw new ConfigError(err.message);
    throw err;
  }
  if (root.entries.size === 0) throw new ConfigError(`${path}: config has no values or is empty`);
  const issues = applyConfig(root, o);
  const failing = issues.filter((i) => i.severity === "error" || (strict && i.severity === "warning"));
  if (failing.length > 0) {
    const shown = issues.filter((i) => i.severity !== "unsupported");
    throw new ConfigError(shown.map(issueText).join("\n"));
  }
  o.configFile = path;
  return issues.map(issueText);
}

/** Options whose monitoring host was not configured and so follows the client host (see withFlags). */
const derivedHttpHost = new WeakSet<Options>();

function finalize(o: Options, warnings: string[]): void {
  if (o.httpHost === "") derivedHttpHost.add(o);
  const f = finalizeOptions(o);
  if (f.errors.length > 0) throw new ConfigError(f.errors.join("\n"));
  warnings.push(...f.warnings);
}

/** Defaults + one config file. Throws ConfigError. */
export function loadConfigFile(path: string): LoadResult {
  const options = baseOptions();
  const warnings = readConfigInto(path, options, false);
  finalize(options, warnings);
  return { options, warnings };
}

function parseSignal(spec: string): { signal: SignalName; pid?: string } {
  const eq = spec.indexOf("=");
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const signal = SIGNALS.find((s) => s === name);
  if (signal === undefined) throw new ConfigError(`unknown signal ${goQuote(name)}`);
  return eq < 0 ? { signal } : { signal, pid: spec.slice(eq + 1) };
}

/** Apply parsed flags onto options built from defaults and the config file, then normalise. */
function withFlags(o: Options, flags: ParsedFlags, warnings: string[]): void {
  // a reloaded file was finalised already: let an unconfigured monitoring host follow -a again
  if (derivedHttpHost.has(o)) o.httpHost = "";
  warnings.push(...applyFlags(o, flags));
  finalize(o, warnings);
}

/** Command line -> what to do. Throws ConfigError (exit code 1) for bad flags or a bad config file. */
export function buildOptions(argv: string[]): BuildResult {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (err instanceof FlagError) throw new ConfigError(err.message);
    throw err;
  }
  const on = (name: string): boolean => flags.values.get(name) === true;
  if (on("version")) return { kind: "version" };
  if (on("help")) return { kind: "help", text: usageText() };
  if (on("help_tls")) return { kind: "help", text: tlsHelpText() };
  const extra = flags.positional[0];
  if (extra !== undefined) throw new ConfigError(`unrecognized command: ${goQuote(extra)}`);
  const sig = flags.values.get("signal");
  if (typeof sig === "string") return { kind: "signal", ...parseSignal(sig) };

  const test = on("t");
  const configValue = flags.values.get("config");
  const configFile = typeof configValue === "string" ? configValue : "";
  if (test && configFile === "") {
    throw new ConfigError("must specify [-c, --config] option to check configuration file syntax");
  }
  const options = baseOptions();
  const warnings = configFile === "" ? [] : readConfigInto(configFile, options, test);
  withFlags(options, flags, warnings);
  if (test) return { kind: "test-config", options, warnings };
  return {
    kind: "run",
    options,
    warnings,
    // the flags' warnings were returned above already; re-applying them on reload would only repeat them
    flagOverrides: (o: Options) => withFlags(o, flags, []),
  };
}
