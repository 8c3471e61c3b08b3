// Direct get (ADR-31): `$JS.API.DIRECT.GET.<stream>` with a JSON request, or
// `$JS.API.DIRECT.GET.<stream>.<subject>` with an empty body for the last message on a subject.
// Answers are the raw message with Nats-Stream/-Subject/-Sequence/-Time-Stamp headers, or a
// status-only message (404/408); batches end with `204 EOB`.

import type { InternalClient, InternalMsg } from "../../internal/client.js";
import { isValidSubject } from "../../sublist/subject.js";
import { formatUnixNanos, parseRFC3339 } from "../api/json.js";
import type { StreamMsgGetRequest } from "../api/types.js";
import { buildHeaders } from "../headers.js";
import type { StoredMsg } from "../store/types.js";
import type { Stream } from "./stream.js";

export const DIRECT_PREFIX = "$JS.API.DIRECT.GET.";
const MAX_MULTI_SUBJECTS = 1024;

function status(ic: InternalClient, reply: string, text: string): void {
  ic.publish(reply, null, buildHeaders([], text), Buffer.alloc(0));
}

function send(ic: InternalClient, reply: string, stream: string, m: StoredMsg, extra: Array<[string, string]> = []): void {
  const base = m.hdr !== null && m.hdr.length > 0 ? m.hdr.latin1Slice(0, m.hdr.length - 2) : "NATS/1.0\r\n";
  let add = `Nats-Stream: ${stream}\r\nNats-Subject: ${m.subject}\r\nNats-Sequence: ${m.seq}\r\nNats-Time-Stamp: ${formatUnixNanos(m.ts)}\r\n`;
  for (const [k, v] of extra) add += `${k}: ${v}\r\n`;
  ic.publish(reply, null, Buffer.from(base + add + "\r\n", "latin1"), m.data);
}

export function handleDirectGet(stream: Stream, ic: InternalClient, m: InternalMsg): void {
  const reply = m.reply;
  if (reply === null || reply === "") return;
  const prefix = `${DIRECT_PREFIX}${stream.name}`;
  const store = stream.store;
  if (m.subject.length > prefix.length) {
    // subject-appended form: the body must be empty
    if (m.data.length > 0) return status(ic, reply, "408 Bad Request");
    const subject = m.subject.slice(prefix.length + 1);
    const msg = store.lastBySubject(subject);
    if (msg === null) return status(ic, reply, "404 Message Not Found");
    return send(ic, reply, stream.name, msg);
  }
  if (m.data.length === 0) return status(ic, reply, "408 Empty Request");
  let req: StreamMsgGetRequest;
  try {
    req = JSON.parse(m.data.toString("utf8")) as StreamMsgGetRequest;
  } catch {
    // an unreadable request is answered with nats-server's status
    return status(ic, reply, "408 Malformed Request");
  }
  if (typeof req !== "object" || req === null) return status(ic, reply, "408 Malformed Request");
  if (req.multi_last !== undefined && req.multi_last.length > 0) return multiLast(stream, ic, reply, req);
  const batch = req.batch ?? 0;
  if (batch > 0) return batchGet(stream, ic, reply, req, batch);
  let msg: StoredMsg | null = null;
  if (req.last_by_subj !== undefined && req.last_by_subj !== "") msg = store.lastBySubject(req.last_by_subj);
  else if (req.next_by_subj !== undefined && req.next_by_subj !== "") msg = store.nextMatching(Math.max(1, req.seq ?? 1), req.next_by_subj);
  else if (req.start_time !== undefined) msg = firstAtOrAfter(stream, parseRFC3339(req.start_time).unixNanos, ">");
  else if (req.seq !== undefined && req.seq > 0) msg = store.get(req.seq);
  else return status(ic, reply, "408 Bad Request");
  if (msg === null) return status(ic, reply, "404 Message Not Found");
  send(ic, reply, stream.name, msg);
}

function firstAtOrAfter(stream: Stream, tsNs: bigint, filter: string): StoredMsg | null {
  let seq = Math.max(1, stream.store.state().firstSeq);
  for (let m = stream.store.nextMatching(seq, filter); m !== null; m = stream.store.nextMatching(seq, filter)) {
    if (m.ts >= tsNs) return m;
    seq = m.seq + 1;
  }
  return null;
}

function batchGet(stream: Stream, ic: InternalClient, reply: string, req: StreamMsgGetRequest, batch: number): void {
  const filter = req.next_by_subj !== undefined && req.next_by_subj !== "" ? req.next_by_subj : ">";
  const store = stream.store;
  let seq = Math.max(1, req.seq ?? 1);
  if (req.start_time !== undefined) {
    const first = firstAtOrAfter(stream, parseRFC3339(req.start_time).unixNanos, filter);
    seq = first !== null ? first.seq : store.state().lastSeq + 1;
  }
  const upTo = req.up_to_seq !== undefined && req.up_to_seq > 0 ? req.up_to_seq : Number.POSITIVE_INFINITY;
  const found: StoredMsg[] = [];
  let bytes = 0;
  for (let m = store.nextMatching(seq, filter); m !== null && found.length < batch && m.seq <= upTo; m = store.nextMatching(seq, filter)) {
    const size = m.data.length + (m.hdr?.length ?? 0);
    if (req.max_bytes !== undefined && req.max_bytes > 0 && found.length > 0 && bytes + size > req.max_bytes) break;
    found.push(m);
    bytes += size;
    seq = m.seq + 1;
  }
  if (found.length === 0) return status(ic, reply, "404 Message Not Found");
  let remaining = 0;
  for (let m = store.nextMatching(seq, filter); m !== null && m.seq <= upTo; m = store.nextMatching(m.seq + 1, filter)) remaining++;
  const last = found[found.length - 1];
  for (let i = 0; i < found.length; i++) {
    const m = found[i];
    const pending = remaining + (found.length - 1 - i);
    const prevSeq = i === 0 ? 0 : found[i - 1].seq;
    send(ic, reply, stream.name, m, [
      ["Nats-Num-Pending", String(pending)],
      ["Nats-Last-Sequence", String(prevSeq)],
    ]);
  }
  ic.publish(
    reply,
    null,
    buildHeaders(
      [
        ["Nats-Num-Pending", String(remaining)],
        ["Nats-Last-Sequence", String(last.seq)],
      ],
      "204 EOB",
    ),
    Buffer.alloc(0),
  );
}

function multiLast(stream: Stream, ic: InternalClient, reply: string, req: StreamMsgGetRequest): void {
  const store = stream.store;
  const subjects = new Set<string>();
  for (const f of req.multi_last ?? []) {
    if (!isValidSubject(f)) return status(ic, reply, "408 Bad Request");
    for (const s of store.subjects(f).keys()) subjects.add(s);
  }
  if (subjects.size > MAX_MULTI_SUBJECTS) return status(ic, reply, "413 Too Many Results");
  const upTo = req.up_to_seq !== undefined && req.up_to_seq > 0 ? req.up_to_seq : store.state().lastSeq;
  const msgs: StoredMsg[] = [];
  for (const s of subjects) {
    let m = store.lastBySubject(s);
    if (m !== null && m.seq > upTo) {
      // the last one at or below up_to_seq
      let best: StoredMsg | null = null;
      for (let x = store.nextMatching(1, s); x !== null && x.seq <= upTo; x = store.nextMatching(x.seq + 1, s)) best = x;
      m = best;
    }
    if (m !== null) msgs.push(m);
  }
  msgs.sort((a, b) => a.seq - b.seq);
  const batch = req.batch !== undefined && req.batch > 0 ? Math.min(req.batch, msgs.length) : msgs.length;
  if (msgs.length === 0) return status(ic, reply, "404 Message Not Found");
  for (let i = 0; i < batch; i++) {
    send(ic, reply, stream.name, msgs[i], [
      ["Nats-Num-Pending", String(batch - 1 - i)],
      ["Nats-Last-Sequence", String(i === 0 ? 0 : msgs[i - 1].seq)],
    ]);
  }
  const eob: Array<[string, string]> = [
    ["Nats-Num-Pending", "0"],
    ["Nats-Last-Sequence", String(msgs[batch - 1].seq)],
  ];
  eob.push(["Nats-UpTo-Sequence", String(upTo)]);
  ic.publish(reply, null, buildHeaders(eob, "204 EOB"), Buffer.alloc(0));
}
