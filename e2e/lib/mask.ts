// Masking of values that legitimately differ between two servers (or two runs of one server) so that
// replies can be compared byte-for-byte. Masking is textual: everything that is not a masked value keeps
// its exact bytes (key order, spacing, escapes), and a masked value keeps its JSON type visible
// (strings become "<name>", numbers <name>, arrays [<name>]).

/** INFO fields whose values are masked (the key itself stays, so the key set is still compared). */
export const MASKED_INFO_FIELDS: readonly string[] = [
  "server_id", // random nkey per server start
  "client_id", // per-connection counter, depends on history
  "nonce", // random per connection
  "go", // runtime version
  "git_commit", // build
  "host", // listen address
  "port", // kernel-chosen port
  "ip", // advertised address
  "client_ip", // peer address
  "connect_urls", // addresses of cluster members
  "ws_connect_urls",
  "xkey", // random curve key
];

// One JSON value: string, number, literal, or a flat array of strings/numbers.
const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const JSON_VALUE = String.raw`(?:${JSON_STRING}|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|\[(?:[^\[\]"]|${JSON_STRING})*\])`;

function placeholder(field: string, value: string): string {
  if (value.startsWith('"')) return `"<${field}>"`;
  if (value.startsWith("[")) return `[<${field}>]`;
  return `<${field}>`;
}

/** The value text of `"field":<value>` in a JSON object text, if present. */
export function jsonFieldText(json: string, field: string): string | undefined {
  const m = new RegExp(String.raw`"${field}"\s*:\s*(${JSON_VALUE})`).exec(json);
  return m?.[1];
}

/**
 * Masks the INFO JSON object text (the part after `INFO `). `server_name` is masked as "<server_id>" when it
 * equals the server_id (its default), and kept otherwise.
 */
export function maskInfoJson(json: string): string {
  const serverId = jsonFieldText(json, "server_id");
  let out = json;
  const nameText = jsonFieldText(json, "server_name");
  if (serverId !== undefined && nameText !== undefined && nameText === serverId) {
    out = out.replace(new RegExp(String.raw`("server_name"\s*:\s*)${JSON_VALUE}`), `$1"<server_id>"`);
  }
  for (const field of MASKED_INFO_FIELDS) {
    out = out.replace(new RegExp(String.raw`("${field}"\s*:\s*)(${JSON_VALUE})`, "g"),
      (_m, prefix: string, value: string) => prefix + placeholder(field, value));
  }
  return out;
}

export interface MaskOptions {
  /** Further replacements applied after the standard ones, in order. */
  readonly extra?: ReadonlyArray<readonly [RegExp, string]>;
  /**
   * Values to replace wherever they occur (value -> placeholder). Values learned from INFO lines in this
   * text are added, so passing the same map for successive pieces of one stream masks them all.
   */
  readonly secrets?: Map<string, string>;
}

/**
 * Masks protocol text (a latin1 string of received bytes): each `INFO {...}` line gets maskInfoJson, and
 * every occurrence elsewhere of a server_id or nonce learned from INFO lines (here or earlier, through
 * `options.secrets`) becomes <server_id> / <nonce>. Then `options.extra` replacements run.
 */
export function maskProtocolText(text: string, options: MaskOptions = {}): string {
  const secrets = options.secrets ?? new Map<string, string>();
  let out = text.replace(/(^|\n)(INFO[ \t]+)(\{[^\n]*\})/gi, (_m, lead: string, op: string, json: string) => {
    for (const field of ["server_id", "nonce"]) {
      const v = jsonFieldText(json, field);
      if (v !== undefined && v.startsWith('"') && v.length > 2) secrets.set(v.slice(1, -1), `<${field}>`);
    }
    return lead + op + maskInfoJson(json);
  });
  for (const [secret, name] of secrets) out = out.split(secret).join(name);
  for (const [re, replacement] of options.extra ?? []) out = out.replace(re, replacement);
  return out;
}

/** The keys of an INFO JSON object, in order. */
export function infoKeys(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`INFO payload is not a JSON object: ${json}`);
  }
  return Object.keys(parsed);
}

/** Extracts the JSON text of the first `INFO {...}` line in protocol text. */
export function infoJsonOf(text: string): string | undefined {
  const m = /(?:^|\n)INFO[ \t]+(\{[^\n]*\})[ \t]*\r?\n/i.exec(text);
  return m?.[1];
}

/** Renders bytes as one readable line: printable ASCII kept, \r \n \t and other bytes escaped. */
export function escapeBytes(data: Buffer | string): string {
  const s = typeof data === "string" ? data : data.toString("latin1");
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13) out += "\\r";
    else if (c === 10) out += "\\n";
    else if (c === 9) out += "\\t";
    else if (c === 92) out += "\\\\";
    else if (c < 32 || c >= 127) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += s[i];
  }
  return out;
}
