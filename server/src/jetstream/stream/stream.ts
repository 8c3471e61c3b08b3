// A stream: its configuration, its store, the subscriptions that feed it, and the limits and
// retention rules applied after each store. A message becomes visible to consumers (and is
// acknowledged to its publisher) only once the store reports it durable.

import type { Subscription } from "../../client/subscription.js";
import type { InternalClient, InternalMsg } from "../../internal/client.js";
import { subjectMatches } from "../../sublist/subject.js";
import { JSErr } from "../api/errors.js";
import { formatGoDuration, formatUnixNanos, GO_ZERO_TIME_NANOS, nowUnixNanos } from "../api/json.js";
import type { StreamConfig, StreamInfo, StreamState } from "../api/types.js";
import { getHeader, removeHeaders } from "../headers.js";
import type { PurgeRequest, StoredMsg, StreamStore } from "../store/types.js";
import { fileMsgSize, msgSize } from "../store/types.js";
import { DIRECT_PREFIX, handleDirectGet } from "./direct.js";
import type { SourceLink } from "./sourcing.js";
import { checkPublish, HDR_MSG_ID, pubAck, pubAckError, type StreamView } from "./publish.js";

/** What a stream needs to know of its consumers. */
export interface StreamConsumer {
  readonly name: string;
  /** does this consumer's filter cover the subject? */
  matches(subject: string): boolean;
  /** new durable messages up to `lastSeq` */
  signal(lastSeq: number): void;
  /** has this consumer acked (or passed, for ack none) the message? (interest retention) */
  isDone(seq: number): boolean;
  /** the stream purged or removed messages below/at these sequences */
  onPurge(firstSeq: number): void;
}

export interface StreamHost {
  readonly ic: InternalClient;
  readonly domain: string;
  log(level: "INF" | "WRN" | "ERR" | "DBG", msg: string): void;
  /** accounting for server-wide limits; returns false when out of room */
  reserveBytes(storage: "file" | "memory", delta: number): boolean;
}

const ZERO_TIME = formatUnixNanos(GO_ZERO_TIME_NANOS);

export class Stream implements StreamView {
  readonly consumers = new Map<string, StreamConsumer>();
  /** mirror/source links of other streams that follow this one (they never hold messages back) */
  readonly followers = new Set<StreamConsumer>();
  /** mirror/source links feeding this stream */
  links: SourceLink[] = [];
  /** last sequence durable on disk: consumers deliver up to here */
  durableSeq = 0;
  lastMsgId: string | null = null;
  private readonly subs: Subscription[] = [];
  /** Nats-Msg-Id → {seq, ts} inside the duplicate window, oldest first */
  private readonly dedupe = new Map<string, { seq: number; ts: bigint }>();
  private ageTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private pendingDurable = 0;

  constructor(
    public config: StreamConfig,
    readonly created: bigint,
    readonly store: StreamStore,
    private readonly host: StreamHost,
  ) {
    this.durableSeq = store.state().lastSeq;
  }

  get name(): string {
    return this.config.name;
  }

  // ---- StreamView (for publish checks) ----
  get lastSeq(): number {
    return this.store.state().lastSeq;
  }
  get messages(): number {
    return this.store.state().messages;
  }
  get bytes(): number {
    return this.store.state().bytes;
  }
  duplicateOf(msgId: string): number {
    const d = this.dedupe.get(msgId);
    if (d === undefined) return 0;
    const window = BigInt(this.config.duplicate_window ?? 0);
    if (nowUnixNanos() - d.ts > window) return 0;
    return d.seq;
  }
  lastSeqOf(subject: string): number {
    return this.store.lastBySubject(subject)?.seq ?? 0;
  }
  subjectCount(subject: string): number {
    return this.store.subjectCount(subject);
  }

  /**
   * Reads every stored message once, in slices between other work, so corruption that a clean
   * restart's index could not reveal is found (and reported as lost) without waiting for a reader.
   */
  verifyInBackground(done?: (lost: number) => void): void {
    let seq = Math.max(1, this.store.state().firstSeq);
    const step = (): void => {
      if (this.closed) return;
      for (let n = 0; n < 2000; n++) {
        const m = this.store.nextMatching(seq, ">");
        if (m === null) {
          const lost = this.store.state().lost;
          done?.(lost === null ? 0 : lost.msgs.length);
          return;
        }
        seq = m.seq + 1;
      }
      setImmediate(step);
    };
    setImmediate(step);
  }

  /** Subscribes to the configured subjects and arms the age timer. */
  start(): void {
    this.subscribeAll();
    this.armAgeTimer();
  }

  private subscribeAll(): void {
    const ic = this.host.ic;
    for (const subject of this.config.subjects ?? []) this.subs.push(ic.subscribe(subject, (m) => this.ingest(m)));
    if (this.config.allow_direct) {
      const direct = (m: InternalMsg): void => handleDirectGet(this, ic, m);
      this.subs.push(ic.subscribe(`${DIRECT_PREFIX}${this.name}`, direct, "_sys_"));
      this.subs.push(ic.subscribe(`${DIRECT_PREFIX}${this.name}.>`, direct, "_sys_"));
    }
  }

  /** Applies an updated configuration (already validated). */
  update(config: StreamConfig): void {
    const key = (c: StreamConfig): string => `${(c.subjects ?? []).join("\u0000")}|${c.allow_direct}`;
    const changed = key(config) !== key(this.config);
    this.config = config;
    if (changed) {
      for (const s of this.subs.splice(0)) this.host.ic.unsubscribe(s);
      this.subscribeAll();
    }
    this.enforceLimits();
    this.armAgeTimer();
  }

  // ---- publishing ----

  private sizeOf(subject: string, hdr: Buffer | null, data: Buffer): number {
    return this.config.storage === "file" ? fileMsgSize(subject, hdr, data) : msgSize(subject, hdr, data);
  }

  ingest(m: InternalMsg): void {
    if (this.closed) return;
    const st = this.config.subject_transform;
    if (st !== undefined && st.dest !== "" && subjectMatches(st.src !== "" ? st.src : ">", m.subject)) {
      m = { ...m, subject: mapSubject(st.src !== "" ? st.src : ">", st.dest, m.subject) };
    }
    const size = this.sizeOf(m.subject, m.headers, m.data);
    const decision = checkPublish(this, m.subject, m.headers, (m.headers?.length ?? 0) + m.data.length, m.headers?.length ?? 0);
    if (decision.kind === "duplicate") {
      this.reply(m.reply, pubAck(this.name, decision.seq, this.host.domain, true));
      return;
    }
    if (decision.kind === "error") {
      this.reply(m.reply, pubAckError(this.name, decision.error));
      return;
    }
    if (!this.host.reserveBytes(this.config.storage, size)) {
      this.reply(m.reply, pubAckError(this.name, JSErr.JSInsufficientResourcesErr()));
      return;
    }
    // copies: the views are only valid during this call
    const hdr = m.headers !== null ? Buffer.from(m.headers) : null;
    const data = Buffer.from(m.data);
    const prevOnSubject = this.config.republish !== undefined ? this.lastSeqOf(m.subject) : 0;
    const r = this.store.append(m.subject, hdr, data, decision.ttlNs !== null && decision.ttlNs > 0n ? { ttlNs: decision.ttlNs } : undefined);
    if (decision.msgId !== null) this.dedupe.set(decision.msgId, { seq: r.seq, ts: r.ts });
    // like nats-server, the last msg id is that of the last stored message (none: empty)
    this.lastMsgId = decision.msgId;
    if (decision.rollup === "all") this.store.purge({ seq: r.seq });
    else if (decision.rollup === "sub") this.store.purge({ filter: m.subject, keep: 1 });
    this.enforceLimits(m.subject);
    this.trimDedupe();
    const reply = m.reply;
    this.pendingDurable++;
    r.durable.then(
      () => {
        this.pendingDurable--;
        if (r.seq > this.durableSeq) this.durableSeq = r.seq;
        if (reply !== null && this.config.no_ack !== true) this.reply(reply, pubAck(this.name, r.seq, this.host.domain));
        this.afterStore(m.subject, r.seq, prevOnSubject);
      },
      (err: unknown) => {
        this.pendingDurable--;
        this.host.log("ERR", `JetStream failed to store a msg on stream '${this.name}': ${String(err)}`);
        this.reply(reply, pubAckError(this.name, JSErr.JSStreamStoreFailedF({ err: String(err) })));
      },
    );
  }

  /** Stores a message copied from another stream (mirror: at `seq` with its timestamp). */
  storeCopy(subject: string, hdr: Buffer | null, data: Buffer, seq: number | null, ts: bigint | null): void {
    if (this.closed) return;
    const size = this.sizeOf(subject, hdr, data);
    if (!this.host.reserveBytes(this.config.storage, size)) {
      this.host.log("WRN", `JetStream stream '${this.name}': no room for a sourced message`);
      return;
    }
    const opts: { seq?: number; ts?: bigint } = {};
    if (seq !== null) opts.seq = seq;
    if (ts !== null) opts.ts = ts;
    const r = this.store.append(subject, hdr, data, opts);
    this.enforceLimits(subject);
    r.durable.then(
      () => {
        if (r.seq > this.durableSeq) this.durableSeq = r.seq;
        this.afterStore(subject, r.seq, 0);
      },
      (err: unknown) => this.host.log("ERR", `JetStream failed to store a sourced msg on stream '${this.name}': ${String(err)}`),
    );
  }

  private afterStore(subject: string, seq: number, prevOnSubject: number): void {
    if (this.config.retention === "interest") {
      let interested = false;
      for (const c of this.consumers.values()) if (c.matches(subject)) interested = true;
      if (!interested) {
        this.store.remove(seq);
        return;
      }
    }
    this.republish(seq, prevOnSubject);
    for (const c of this.consumers.values()) c.signal(this.durableSeq);
    for (const f of this.followers) f.signal(this.durableSeq);
  }

  private republish(seq: number, prevOnSubject: number): void {
    const rp = this.config.republish;
    if (rp === undefined) return;
    const msg = this.store.get(seq);
    if (msg === null || !subjectMatches(rp.src ?? ">", msg.subject)) return;
    const dest = mapSubject(rp.src ?? ">", rp.dest, msg.subject);
    const extra: Array<[string, string]> = [
      ["Nats-Stream", this.name],
      ["Nats-Subject", msg.subject],
      ["Nats-Sequence", String(seq)],
      ["Nats-Time-Stamp", formatUnixNanos(msg.ts)],
      ["Nats-Last-Sequence", String(prevOnSubject)],
    ];
    let hdr = msg.hdr !== null ? removeHeaders(msg.hdr, extra.map(([k]) => k)) : null;
    const base = hdr === null ? "NATS/1.0\r\n" : hdr.latin1Slice(0, hdr.length - 2);
    let add = extra.map(([k, v]) => `${k}: ${v}\r\n`).join("");
    if (rp.headers_only === true) add += `Nats-Msg-Size: ${msg.data.length}\r\n`;
    hdr = Buffer.from(base + add + "\r\n", "latin1");
    this.host.ic.publish(dest, null, hdr, rp.headers_only === true ? Buffer.alloc(0) : msg.data);
  }

  private reply(reply: string | null, body: Buffer): void {
    if (reply === null || reply === "") return;
    this.host.ic.publish(reply, null, null, body);
  }

  // ---- limits and retention ----

  /**
   * Applies max_msgs, max_bytes and max_msgs_per_subject (discard old). After a store only the
   * stored subject can be over its limit; without a subject (config change) all are checked.
   */
  enforceLimits(subject: string | null = null): void {
    const cfg = this.config;
    const st = this.store;
    if (cfg.max_msgs_per_subject > 0) {
      if (subject !== null) {
        if (st.subjectCount(subject) > cfg.max_msgs_per_subject) st.purge({ filter: subject, keep: cfg.max_msgs_per_subject });
      } else {
        for (const [subj, count] of st.subjects()) {
          if (count > cfg.max_msgs_per_subject) st.purge({ filter: subj, keep: cfg.max_msgs_per_subject });
        }
      }
    }
    if (cfg.discard === "new") return;
    while (cfg.max_msgs > 0 && st.state().messages > cfg.max_msgs) {
      if (st.removeFirst() === 0) break;
    }
    while (cfg.max_bytes > 0 && st.state().bytes > cfg.max_bytes) {
      if (st.removeFirst() === 0) break;
    }
  }

  /**
   * Removes messages past max_age or their Nats-TTL. With subject_delete_marker_ttl, a subject
   * whose last message aged out gets a delete marker (`Nats-Marker-Reason: MaxAge`) that itself
   * expires after that TTL; markers leave no markers.
   */
  expire(): number {
    const seqs = this.store.expired(nowUnixNanos(), BigInt(this.config.max_age));
    const markerTtl = this.config.subject_delete_marker_ttl ?? 0;
    for (const seq of seqs) {
      const m = markerTtl > 0 ? this.store.get(seq) : null;
      this.store.remove(seq);
      if (m !== null && getHeader(m.hdr, "Nats-Marker-Reason") === null && this.store.subjectCount(m.subject) === 0) {
        this.storeMarker(m.subject, "MaxAge", markerTtl);
      }
    }
    return seqs.length;
  }

  private storeMarker(subject: string, reason: string, ttlNs: number): void {
    const hdr = Buffer.from(`NATS/1.0\r\nNats-Marker-Reason: ${reason}\r\nNats-TTL: ${formatGoDuration(ttlNs)}\r\n\r\n`, "latin1");
    const r = this.store.append(subject, hdr, Buffer.alloc(0), { ttlNs: BigInt(ttlNs) });
    r.durable.then(
      () => {
        if (r.seq > this.durableSeq) this.durableSeq = r.seq;
        this.afterStore(subject, r.seq, 0);
      },
      (err: unknown) => this.host.log("ERR", `JetStream failed to store a delete marker on stream '${this.name}': ${String(err)}`),
    );
  }

  private armAgeTimer(): void {
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    this.ageTimer = null;
    const maxAgeMs = this.config.max_age / 1e6;
    if (maxAgeMs <= 0 && !this.config.allow_msg_ttl) return;
    const every = Math.max(50, Math.min(1000, maxAgeMs > 0 ? maxAgeMs / 4 : 1000));
    this.ageTimer = setInterval(() => this.expire(), every);
    this.ageTimer.unref();
  }

  private trimDedupe(): void {
    const window = BigInt(this.config.duplicate_window ?? 0);
    const cutoff = nowUnixNanos() - window;
    for (const [id, d] of this.dedupe) {
      if (d.ts >= cutoff) break;
      this.dedupe.delete(id);
    }
  }

  /** Workqueue/interest: a consumer finished with `seq`; remove it once every interested consumer has. */
  ackedBy(seq: number, subject: string): void {
    if (this.config.retention === "limits") return;
    if (this.config.retention === "workqueue") {
      this.store.remove(seq);
      return;
    }
    for (const c of this.consumers.values()) {
      if (c.matches(subject) && !c.isDone(seq)) return;
    }
    this.store.remove(seq);
  }

  // ---- operations ----

  purge(req: PurgeRequest): number {
    const n = this.store.purge(req);
    const first = this.store.state().firstSeq;
    for (const c of this.consumers.values()) c.onPurge(first);
    for (const f of this.followers) f.onPurge(first);
    return n;
  }

  getMsg(seq: number): StoredMsg | null {
    return this.store.get(seq);
  }

  removeMsg(seq: number, erase: boolean): boolean {
    return this.store.remove(seq, erase);
  }

  state(opts: { subjectsFilter?: string; deletedDetails?: boolean } = {}): StreamState {
    const s = this.store.state();
    const out: StreamState = {
      messages: s.messages,
      bytes: s.bytes,
      first_seq: s.firstSeq,
      first_ts: s.messages > 0 || s.firstTs > 0n ? formatUnixNanos(s.firstTs) : ZERO_TIME,
      last_seq: s.lastSeq,
      last_ts: s.lastTs > 0n ? formatUnixNanos(s.lastTs) : ZERO_TIME,
    } as StreamState;
    if (s.numSubjects > 0) out.num_subjects = s.numSubjects;
    if (opts.subjectsFilter !== undefined && opts.subjectsFilter !== "") {
      const subjects: Record<string, number> = {};
      for (const [k, v] of this.store.subjects(opts.subjectsFilter)) subjects[k] = v;
      if (Object.keys(subjects).length > 0) out.subjects = subjects;
    }
    if (s.numDeleted > 0) out.num_deleted = s.numDeleted;
    if (opts.deletedDetails === true && s.numDeleted > 0) out.deleted = this.deletedSeqs(s.firstSeq, s.lastSeq);
    if (s.lost !== null && (s.lost.msgs.length > 0 || s.lost.bytes > 0)) out.lost = { msgs: s.lost.msgs, bytes: s.lost.bytes };
    out.consumer_count = this.consumers.size;
    return out;
  }

  /** The gaps between first and last sequence (deleted_details). */
  private deletedSeqs(first: number, last: number): number[] {
    const out: number[] = [];
    let expect = first;
    for (let m = this.store.nextMatching(first, ">"); m !== null && m.seq <= last; m = this.store.nextMatching(m.seq + 1, ">")) {
      for (let q = expect; q < m.seq; q++) out.push(q);
      expect = m.seq + 1;
    }
    return out;
  }

  info(opts: { subjectsFilter?: string; deletedDetails?: boolean } = {}): StreamInfo {
    const info: StreamInfo = {
      config: this.config,
      created: formatUnixNanos(this.created),
      state: this.state(opts),
      ts: formatUnixNanos(nowUnixNanos()),
    };
    const mirror = this.links.find((l) => l.mirror);
    if (mirror !== undefined) info.mirror = mirror.info();
    const sources = this.links.filter((l) => !l.mirror);
    if (sources.length > 0) info.sources = sources.map((l) => l.info());
    return info;
  }

  /** Message id of a stored message (used when reloading dedupe state). */
  static msgIdOf(m: StoredMsg): string | null {
    return getHeader(m.hdr, HDR_MSG_ID);
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const l of this.links) l.detach();
    for (const s of this.subs.splice(0)) this.host.ic.unsubscribe(s);
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    this.ageTimer = null;
    await this.store.close();
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.store.destroy();
  }
}

/** Maps `subject` matched by `src` onto `dest` ({{wildcard(n)}} / $n tokens). */
export function mapSubject(src: string, dest: string, subject: string): string {
  const st = src.split(".");
  const tt = subject.split(".");
  const wild: string[] = [];
  for (let i = 0; i < st.length; i++) {
    if (st[i] === "*") wild.push(tt[i]);
    else if (st[i] === ">") wild.push(tt.slice(i).join("."));
  }
  if (dest === ">" || dest === "") return subject;
  let out = dest.replace(/\{\{\s*wildcard\s*\(\s*(\d+)\s*\)\s*\}\}|\$(\d+)/g, (_w, a: string | undefined, b: string | undefined) => wild[Number(a ?? b) - 1] ?? "");
  if (out.endsWith(".>") && st[st.length - 1] === ">") out = out.slice(0, -1) + (wild[wild.length - 1] ?? "");
  return out;
}
