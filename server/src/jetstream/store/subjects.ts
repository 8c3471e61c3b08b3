// Per-subject index: for every subject with messages, its live entries in sequence order, so
// counts, first/last per subject and per-subject limits cost O(1)/O(log n), plus filter matching.

import { isLiteral } from "../../sublist/subject.js";
import { SeqList, type Seqd } from "./seqlist.js";

export interface SubjectEntry extends Seqd {
  readonly subj: string;
}

/** "" and ">" match every subject. */
export function matchesAll(filter: string): boolean {
  return filter === "" || filter === ">";
}

/**
 * A predicate for a subject filter. Token-wise matching without splitting the subject, since it
 * runs once per subject (or per message) in scans.
 */
export function compileFilter(filter: string): (subject: string) => boolean {
  if (matchesAll(filter)) return () => true;
  if (isLiteral(filter)) return (s) => s === filter;
  const pt = filter.split(".");
  return (s) => {
    let pos = 0;
    for (let i = 0; i < pt.length; i++) {
      if (pos > s.length) return false;
      const p = pt[i];
      if (p === ">") return pos < s.length;
      let end = s.indexOf(".", pos);
      if (end === -1) end = s.length;
      if (p !== "*" && (end - pos !== p.length || !s.startsWith(p, pos))) return false;
      pos = end + 1;
    }
    return pos === s.length + 1;
  };
}

export class SubjectIndex<E extends SubjectEntry> {
  private readonly map = new Map<string, SeqList<E>>();

  get size(): number {
    return this.map.size;
  }

  add(e: E): void {
    let list = this.map.get(e.subj);
    if (!list) {
      list = new SeqList<E>();
      this.map.set(e.subj, list);
    }
    list.push(e);
  }

  /** To be called after `e` was marked dead. */
  died(e: E): void {
    const list = this.map.get(e.subj);
    if (!list) return;
    list.died();
    if (list.live === 0) this.map.delete(e.subj);
  }

  clear(): void {
    this.map.clear();
  }

  count(subject: string): number {
    return this.map.get(subject)?.live ?? 0;
  }

  list(subject: string): SeqList<E> | undefined {
    return this.map.get(subject);
  }

  /** The lists of all subjects matching a filter (literal filters look up directly). */
  matching(filter: string): SeqList<E>[] {
    if (!matchesAll(filter) && isLiteral(filter)) {
      const l = this.map.get(filter);
      return l ? [l] : [];
    }
    const m = compileFilter(filter);
    const out: SeqList<E>[] = [];
    for (const [s, l] of this.map) if (m(s)) out.push(l);
    return out;
  }

  counts(filter?: string): Map<string, number> {
    const out = new Map<string, number>();
    const m = filter === undefined ? null : compileFilter(filter);
    for (const [s, l] of this.map) if (!m || m(s)) out.set(s, l.live);
    return out;
  }
}
