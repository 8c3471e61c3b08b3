// NATS header blocks (ADR-4) as the server reads and writes them: `NATS/1.0[ status[ text]]\r\n`,
// `Key: Value\r\n` lines, then `\r\n`. Server-side lookups are case-sensitive on the key, as in
// nats-server.

const CRLF = "\r\n";
const PREFIX = "NATS/1.0";

/** Value of the first `key:` line, trimmed of leading spaces; null when absent. */
export function getHeader(hdr: Buffer | null, key: string): string | null {
  if (hdr === null || hdr.length === 0) return null;
  const text = hdr.latin1Slice(0, hdr.length);
  let i = text.indexOf(CRLF);
  while (i >= 0 && i + 2 < text.length) {
    const lineStart = i + 2;
    const lineEnd = text.indexOf(CRLF, lineStart);
    if (lineEnd < 0 || lineEnd === lineStart) return null;
    if (text.startsWith(key, lineStart) && text.charCodeAt(lineStart + key.length) === 0x3a /* : */) {
      let v = lineStart + key.length + 1;
      while (v < lineEnd && (text.charCodeAt(v) === 0x20 || text.charCodeAt(v) === 0x09)) v++;
      return text.slice(v, lineEnd);
    }
    i = lineEnd;
  }
  return null;
}

/** Every header as [key, value] pairs in order (status line excluded). */
export function parseHeaders(hdr: Buffer | null): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (hdr === null || hdr.length === 0) return out;
  const lines = hdr.latin1Slice(0, hdr.length).split(CRLF);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") break;
    const c = line.indexOf(":");
    if (c <= 0) continue;
    out.push([line.slice(0, c), line.slice(c + 1).replace(/^[ \t]+/, "")]);
  }
  return out;
}

/** Builds a header block; `status` like "503" or "100 Idle Heartbeat". */
export function buildHeaders(entries: ReadonlyArray<readonly [string, string]>, status: string | null = null): Buffer {
  let s = status !== null ? `${PREFIX} ${status}${CRLF}` : `${PREFIX}${CRLF}`;
  for (const [k, v] of entries) s += `${k}: ${v}${CRLF}`;
  return Buffer.from(s + CRLF, "latin1");
}

/** Adds header lines to an existing block (or makes a new one). */
export function appendHeaders(hdr: Buffer | null, entries: ReadonlyArray<readonly [string, string]>): Buffer {
  if (hdr === null || hdr.length < PREFIX.length + 4) return buildHeaders(entries);
  let add = "";
  for (const [k, v] of entries) add += `${k}: ${v}${CRLF}`;
  // the block ends with an empty line: insert before it
  const head = hdr.subarray(0, hdr.length - 2);
  return Buffer.concat([head, Buffer.from(add + CRLF, "latin1")]);
}

/** A block without the given keys (for example stripping client-only headers before storing). */
export function removeHeaders(hdr: Buffer | null, keys: readonly string[]): Buffer | null {
  if (hdr === null) return null;
  const lines = hdr.latin1Slice(0, hdr.length).split(CRLF);
  const kept = [lines[0]];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") break;
    const c = line.indexOf(":");
    const k = c > 0 ? line.slice(0, c) : line;
    if (!keys.includes(k)) kept.push(line);
  }
  if (kept.length === 1 && kept[0] === PREFIX) return null;
  return Buffer.from(kept.join(CRLF) + CRLF + CRLF, "latin1");
}
