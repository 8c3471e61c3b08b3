// The storage contract between a stream and its store (file or memory). A stream assigns no
// sequences itself: the store does, synchronously, so checks like Nats-Expected-Last-Sequence
// and deduplication see a consistent state; durability is reported separately, so many
// publishes share one fsync (group commit) and a PubAck is sent only once its bytes are on disk.

/** Nanoseconds since the Unix epoch. */
export type Nanos = bigint;

export interface StoredMsg {
  readonly seq: number;
  readonly subject: string;
  /** the header block (`NATS/1.0...\r\n\r\n`) or null */
  readonly hdr: Buffer | null;
  readonly data: Buffer;
  readonly ts: Nanos;
}

export interface StoreState {
  messages: number;
  bytes: number;
  firstSeq: number;
  firstTs: Nanos;
  lastSeq: number;
  lastTs: Nanos;
  numSubjects: number;
  /** sequences between first and last that are gone (deleted/erased) */
  numDeleted: number;
  /** records found corrupt (never served): their sequences, if known, and bytes */
  lost: { msgs: number[]; bytes: number } | null;
}

export interface AppendResult {
  readonly seq: number;
  readonly ts: Nanos;
  /** resolves when the message is durable (fsynced, under the "always" policy); rejects on I/O error */
  readonly durable: Promise<void>;
}

export interface PurgeRequest {
  /** only messages whose subject matches this (wildcards allowed) */
  filter?: string;
  /** purge messages with sequence < seq */
  seq?: number;
  /** keep this many newest messages (per filter) */
  keep?: number;
}

/** How a memory stream measures a message against max_bytes (as nats-server's memory store). */
export function msgSize(subject: string, hdr: Buffer | null, data: Buffer): number {
  return Buffer.byteLength(subject, "latin1") + (hdr?.length ?? 0) + data.length + 16;
}

/** How a file stream measures a message (as nats-server's file store: record overhead and hash). */
export function fileMsgSize(subject: string, hdr: Buffer | null, data: Buffer): number {
  const h = hdr?.length ?? 0;
  return 22 + Buffer.byteLength(subject, "latin1") + (h > 0 ? 4 + h : 0) + data.length + 8;
}

export interface StreamStore {
  /** Appends a message; assigns the next sequence (or `seq` when given, for mirrors/first_seq). */
  append(subject: string, hdr: Buffer | null, data: Buffer, opts?: { seq?: number; ts?: Nanos; ttlNs?: Nanos }): AppendResult;
  /** Message by sequence, or null if absent/deleted. Throws StoreCorruptError for a corrupt record. */
  get(seq: number): StoredMsg | null;
  /**
   * The last message on a subject (subject may be a wildcard), or null. A corrupt record found on
   * the way is marked lost (state().lost), logged and skipped, never returned.
   */
  lastBySubject(subject: string): StoredMsg | null;
  /**
   * The first message with seq >= start matching `filter` (wildcards ok, "" or ">" = any), or null.
   * Corrupt records are marked lost, logged and skipped, so a consumer walks past them.
   */
  nextMatching(start: number, filter: string): StoredMsg | null;
  /** Number of messages on a subject (literal). */
  subjectCount(subject: string): number;
  /** All subjects with counts, optionally filtered. */
  subjects(filter?: string): Map<string, number>;
  /** Removes one message; `erase` overwrites its bytes on disk. Returns false if absent. */
  remove(seq: number, erase?: boolean): boolean;
  /** Removes the oldest message; returns its sequence or 0 when empty. */
  removeFirst(): number;
  /** Purges; returns the number of messages removed. */
  purge(req?: PurgeRequest): number;
  /** Removes messages with sequence < seq (compaction after ack floors for workqueue/interest). */
  compact(seq: number): number;
  /** Sequences of messages with ts < cutoff or whose TTL ran out, oldest first (for max_age / Nats-TTL). */
  expired(nowNs: Nanos, maxAgeNs: Nanos): number[];
  state(): StoreState;
  /** Resolves once everything appended so far is durable. */
  sync(): Promise<void>;
  /** Flushes, syncs and closes files. */
  close(): Promise<void>;
  /** Closes and removes everything on disk. */
  destroy(): Promise<void>;
}

/** Consumer progress as persisted. */
export interface ConsumerState {
  delivered: { consumerSeq: number; streamSeq: number };
  ackFloor: { consumerSeq: number; streamSeq: number };
  /** stream seq → {consumer seq at delivery, delivery time ns} for messages awaiting ack */
  pending: Map<number, { consumerSeq: number; ts: Nanos }>;
  /** stream seq → delivery count, for messages delivered more than once */
  redelivered: Map<number, number>;
}

export interface ConsumerStore {
  /** The last persisted state (empty state for a new consumer). */
  load(): ConsumerState;
  /** Persists a full state; resolves when durable. Successive calls coalesce into one fsync. */
  save(state: ConsumerState): Promise<void>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** A record failed its checksum or was cut short: it is reported and never served as data. */
export class StoreCorruptError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly seq: number | null,
  ) {
    super(message);
  }
}
