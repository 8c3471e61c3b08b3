// Reading a consumer's stream through its filters: the next matching message, and how many
// matching messages lie ahead of the cursor (num_pending).

import type { ConsumerConfig } from "../api/types.js";
import type { StoredMsg, StreamStore } from "../store/types.js";

/** What reading needs of the stream. */
export interface ReadStream {
  readonly store: StreamStore;
  /** the last sequence whose message is durable (consumers see nothing after it) */
  readonly durableSeq: number;
  readonly config: { readonly subjects?: string[] };
}

/** The consumer's filters: filter_subjects, else filter_subject, else everything. */
export function filtersOf(cfg: ConsumerConfig): string[] {
  if (cfg.filter_subjects !== undefined && cfg.filter_subjects.length > 0) return [...cfg.filter_subjects];
  if (cfg.filter_subject !== undefined && cfg.filter_subject !== "") return [cfg.filter_subject];
  return [">"];
}

/** The first message at or after `from` matching any of `filters`, or null. */
export function nextMatching(store: StreamStore, filters: readonly string[], from: number): StoredMsg | null {
  let best: StoredMsg | null = null;
  for (const f of filters) {
    const m = store.nextMatching(from, f);
    if (m !== null && (best === null || m.seq < best.seq)) best = m;
  }
  return best;
}

/** Messages matching `filters` at or after `sseq` and durable, plus `queued` (last-per-subject ones not yet sent). */
export function countPending(stream: ReadStream, filters: readonly string[], sseq: number, queued: number): number {
  const last = stream.durableSeq;
  const store = stream.store;
  let n = queued;
  const subjects = stream.config.subjects ?? [];
  const coversStream = filters.length === 1 && (filters[0] === ">" || (subjects.length === 1 && subjects[0] === filters[0]));
  if (coversStream) {
    const st = store.state();
    if (sseq <= st.firstSeq) return n + st.messages;
    // messages in [sseq, last]: walk when the window is small, else estimate from sequence span
    let seq = sseq;
    let count = 0;
    for (let m = nextMatching(store, filters, seq); m !== null && m.seq <= last; m = nextMatching(store, filters, seq)) {
      count++;
      seq = m.seq + 1;
      if (count > 100_000) return n + count + Math.max(0, last - seq + 1);
    }
    return n + count;
  }
  let seq = sseq;
  for (let m = nextMatching(store, filters, seq); m !== null && m.seq <= last; m = nextMatching(store, filters, seq)) {
    n++;
    seq = m.seq + 1;
  }
  return n;
}
