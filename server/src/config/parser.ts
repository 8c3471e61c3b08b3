// Configuration text -> value tree. Every node carries the file, line and column it came from.
// Semantics follow nats-server's conf package: `$name` looks up keys defined earlier in the enclosing
// maps (innermost first), then the environment variable (whose text is parsed as a config value);
// `include path` parses another file (relative to the including one) and merges its keys in place.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Ctx, Lexer, LexError, type SrcPos, type ValueToken } from "./lexer.js";

export interface Pos {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based, in UTF-8 bytes */
  col: number;
}

export interface ConfEntry {
  key: string;
  keyPos: Pos;
  value: ConfNode;
  /** referenced as $key somewhere: such keys are not "unknown fields" (nats-server rule) */
  usedAsVariable: boolean;
}

export interface ConfMap {
  kind: "map";
  entries: Map<string, ConfEntry>;
  pos: Pos;
}

export type ConfNode =
  | { kind: "string"; value: string; pos: Pos }
  | { kind: "int"; value: number; pos: Pos }
  | { kind: "float"; value: number; pos: Pos }
  | { kind: "bool"; value: boolean; pos: Pos }
  | { kind: "datetime"; value: Date; pos: Pos }
  | { kind: "array"; items: ConfNode[]; pos: Pos }
  | ConfMap;

/** A parse failure; message is the complete text nats-server prints for it. */
export class ConfParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfParseError";
  }
}

export interface ParseOptions {
  /** environment lookup for $VARIABLES (default: process.env) */
  env?: (name: string) => string | undefined;
}

/** A position as nats-server prints it: `file:line:col`, where the column is 0-based on line 1 only. */
export function natsPos(p: Pos): string {
  return `${p.file}:${p.line}:${p.line === 1 ? p.col - 1 : p.col}`;
}

/** Go's name of the dynamic type nats-server would see for this value (for its type-assertion errors). */
export function goTypeName(n: ConfNode): string {
  switch (n.kind) {
    case "string": return "string";
    case "int": return "int64";
    case "float": return "float64";
    case "bool": return "bool";
    case "datetime": return "time.Time";
    case "array": return "[]interface {}";
    case "map": return "map[string]interface {}";
  }
}

/** The value as plain data (maps become objects, positions dropped). */
export function plainValue(n: ConfNode): unknown {
  switch (n.kind) {
    case "array": return n.items.map(plainValue);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const e of n.entries.values()) out[e.key] = plainValue(e.value);
      return out;
    }
    default: return n.value;
  }
}

interface ParserState {
  file: string;
  env: (name: string) => string | undefined;
  /** environment variables being expanded (cycle detection) */
  envStack: readonly string[];
  /** absolute paths of the files being included (cycle detection) */
  includeStack: readonly string[];
}

function defaultEnv(name: string): string | undefined {
  return process.env[name];
}

/** Parse configuration text. `file` is the path used in positions and to resolve includes. */
export function parseConfig(text: string, file: string, opts: ParseOptions = {}): ConfMap {
  return new Parser(text, {
    file,
    env: opts.env ?? defaultEnv,
    envStack: [],
    includeStack: [resolve(file)],
  }).document();
}

class Parser {
  private readonly lexer: Lexer;
  private readonly scopes: ConfMap[] = [];

  constructor(text: string, private readonly st: ParserState) {
    this.lexer = new Lexer(text);
  }

  private pos(p: SrcPos): Pos {
    return { file: this.st.file, line: p.line, col: p.col };
  }

  document(): ConfMap {
    const root: ConfMap = { kind: "map", entries: new Map(), pos: { file: this.st.file, line: 1, col: 1 } };
    try {
      this.scopes.push(root);
      this.mapBody("top", root);
      this.scopes.pop();
    } catch (err) {
      if (err instanceof LexError) throw new ConfParseError(err.message);
      throw err;
    }
    return root;
  }

  private mapBody(ctx: "top" | "map", map: ConfMap): void {
    let first = true;
    for (;;) {
      const k = this.lexer.nextKey(ctx);
      if (k.kind === "eof" || k.kind === "end") return;
      if (first && ctx === "map") map.pos = this.pos(k.pos);
      first = false;
      if (k.kind === "include") {
        this.include(k.path, map);
      } else {
        if (!this.lexer.keySeparator(ctx)) {
          throw new ConfParseError(`config is invalid (${natsPos(this.pos(this.lexer.pos()))})`);
        }
        const value = this.value();
        map.entries.delete(k.name);
        map.entries.set(k.name, { key: k.name, keyPos: this.pos(k.pos), value, usedAsVariable: false });
      }
      if (this.lexer.afterValue(ctx) === "end") return;
    }
  }

  private value(): ConfNode {
    const t: ValueToken = this.lexer.value();
    const pos = this.pos(t.pos);
    switch (t.kind) {
      case "mapStart": {
        const map: ConfMap = { kind: "map", entries: new Map(), pos };
        this.scopes.push(map);
        this.mapBody("map", map);
        this.scopes.pop();
        return map;
      }
      case "arrayStart": {
        const items: ConfNode[] = [];
        const ctx: Ctx = "array";
        while (this.lexer.arrayItem() === "value") {
          items.push(this.value());
          if (this.lexer.afterValue(ctx) === "end") break;
        }
        return { kind: "array", items, pos };
      }
      case "variable":
        return this.lookup(t.name, pos);
      default:
        return { ...t, pos };
    }
  }

  private lookup(name: string, pos: Pos): ConfNode {
    for (let s = this.scopes.length - 1; s >= 0; s--) {
      const e = this.scopes[s]?.entries.get(name);
      if (e !== undefined) {
        e.usedAsVariable = true;
        return { ...e.value, pos };
      }
    }
    const raw = this.st.env(name);
    if (raw === undefined) throw new ConfParseError(`variable reference for '${name}' on line ${pos.line} can not be found`);
    try {
      return { ...this.envValue(name, raw), pos };
    } catch (err) {
      if (!(err instanceof ConfParseError)) throw err;
      throw new ConfParseError(`variable reference for '${name}' on line ${pos.line} could not be parsed: ${err.message}`);
    }
  }

  /** An environment variable's text, parsed as the value of a one-key config. */
  private envValue(name: string, raw: string): ConfNode {
    if (this.st.envStack.includes(name)) throw new ConfParseError(`variable reference cycle for '${name}'`);
    const fallback: ConfNode = { kind: "string", value: raw, pos: { file: this.st.file, line: 1, col: 1 } };
    if (raw.trim() === "") return fallback;
    const doc = new Parser(`pk=${raw}`, { ...this.st, envStack: [...this.st.envStack, name] }).document();
    return doc.entries.get("pk")?.value ?? fallback;
  }

  private include(path: string, into: ConfMap): void {
    const target = join(dirname(this.st.file), path);
    const wrap = (msg: string): ConfParseError => new ConfParseError(`error parsing include file '${path}', ${msg}`);
    const abs = resolve(target);
    if (this.st.includeStack.includes(abs)) {
      throw wrap(`include cycle: ${[...this.st.includeStack, abs].join(" -> ")}`);
    }
    let text: string;
    try {
      text = readFileSync(target, "utf8");
    } catch (err) {
      throw wrap(`open ${target}: ${fsReason(err)}`);
    }
    let doc: ConfMap;
    try {
      doc = new Parser(text, { ...this.st, file: target, includeStack: [...this.st.includeStack, abs] }).document();
    } catch (err) {
      if (err instanceof ConfParseError) throw wrap(err.message);
      throw err;
    }
    for (const [k, e] of doc.entries) {
      into.entries.delete(k);
      into.entries.set(k, e);
    }
  }
}

/** Go-style text for a failed file operation ("no such file or directory"). */
export function fsReason(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  switch (code) {
    case "ENOENT": return "no such file or directory";
    case "EACCES": return "permission denied";
    case "EISDIR": return "is a directory";
    case "ENOTDIR": return "not a directory";
    default: return err instanceof Error ? err.message : String(err);
  }
}
