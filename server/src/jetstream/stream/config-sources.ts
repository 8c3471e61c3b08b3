// Stream configuration rules for mirrors, sources, subject transforms and republish.
import { JSErr, type ApiError } from "../api/errors.js";
import { isValidName, isValidSubject, hasWildcard, subjectsOverlap } from "./subjects.js";
import { subjectTransformError } from "./transform.js";

type Loose = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const invalid = (err: string): ApiError => JSErr.JSStreamInvalidConfigF({ err });

function transformsOf(s: Loose): Loose[] {
  return Array.isArray(s.subject_transforms) ? (s.subject_transforms as (Loose | null)[]).map((t) => t ?? {}) : [];
}

function externalError(s: Loose): ApiError | undefined {
  const ext = s.external as Loose | undefined;
  if (ext === undefined || ext === null) return undefined;
  const api = str(ext.api);
  const deliver = str(ext.deliver);
  if (api !== "" && (!isValidSubject(api) || hasWildcard(api))) {
    return invalid(`stream external api prefix ${JSON.stringify(api)} must be a valid subject without wildcards`);
  }
  if (deliver !== "" && (!isValidSubject(deliver) || hasWildcard(deliver))) {
    return JSErr.JSStreamInvalidExternalDeliverySubjErrF({ prefix: deliver });
  }
  return undefined;
}

/** Mirror rules; `originCheck` runs where nats-server compares the mirror with its origin stream. */
export function mirrorError(c: Loose, originCheck: () => ApiError | undefined): ApiError | undefined {
  const m = c.mirror as Loose | undefined;
  if (m === undefined || m === null) return undefined;
  if (typeof c.first_seq === "number" && c.first_seq > 0) return JSErr.JSMirrorWithFirstSeqErr();
  if (Array.isArray(c.subjects) && c.subjects.length > 0) return JSErr.JSMirrorWithSubjectsErr();
  if (Array.isArray(c.sources) && c.sources.length > 0) return JSErr.JSMirrorWithSourcesErr();

  if (c.allow_msg_counter === true) return JSErr.JSMirrorWithCountersErr();
  if (c.allow_atomic === true) return JSErr.JSMirrorWithAtomicPublishErr();
  if (c.allow_msg_schedules === true) return JSErr.JSMirrorWithMsgSchedulesErr();
  if (typeof c.subject_delete_marker_ttl === "number" && c.subject_delete_marker_ttl > 0) return invalid("subject delete markers forbidden on mirrors");
  const originErr = originCheck();
  if (originErr !== undefined) return originErr;
  const name = str(m.name);
  if (!isValidName(name)) return JSErr.JSMirrorInvalidStreamName();
  if (name === str(c.name)) return invalid("detected cycle");
  const transforms = transformsOf(m);
  if (str(m.filter_subject) !== "" && transforms.length > 0) return JSErr.JSMirrorMultipleFiltersNotAllowed();
  const srcs: string[] = [];
  for (const t of transforms) {
    const src = str(t.src);
    if (src !== "" && !isValidSubject(src)) return JSErr.JSMirrorInvalidSubjectFilter({ err: `invalid subject ${src}` });
    for (const prev of srcs) if (subjectsOverlap(prev, src === "" ? ">" : src)) return JSErr.JSMirrorOverlappingSubjectFilters();
    srcs.push(src === "" ? ">" : src);
    const err = subjectTransformError(src, str(t.dest));
    if (err !== null) return JSErr.JSMirrorInvalidTransformDestination({ err });
  }
  return externalError(m);
}

function sameSource(a: Loose, b: Loose): boolean {
  const ext = (s: Loose): string => str((s.external as Loose | undefined)?.api);
  const ts = (s: Loose): string => JSON.stringify(transformsOf(s).map((t) => [str(t.src), str(t.dest)]));
  return str(a.name) === str(b.name) && str(a.filter_subject) === str(b.filter_subject) && ext(a) === ext(b) && ts(a) === ts(b);
}

/** Source rules that do not depend on other streams. */
export function sourcesError(c: Loose): ApiError | undefined {
  if (!Array.isArray(c.sources)) return undefined;
  if (c.sources.length > 0 && c.allow_msg_schedules === true) return JSErr.JSSourceWithMsgSchedulesErr();
  const seen: Loose[] = [];
  for (const entry of c.sources as (Loose | null | undefined)[]) {
    if (entry === null || entry === undefined) return JSErr.JSSourceInvalidStreamName();
    if (!isValidName(str(entry.name))) return JSErr.JSSourceInvalidStreamName();
    if (str(entry.name) === str(c.name)) return invalid("detected cycle");
    const transforms = transformsOf(entry);
    if (str(entry.filter_subject) !== "" && transforms.length > 0) return JSErr.JSSourceMultipleFiltersNotAllowed();
    const srcs: string[] = [];
    for (const t of transforms) {
      const src = str(t.src);
      if (src !== "" && !isValidSubject(src)) return JSErr.JSSourceInvalidSubjectFilter({ err: `invalid subject ${src}` });
      for (const prev of srcs) if (subjectsOverlap(prev, src === "" ? ">" : src)) return JSErr.JSSourceOverlappingSubjectFilters();
      srcs.push(src === "" ? ">" : src);
      const err = subjectTransformError(src, str(t.dest));
      if (err !== null) return JSErr.JSSourceInvalidTransformDestination({ err });
    }
    const extErr = externalError(entry);
    if (extErr !== undefined) return extErr;
    if (seen.some((s) => sameSource(s, entry))) return JSErr.JSSourceDuplicateDetected();
    seen.push(entry);
  }
  return undefined;
}

/** Filter subjects of the mirror and sources (checked when the stream is created: error 10049). */
export function sourceFilterError(c: Loose): ApiError | undefined {
  const m = c.mirror as Loose | undefined;
  if (m !== undefined && m !== null) {
    const f = str(m.filter_subject);
    if (f !== "" && !isValidSubject(f)) return JSErr.JSStreamCreateErrF({ err: `subject filter '${f}' for the mirror invalid subject` });
  }
  if (Array.isArray(c.sources)) {
    for (const s of c.sources as (Loose | null | undefined)[]) {
      const f = str(s?.filter_subject);
      if (f !== "" && !isValidSubject(f)) return JSErr.JSStreamCreateErrF({ err: `subject filter '${f}' for the source: invalid subject` });
    }
  }
  return undefined;
}

/** The stream-level subject transform. */
export function subjectTransformCfgError(c: Loose): ApiError | undefined {
  const t = c.subject_transform as Loose | undefined;
  if (t === undefined || t === null) return undefined;
  const src = str(t.src);
  if (src !== "" && !isValidSubject(src)) return JSErr.JSStreamTransformInvalidSource({ err: `invalid subject ${src}` });
  const err = subjectTransformError(src, str(t.dest));
  return err === null ? undefined : JSErr.JSStreamTransformInvalidDestination({ err });
}

/** Republish: the destination must not feed the stream again, and must be a valid transform of the source. */
export function republishError(c: Loose, pedantic: boolean): ApiError | undefined {
  const r = c.republish as Loose | undefined;
  if (r === undefined || r === null) return undefined;
  if (pedantic && str(r.src) === "") return JSErr.JSPedanticErrF({ err: "republish source can not be empty" });
  const dest = str(r.dest);
  if (dest === "") return undefined;
  const src = str(r.src) === "" ? ">" : str(r.src);
  const subjects = Array.isArray(c.subjects) ? (c.subjects as string[]) : [];
  for (const s of subjects) {
    if (isValidSubject(dest) && subjectsOverlap(dest, s)) return invalid("stream configuration for republish destination forms a cycle");
  }
  if (!isValidSubject(src) || subjectTransformError(src, dest) !== null) {
    return invalid(`stream configuration for republish with transform from '${src}' to '${dest}' not valid`);
  }
  return undefined;
}
