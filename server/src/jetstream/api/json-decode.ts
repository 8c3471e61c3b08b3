// Type-directed decoding of JSON into nats-server's request structs, reproducing the behaviour and
// error texts of Go's encoding/json (with DisallowUnknownFields) that clients see in
// "invalid JSON: ..." errors:
//   - keys match field names exactly, else case-insensitively; unknown keys are an error;
//   - a value of the wrong JSON kind is a type error naming the innermost struct and the field path
//     ("json: cannot unmarshal string into Go struct field StreamConfigRequest.StreamConfig.max_msgs of type int64");
//     the first such error is kept and decoding goes on (so a later custom-decoder error wins);
//   - null leaves non-pointer scalars alone, clears pointers, slices and maps;
//   - decoding into an existing value merges (struct fields, map entries, slice elements in place).
import { GoJsonReader, JsonSyntaxError, JsonUnexpectedEOF, goQuote, nodeFromValue, type JsonNode } from "./json-scan.js";

export type GoType =
  | { readonly k: "string" }
  | { readonly k: "bool" }
  | { readonly k: "int"; readonly name: string; readonly min: bigint; readonly max: bigint }
  /** a type with its own UnmarshalJSON: sees the raw JSON text (also for null); an error aborts decoding */
  | { readonly k: "custom"; readonly name: string; readonly decode: (raw: Uint8Array, node: JsonNode) => { value: unknown } | { error: string } }
  | { readonly k: "ptr"; readonly elem: GoType }
  | GoStruct
  | { readonly k: "slice"; readonly name: string; readonly elem: GoType }
  | { readonly k: "map"; readonly name: string; readonly elem: GoType };

export interface GoStruct {
  readonly k: "struct";
  /** the Go type name, e.g. "server.StreamSource" */
  readonly name: string;
  readonly fields: readonly GoField[];
  /** unknown keys are ignored (plain json.Unmarshal) instead of rejected (DisallowUnknownFields) */
  readonly lenient?: boolean;
}

export interface GoField {
  /** the JSON key */
  readonly json: string;
  readonly type: GoType;
  /** names of embedded structs this field is promoted through (they appear in error field paths) */
  readonly via?: readonly string[];
}

export type Decoded = Record<string, unknown>;

const MAX_I64 = (1n << 63n) - 1n;
export const GoInt = {
  int: { k: "int", name: "int", min: -(1n << 63n), max: MAX_I64 },
  int32: { k: "int", name: "int32", min: -(1n << 31n), max: (1n << 31n) - 1n },
  int64: { k: "int", name: "int64", min: -(1n << 63n), max: MAX_I64 },
  uint64: { k: "int", name: "uint64", min: 0n, max: (1n << 64n) - 1n },
  duration: { k: "int", name: "time.Duration", min: -(1n << 63n), max: MAX_I64 },
} as const satisfies Record<string, GoType>;
export const GoString: GoType = { k: "string" };
export const GoBool: GoType = { k: "bool" };

export function typeName(t: GoType): string {
  switch (t.k) {
    case "string": return "string";
    case "bool": return "bool";
    case "ptr": return typeName(t.elem);
    default: return t.name;
  }
}

function kindOf(node: JsonNode): string {
  switch (node.t) {
    case "object": return "object";
    case "array": return "array";
    case "string": return "string";
    case "number": return "number";
    case "bool": return "bool";
    default: return "null";
  }
}

function rawOf(node: JsonNode): Uint8Array {
  switch (node.t) {
    case "string": return node.raw;
    case "number": return Buffer.from(node.raw, "latin1");
    case "bool": return Buffer.from(node.value ? "true" : "false");
    case "null": return Buffer.from("null");
    default: return Buffer.from(JSON.stringify(valueOf(node)), "utf8");
  }
}

function valueOf(node: JsonNode): unknown {
  switch (node.t) {
    case "object": return Object.fromEntries(node.entries.map(([k, v]) => [k, valueOf(v)]));
    case "array": return node.items.map(valueOf);
    case "string": return node.value;
    case "number": return Number(node.raw);
    case "bool": return node.value;
    default: return null;
  }
}

/** Go's case folding for field-name matching (bytes.EqualFold-like). */
function fold(s: string): string {
  return s.replace(/\u017f/g, "s").replace(/\u212a/g, "k").toLowerCase();
}

class Aborted extends Error {}

class Decoder {
  saved: string | undefined;
  private structName = "";
  private readonly stack: string[] = [];

  constructor(private readonly top: GoType) {}

  private typeError(kind: string, t: GoType): void {
    if (this.saved !== undefined) return;
    const where = this.structName === "" && this.stack.length === 0
      ? `Go value of type ${typeName(t)}`
      : `Go struct field ${this.structName}.${this.stack.join(".")} of type ${typeName(t)}`;
    this.saved = `json: cannot unmarshal ${kind} into ${where}`;
  }

  private save(message: string): void {
    if (this.saved === undefined) this.saved = message;
  }

  decode(t: GoType, node: JsonNode, current: unknown): unknown {
    switch (t.k) {
      case "custom": {
        const r = t.decode(rawOf(node), node);
        if ("error" in r) throw new Aborted(r.error);
        return r.value;
      }
      case "ptr":
        if (node.t === "null") return undefined;
        return this.decode(t.elem, node, current);
      case "string":
        if (node.t === "string") return node.value;
        if (node.t !== "null") this.typeError(kindOf(node), t);
        return current;
      case "bool":
        if (node.t === "bool") return node.value;
        if (node.t !== "null") this.typeError(kindOf(node), t);
        return current;
      case "int":
        return this.decodeInt(t, node, current);
      case "slice":
        return this.decodeSlice(t, node, current);
      case "map":
        return this.decodeMap(t, node, current);
      case "struct":
        return this.decodeStruct(t, node, current);
    }
  }

  private decodeInt(t: Extract<GoType, { k: "int" }>, node: JsonNode, current: unknown): unknown {
    if (node.t === "null") return current;
    if (node.t !== "number") {
      this.typeError(kindOf(node), t);
      return current;
    }
    const ok = t.min < 0n ? /^-?\d+$/.test(node.raw) : /^\d+$/.test(node.raw);
    const n = ok ? BigInt(node.raw) : undefined;
    if (n === undefined || n < t.min || n > t.max) {
      this.typeError(`number ${node.raw}`, t);
      return current;
    }
    return Number(n);
  }

  private decodeSlice(t: Extract<GoType, { k: "slice" }>, node: JsonNode, current: unknown): unknown {
    if (node.t === "null") return undefined;
    if (node.t !== "array") {
      this.typeError(kindOf(node), t);
      return current;
    }
    const old = Array.isArray(current) ? (current as unknown[]) : [];
    return node.items.map((item, i) => this.decode(t.elem, item, i < old.length ? old[i] : undefined));
  }

  private decodeMap(t: Extract<GoType, { k: "map" }>, node: JsonNode, current: unknown): unknown {
    if (node.t === "null") return undefined;
    if (node.t !== "object") {
      this.typeError(kindOf(node), t);
      return current;
    }
    const out: Record<string, unknown> = current !== null && typeof current === "object" ? { ...(current as Record<string, unknown>) } : {};
    for (const [key, value] of node.entries) {
      const zero = t.elem.k === "string" ? "" : undefined;
      const v = this.decode(t.elem, value, zero);
      Object.defineProperty(out, key, { value: v, enumerable: true, configurable: true, writable: true });
    }
    return out;
  }

  private decodeStruct(t: GoStruct, node: JsonNode, current: unknown): unknown {
    if (node.t === "null") return current;
    if (node.t !== "object") {
      this.typeError(kindOf(node), t);
      return current;
    }
    const out: Decoded = current !== null && typeof current === "object" ? { ...(current as Decoded) } : {};
    for (const [key, value] of node.entries) {
      const field = t.fields.find((f) => f.json === key) ?? t.fields.find((f) => fold(f.json) === fold(key));
      if (field === undefined) {
        if (t.lenient !== true) this.save(`json: unknown field ${goQuote(key)}`);
        continue;
      }
      const savedStruct = this.structName;
      const depth = this.stack.length;
      this.structName = t.name.replace(/^.*\./, "");
      this.stack.push(...(field.via ?? []), field.json);
      out[field.json] = this.decode(field.type, value, out[field.json]);
      this.stack.length = depth;
      this.structName = savedStruct;
    }
    return out;
  }

  topType(): GoType {
    return this.top;
  }
}

/**
 * Decodes a request body the way nats-server does: every JSON value in the body in turn, each
 * merged into the same result. `body` may be raw bytes / text, or an already-parsed value.
 * Returns the decoded object (keys = JSON names; absent = Go zero value) or the error text.
 */
export function decodeGo(type: GoStruct, body: unknown): { value: Decoded } | { error: string } {
  const d = new Decoder(type);
  let result: unknown = {};
  try {
    if (typeof body === "string" || body instanceof Uint8Array) {
      const reader = new GoJsonReader(typeof body === "string" ? Buffer.from(body, "utf8") : body);
      for (let node = reader.next(); node !== null; node = reader.next()) {
        result = d.decode(d.topType(), node, result);
        if (d.saved !== undefined) return { error: d.saved };
      }
    } else if (body !== undefined) {
      result = d.decode(d.topType(), nodeFromValue(body), result);
      if (d.saved !== undefined) return { error: d.saved };
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { error: `${err.message} at offset ${err.offset}` };
    if (err instanceof JsonUnexpectedEOF || err instanceof Aborted) return { error: err.message };
    throw err;
  }
  return { value: (result ?? {}) as Decoded };
}

/** A custom (UnmarshalJSON) string enum that accepts exactly the given quoted forms. */
export function goEnum<T extends string>(name: string, accepted: Readonly<Record<string, T>>, error: (raw: Uint8Array) => string): GoType {
  return {
    k: "custom",
    name,
    decode: (raw) => {
      const text = Buffer.from(raw).toString("latin1");
      const v = Object.prototype.hasOwnProperty.call(accepted, text) ? accepted[text] : undefined;
      return v === undefined ? { error: error(raw) } : { value: v };
    },
  };
}
