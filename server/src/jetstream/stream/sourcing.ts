// Mirrors and sources between streams of this server. A link follows its origin stream like a
// consumer that never blocks retention: each time the origin has new durable messages, the link
// copies the ones matching its filter into the target stream — a mirror keeps the origin's
// sequence numbers, a source appends with a Nats-Stream-Source header.

import { subjectMatches } from "../../sublist/subject.js";
import { nowUnixNanos, parseRFC3339 } from "../api/json.js";
import type { StreamSource, StreamSourceInfo } from "../api/types.js";
import { appendHeaders, removeHeaders } from "../headers.js";
import type { StoredMsg } from "../store/types.js";
import type { Stream, StreamConsumer } from "./stream.js";
import { mapSubject } from "./stream.js";

export class SourceLink implements StreamConsumer {
  readonly name: string;
  /** next origin sequence to copy */
  private next = 0;
  private lastActive = 0n;
  private origin: Stream | null = null;
  private copying = false;

  constructor(
    readonly target: Stream,
    readonly source: StreamSource,
    readonly mirror: boolean,
  ) {
    this.name = `__${mirror ? "mirror" : "source"}_${target.name}_${source.name}`;
  }

  /** Binds to the origin (when it exists) and catches up; false when it was bound to it already. */
  attach(origin: Stream): boolean {
    if (this.origin === origin) return false;
    this.origin = origin;
    origin.followers.add(this);
    if (this.next === 0) this.next = this.startSeq(origin);
    // catching up starts after the request that made the link is answered, as nats-server's
    // sourcing starts in the background
    setImmediate(() => this.copy());
    return true;
  }

  detach(): void {
    if (this.origin !== null) this.origin.followers.delete(this);
    this.origin = null;
  }

  private startSeq(origin: Stream): number {
    const st = origin.store.state();
    if (this.mirror) {
      // a mirror resumes after what it already holds
      const have = this.target.store.state().lastSeq;
      if (have > 0) return have + 1;
    } else {
      const resumed = this.resumePoint();
      if (resumed > 0) return resumed + 1;
    }
    if (this.source.opt_start_seq !== undefined && this.source.opt_start_seq > 0) return this.source.opt_start_seq;
    if (this.source.opt_start_time !== undefined) {
      const t = parseRFC3339(this.source.opt_start_time).unixNanos;
      let seq = Math.max(1, st.firstSeq);
      for (let m = origin.store.nextMatching(seq, ">"); m !== null; m = origin.store.nextMatching(seq, ">")) {
        if (m.ts >= t) return m.seq;
        seq = m.seq + 1;
      }
      return st.lastSeq + 1;
    }
    return Math.max(1, st.firstSeq);
  }

  /** For sources: the last origin sequence already copied, from the Nats-Stream-Source headers. */
  private resumePoint(): number {
    const store = this.target.store;
    let last = 0;
    let seq = Math.max(1, store.state().firstSeq);
    for (let m = store.nextMatching(seq, ">"); m !== null; m = store.nextMatching(seq, ">")) {
      const h = m.hdr?.latin1Slice(0, m.hdr.length) ?? "";
      const i = h.indexOf("Nats-Stream-Source: ");
      if (i >= 0) {
        const parts = h.slice(i + 20, h.indexOf("\r\n", i)).split(" ");
        if (parts[0] === this.source.name && Number(parts[1]) > last) last = Number(parts[1]);
      }
      seq = m.seq + 1;
    }
    return last;
  }

  // ---- StreamConsumer (on the origin) ----

  matches(subject: string): boolean {
    return this.filters().some((f) => subjectMatches(f, subject));
  }
  signal(): void {
    this.copy();
  }
  isDone(): boolean {
    return true;
  }
  onPurge(firstSeq: number): void {
    if (this.next < firstSeq) this.next = firstSeq;
  }

  /**
   * The source's filters and transform destinations as its Nats-Stream-Source headers carry them
   * (nats-server's format: each list joined by form feeds, ">" for none or an empty dest).
   */
  private get headerFilters(): string {
    const transforms = this.source.subject_transforms ?? [];
    if (transforms.length > 0) return `${transforms.map((t) => t.src).join("\f")} ${transforms.map((t) => (t.dest !== "" ? t.dest : ">")).join("\f")}`;
    return `${this.filters()[0] ?? ">"} >`;
  }

  private filters(): string[] {
    const transforms = this.source.subject_transforms ?? [];
    if (transforms.length > 0) return transforms.map((t) => t.src);
    const f = this.source.filter_subject;
    return f !== undefined && f !== "" ? [f] : [">"];
  }

  private transform(subject: string): string {
    for (const t of this.source.subject_transforms ?? []) {
      if (subjectMatches(t.src, subject)) return t.dest !== "" ? mapSubject(t.src, t.dest, subject) : subject;
    }
    return subject;
  }

  private copy(): void {
    const origin = this.origin;
    if (origin === null || this.copying) return;
    this.copying = true;
    try {
      const limit = origin.durableSeq;
      const filters = this.filters();
      while (this.next <= limit) {
        let m: StoredMsg | null = null;
        for (const f of filters) {
          const x = origin.store.nextMatching(this.next, f);
          if (x !== null && x.seq <= limit && (m === null || x.seq < m.seq)) m = x;
        }
        if (m === null) {
          this.next = limit + 1;
          break;
        }
        this.next = m.seq + 1;
        this.store(m);
      }
    } finally {
      this.copying = false;
    }
  }

  private store(m: StoredMsg): void {
    this.lastActive = nowUnixNanos();
    const subject = this.transform(m.subject);
    if (this.mirror) {
      if (m.seq <= this.target.store.state().lastSeq) return;
      this.target.storeCopy(subject, m.hdr, m.data, m.seq, m.ts);
      return;
    }
    const base = removeHeaders(m.hdr, ["Nats-Stream-Source"]);
    const hdr = appendHeaders(base, [["Nats-Stream-Source", `${this.source.name} ${m.seq} ${this.headerFilters} ${m.subject}`]]);
    this.target.storeCopy(subject, hdr, m.data, null, null);
  }

  info(): StreamSourceInfo {
    const origin = this.origin;
    // nats-server learns the lag from the messages it receives: none yet, no lag
    const lag = origin === null || this.lastActive === 0n ? 0 : Math.max(0, origin.durableSeq - this.next + 1);
    const info: StreamSourceInfo = {
      name: this.source.name,
      lag,
      active: this.lastActive > 0n ? Number(nowUnixNanos() - this.lastActive) : -1,
    };
    if (this.source.filter_subject !== undefined && this.source.filter_subject !== "") info.filter_subject = this.source.filter_subject;
    if (this.source.subject_transforms !== undefined && this.source.subject_transforms.length > 0) info.subject_transforms = this.source.subject_transforms;
    return info;
  }
}
