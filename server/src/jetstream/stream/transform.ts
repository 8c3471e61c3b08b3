// Validation of subject transforms (stream subject_transform, source/mirror subject_transforms,
// republish) with the error texts nats-server 2.12 reports, e.g.
// "invalid mapping destination: wildcard index out of range in $2: [2]".
//
// Destination tokens are literals, `$N` (= wildcard N of the source) or mapping functions
// `{{name(args)}}` (name case-insensitive, spaces allowed around the parts): wildcard(i),
// partition(n, i...), split(i, delim), splitfromleft/splitfromright/slicefromleft/slicefromright(i, n),
// random(n).
import { isValidSubject } from "./subjects.js";

const ERR_BAD_SUBJECT = "invalid subject";
const DEST = "invalid mapping destination";

const FUNCTION_TOKEN = /^\{\{\s*([\w-]+)\s*\((.*?)\)\s*\}\}$/;
const DOLLAR_TOKEN = /^\$(\d+)$/;

function parseIntArg(s: string): number | null {
  const t = s.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : null;
}

interface TokenCheck {
  /** wildcard indexes the token refers to */
  indexes: number[];
  error?: string;
}

function checkFunction(token: string, name: string, argText: string): TokenCheck {
  const args = argText.split(",").map((a) => a.trim());
  const wrongFormat = { indexes: [], error: `${DEST}: function argument is invalid or in the wrong format in ${token}` };
  const notEnough = { indexes: [], error: `${DEST}: not enough arguments passed to the function in ${token}` };
  const tooMany = { indexes: [], error: `${DEST}: too many arguments passed to the function in ${token}` };
  switch (name.toLowerCase()) {
    case "wildcard": {
      if (args.length === 1 && args[0] === "") return notEnough;
      if (args.length > 1) return tooMany;
      const i = parseIntArg(args[0] ?? "");
      return i === null ? wrongFormat : { indexes: [i] };
    }
    case "partition": {
      const nums = args.map(parseIntArg);
      if (nums.some((n) => n === null)) return wrongFormat;
      return { indexes: (nums as number[]).slice(1) };
    }
    case "split": {
      if (args.length < 2) return notEnough;
      if (args.length > 2) return tooMany;
      const i = parseIntArg(args[0] ?? "");
      if (i === null || /\s/.test(args[1] ?? "")) return wrongFormat;
      return { indexes: [i] };
    }
    case "splitfromleft":
    case "splitfromright":
    case "slicefromleft":
    case "slicefromright": {
      if (args.length < 2) return notEnough;
      if (args.length > 2) return tooMany;
      const i = parseIntArg(args[0] ?? "");
      const n = parseIntArg(args[1] ?? "");
      if (i === null || n === null) return wrongFormat;
      return { indexes: [i] };
    }
    case "random": {
      if (args.length !== 1) return notEnough;
      return parseIntArg(args[0] ?? "") === null ? wrongFormat : { indexes: [] };
    }
    default:
      return { indexes: [], error: `${DEST}: unknown function in ${token}` };
  }
}

/**
 * Checks a transform from `src` to `dest` as nats-server builds one; returns the error text or
 * null. An empty `dest` means "no transform" and is always accepted. The caller checks that a
 * non-empty `src` is a valid subject (that has its own error); an empty `src` means `>`.
 */
export function subjectTransformError(src: string, dest: string): string | null {
  if (dest === "") return null;
  const source = src === "" ? ">" : src;
  if (!isValidSubject(source)) return ERR_BAD_SUBJECT;
  const srcTokens = source.split(".");
  const wildcards = srcTokens.filter((t) => t === "*").length;
  const srcFwc = srcTokens[srcTokens.length - 1] === ">";
  const destTokens = dest.split(".");
  // Literal tokens must be proper subject tokens.
  for (const t of destTokens) {
    if (FUNCTION_TOKEN.test(t)) continue;
    if (t === "" || /\s/.test(t)) return `${DEST}: invalid transform`;
  }
  if (destTokens.includes("*")) return ERR_BAD_SUBJECT;
  const fwcAt = destTokens.indexOf(">");
  const destFwc = fwcAt >= 0;
  if (destFwc !== srcFwc) return ERR_BAD_SUBJECT;
  if (destFwc && fwcAt !== destTokens.length - 1) {
    const after = destTokens[fwcAt + 1] ?? "";
    if (FUNCTION_TOKEN.test(after) || DOLLAR_TOKEN.test(after)) return `${DEST}: invalid transform in ${after}`;
    return ERR_BAD_SUBJECT;
  }
  for (const t of destTokens) {
    let check: TokenCheck | undefined;
    const dollar = DOLLAR_TOKEN.exec(t);
    if (dollar !== null) check = { indexes: [Number(dollar[1])] };
    const fn = FUNCTION_TOKEN.exec(t);
    if (fn !== null) check = checkFunction(t, fn[1] ?? "", fn[2] ?? "");
    if (check === undefined) continue;
    if (check.error !== undefined) return check.error;
    if (check.indexes.length > 0 && wildcards === 0) return `${DEST}: wildcard index out of range in ${t}`;
    const outOfRange = check.indexes.filter((i) => i > wildcards);
    if (outOfRange.length > 0) return `${DEST}: wildcard index out of range in ${t}: [${outOfRange.join(" ")}]`;
  }
  return null;
}
