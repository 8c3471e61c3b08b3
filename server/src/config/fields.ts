// Reading the fields of the server-to-server blocks (cluster, gateway): a value of the wrong type
// is reported with nats-server's text (the Go type conversion that failed) and left unset.

import { type ConfEntry, goTypeName, type Pos } from "./parser.js";

export type Report = (severity: "error" | "unsupported", pos: Pos, message: string) => void;

export function typeErr(report: Report, e: ConfEntry, want: string): undefined {
  report("error", e.keyPos, `interface conversion: interface {} is ${goTypeName(e.value)}, not ${want}`);
  return undefined;
}

export function str(report: Report, e: ConfEntry): string | undefined {
  return e.value.kind === "string" ? e.value.value : typeErr(report, e, "string");
}

export function int(report: Report, e: ConfEntry): number | undefined {
  return e.value.kind === "int" ? e.value.value : typeErr(report, e, "int64");
}

export function bool(report: Report, e: ConfEntry): boolean | undefined {
  return e.value.kind === "bool" ? e.value.value : typeErr(report, e, "bool");
}

/** The entries of an `authorization {}` block; undefined (reported) when it is not a map. */
export function authEntries(report: Report, e: ConfEntry): Iterable<ConfEntry> | undefined {
  return e.value.kind === "map" ? e.value.entries.values() : typeErr(report, e, "map[string]interface {}");
}

/** `user`/`username` and `password`/`pass` of an authorization block; false for any other key. */
export function readUserPassword(report: Report, key: string, f: ConfEntry, into: { user: string; password: string }): boolean {
  if (key === "user" || key === "username") into.user = str(report, f) ?? into.user;
  else if (key === "password" || key === "pass") into.password = str(report, f) ?? into.password;
  else return false;
  return true;
}
