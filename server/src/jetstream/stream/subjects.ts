// Subject relations used by stream and consumer configuration checks.
import { isValidSubject, subjectsCollide } from "../../sublist/subject.js";

export { isValidSubject };

/** Could some literal subject match both patterns? */
export function subjectsOverlap(a: string, b: string): boolean {
  return subjectsCollide(a, b);
}

/** Is every subject matched by `sub` also matched by `sup`? (both may hold wildcards) */
export function isSubsetMatch(sub: string, sup: string): boolean {
  const st = sub.split(".");
  const pt = sup.split(".");
  for (let i = 0; i < pt.length; i++) {
    const p = pt[i];
    if (p === ">") return st.length > i;
    if (i >= st.length) return false;
    const s = st[i];
    if (s === ">") return false;
    if (p === "*") continue;
    if (s === "*" || s !== p) return false;
  }
  return st.length === pt.length;
}

/** Does the subject hold a `*` or `>` token? */
export function hasWildcard(subject: string): boolean {
  return subject.split(".").some((t) => t === "*" || t === ">");
}

/** A literal (publishable) valid subject. */
export function isValidLiteral(subject: string): boolean {
  return isValidSubject(subject) && !hasWildcard(subject);
}

const JS_RESERVED = ["$JS.>", "$JSC.>", "$NRG.>"];
const JS_ALLOWED = "$JS.EVENT.>";
const SYS_RESERVED = "$SYS.>";
const SYS_ALLOWED = "$SYS.ACCOUNT.>";

/** Would a stream on this subject capture JetStream API / cluster traffic? */
export function overlapsJetStreamApi(subject: string): boolean {
  return JS_RESERVED.some((r) => subjectsOverlap(subject, r)) && !isSubsetMatch(subject, JS_ALLOWED);
}

/** Would a stream on this subject capture system account traffic? */
export function overlapsSystemApi(subject: string): boolean {
  return subjectsOverlap(subject, SYS_RESERVED) && !isSubsetMatch(subject, SYS_ALLOWED);
}

/** Stream and consumer names: non-empty, no whitespace, no `.`, `*`, `>`, and no path separators. */
export function isValidName(name: string): boolean {
  return name !== "" && !/[\s.*>/\\]/.test(name);
}

/** Does the name contain a path separator? */
export function hasPathSeparator(name: string): boolean {
  return name.includes("/") || name.includes("\\");
}
