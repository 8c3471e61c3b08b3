// Subject and queue-name rules (nats-server sublist semantics).

const DOT = 0x2e;
const STAR = 0x2a;
const GT = 0x3e;

/** the bytes nats-server refuses inside subject tokens and queue names */
function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** A subscription subject: non-empty tokens, no whitespace, `>` only as the last token. */
export function isValidSubject(subject: string): boolean {
  const n = subject.length;
  if (n === 0) return false;
  let tokenStart = 0;
  let sawFwc = false;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? DOT : subject.charCodeAt(i);
    if (c === DOT) {
      const len = i - tokenStart;
      if (len === 0) return false;
      if (sawFwc) return false; // a token after `>`
      if (len === 1 && subject.charCodeAt(tokenStart) === GT) sawFwc = true;
      tokenStart = i + 1;
    } else if (isWhitespace(c)) {
      return false;
    }
  }
  return true;
}

/** A publish subject: valid and without wildcard tokens. */
export function isValidLiteralSubject(subject: string): boolean {
  if (!isValidSubject(subject)) return false;
  return isLiteral(subject);
}

/** True when no token is a lone `*` or `>`. */
export function isLiteral(subject: string): boolean {
  const n = subject.length;
  for (let i = 0; i < n; i++) {
    const c = subject.charCodeAt(i);
    if (c === STAR || c === GT) {
      const startOk = i === 0 || subject.charCodeAt(i - 1) === DOT;
      const endOk = i === n - 1 || subject.charCodeAt(i + 1) === DOT;
      if (startOk && endOk) return false;
    }
  }
  return true;
}

/** Queue group names: non-empty, no whitespace. */
export function isValidQueueName(queue: string): boolean {
  if (queue.length === 0) return false;
  for (let i = 0; i < queue.length; i++) {
    if (isWhitespace(queue.charCodeAt(i))) return false;
  }
  return true;
}

/** Does literal subject `subject` match pattern `pattern` (which may contain wildcards)? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const pt = pattern.split(".");
  const st = subject.split(".");
  for (let i = 0; i < pt.length; i++) {
    const p = pt[i];
    if (p === ">") return st.length > i;
    if (i >= st.length) return false;
    if (p !== "*" && p !== st[i]) return false;
  }
  return pt.length === st.length;
}

/**
 * Could two patterns match a common literal subject? Used to invalidate cached match results
 * when a wildcard subscription comes or goes (the cache key may itself hold wildcards).
 */
export function subjectsCollide(a: string, b: string): boolean {
  const at = a.split(".");
  const bt = b.split(".");
  const n = Math.min(at.length, bt.length);
  for (let i = 0; i < n; i++) {
    const x = at[i];
    const y = bt[i];
    if (x === ">" || y === ">") return true;
    if (x !== "*" && y !== "*" && x !== y) return false;
  }
  return at.length === bt.length;
}
