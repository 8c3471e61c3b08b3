// Where a new consumer starts reading its stream, per deliver policy.

import { parseRFC3339 } from "../api/json.js";
import type { ConsumerConfig } from "../api/types.js";
import type { StoredMsg, StreamStore } from "../store/types.js";

export interface StartPosition {
  /** next stream sequence to look at */
  sseq: number;
  /** last_per_subject: the sequences to deliver first, in order */
  lpsQueue: number[];
}

export function startPosition(store: StreamStore, cfg: ConsumerConfig, filters: readonly string[]): StartPosition {
  const st = store.state();
  const nextStored = (from: number): StoredMsg | null => {
    let best: StoredMsg | null = null;
    for (const f of filters) {
      const m = store.nextMatching(from, f);
      if (m !== null && (best === null || m.seq < best.seq)) best = m;
    }
    return best;
  };
  switch (cfg.deliver_policy) {
    case "last": {
      let last = 0;
      for (const f of filters) last = Math.max(last, store.lastBySubject(f)?.seq ?? 0);
      return { sseq: last > 0 ? last : st.lastSeq + 1, lpsQueue: [] };
    }
    case "new":
      return { sseq: st.lastSeq + 1, lpsQueue: [] };
    case "by_start_sequence":
      // a start below the first stored sequence starts at the first
      return { sseq: Math.max(1, cfg.opt_start_seq ?? 1, st.firstSeq), lpsQueue: [] };
    case "by_start_time": {
      const t = cfg.opt_start_time !== undefined ? parseRFC3339(cfg.opt_start_time).unixNanos : 0n;
      let seq = Math.max(1, st.firstSeq);
      let m = nextStored(seq);
      while (m !== null && m.ts < t) {
        seq = m.seq + 1;
        m = nextStored(seq);
      }
      return { sseq: m !== null ? m.seq : st.lastSeq + 1, lpsQueue: [] };
    }
    case "last_per_subject": {
      const seqs: number[] = [];
      for (const f of filters) {
        for (const subject of store.subjects(f).keys()) {
          const m = store.lastBySubject(subject);
          if (m !== null) seqs.push(m.seq);
        }
      }
      return { sseq: st.lastSeq + 1, lpsQueue: [...new Set(seqs)].sort((a, b) => a - b) };
    }
    default:
      return { sseq: Math.max(1, st.firstSeq), lpsQueue: [] };
  }
}
