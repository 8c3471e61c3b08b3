// Validation of JetStream API JSON against the jsm.go JSON Schemas (draft-07), loaded at test
// time from ../shared/spec/jsm-schemas (outside the repository; never copied into it).
//
//   validateJs("jetstream/api/v1/stream_create_response", value) -> [] or error texts
//   assertJsValid("jetstream/api/v1/stream_create_response", value)  // throws with the errors
//
// A schema id is its path under jsm-schemas without ".json". A missing schema directory or file
// is an error naming the path: tests fail, they never skip.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { repoRoot } from "./tools.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin));

/** Directory of the jsm.go schemas: $NATSTS_JSM_SCHEMAS, else <repo>/../shared/spec/jsm-schemas. */
export function schemasDir(): string {
  const explicit = process.env["NATSTS_JSM_SCHEMAS"];
  const dir = explicit !== undefined && explicit !== "" ? resolve(explicit) : resolve(repoRoot(), "..", "shared", "spec", "jsm-schemas");
  if (!existsSync(dir)) throw new Error(`jsm.go JSON schemas not found at ${dir} (set NATSTS_JSM_SCHEMAS)`);
  return dir;
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (entry.endsWith(".json")) out.push(p);
  }
  return out;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv !== undefined) return ajv;
  // strict off: the schemas use annotations ($comment, minLength on arrays) that strict mode rejects.
  const a = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(a);
  ajv = a;
  return a;
}

/** Ids of every schema available (e.g. "jetstream/api/v1/stream_info_response"). */
export function schemaIds(): string[] {
  const dir = schemasDir();
  return listJson(dir)
    .map((p) => relative(dir, p).replace(/\\/g, "/").replace(/\.json$/, ""))
    .filter((id) => id !== "server/errors")
    .sort();
}

function validator(id: string): ValidateFunction {
  const known = compiled.get(id);
  if (known !== undefined) return known;
  const path = join(schemasDir(), `${id}.json`);
  if (!existsSync(path)) throw new Error(`no JSON schema ${id} (${path})`);
  const schema = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  // Compile without $id so schemas sharing definitions never clash in the registry.
  const { $id: _id, ...body } = schema;
  const fn = instance().compile(body);
  compiled.set(id, fn);
  return fn;
}

function describeError(e: ErrorObject): string {
  return `${e.instancePath === "" ? "/" : e.instancePath} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}

/** Validates `value` against schema `id`; returns the problems (empty when valid). */
export function validateJs(id: string, value: unknown): string[] {
  const fn = validator(id);
  if (fn(value)) return [];
  return (fn.errors ?? []).map(describeError);
}

/** Throws when `value` does not validate against schema `id`. */
export function assertJsValid(id: string, value: unknown): void {
  const problems = validateJs(id, value);
  if (problems.length > 0) throw new Error(`${id}: ${problems.length} schema violation(s):\n  ${problems.join("\n  ")}\nvalue: ${JSON.stringify(value)}`);
}

/** The schema for a JetStream API response `type` (io.nats.jetstream.api.v1.<name>). */
export function schemaIdForType(type: string): string {
  const m = /^io\.nats\.jetstream\.api\.v1\.(\w+)$/.exec(type);
  if (m === null) throw new Error(`not a JetStream API response type: ${type}`);
  return `jetstream/api/v1/${m[1] ?? ""}`;
}

/** The parsed server/errors.json list (err_code, code, description template, constant). */
export interface ErrorListEntry {
  readonly constant: string;
  readonly code: number;
  readonly error_code: number;
  readonly description: string;
}

export function loadErrorList(): ErrorListEntry[] {
  return JSON.parse(readFileSync(join(schemasDir(), "server", "errors.json"), "utf8")) as ErrorListEntry[];
}
