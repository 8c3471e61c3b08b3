// Differential test of the JetStream API beyond configuration checking: every case of api-diff-cases.ts
// (request sequences: account/stream/consumer info, names/list paging, purges, msg get/delete, pause,
// unknown subjects, PubAck bytes, MSG.NEXT status replies, DIRECT.GET replies) runs on a raw protocol
// connection against the reference nats-server and against natsts, each reset to an empty account
// first. The transcripts (request lines and every frame received for each step's reply subject, with
// exact header and payload bytes) must be equal after masking per-run values: timestamps (created, ts,
// first_ts, last_ts, last_active, time, pause_until, Nats-Time-Stamp, the ack-subject time token),
// pause_remaining, generated consumer names, and server ids/names.
// Every JSON response of both servers is validated against its jsm.go JSON schema when one exists.
//
// NATSTS_E2E_JS_TARGET=reference puts a second reference server in natsts' place (checks the masking).
// NATSTS_E2E_DUMP=<dir> writes both transcripts to <dir>/api-reference.txt and <dir>/api-natsts.txt.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaIdForType, schemaIds, validateJs } from "../lib/jsschemas.js";
import { startServer, stopAll, type ServerProcess } from "../lib/procs.js";
import { RawConnection, type Matcher } from "../lib/raw.js";
import { CASES, type ApiCase, type Body, type Headers, type Step, type Until } from "./api-diff-cases.js";
import { stderrTail, targetKind } from "./helpers.js";

interface Frame {
  readonly op: "MSG" | "HMSG";
  readonly sid: number;
  readonly subject: string;
  readonly reply: string | undefined;
  readonly hdr: Buffer | undefined;
  readonly data: Buffer;
}

// One complete protocol frame at the start of `unread`: MSG/HMSG with payload, or a control line.
const frameMatcher: Matcher = (unread) => {
  const eol = unread.indexOf("\r\n");
  if (eol < 0) return -1;
  const parts = unread.subarray(0, eol).toString("latin1").split(" ");
  if (parts[0] !== "MSG" && parts[0] !== "HMSG") return eol + 2;
  const total = eol + 2 + Number(parts[parts.length - 1]) + 2;
  return unread.length >= total ? total : -1;
};

function untilLineStarting(prefix: string): Matcher {
  return (unread) => {
    const eol = unread.indexOf("\r\n");
    if (eol < 0) return -1;
    const line = unread.subarray(0, eol).toString("latin1");
    if (!line.startsWith(prefix)) throw new Error(`expected ${prefix}, got ${line}`);
    return eol + 2;
  };
}

/** A raw NATS client: exact bytes in, exact frames out. */
class RawNats {
  readonly frames: Frame[] = [];
  serverId = "";
  serverName = "";
  private pongs = 0;
  private nextSid = 1;

  private constructor(private readonly conn: RawConnection, readonly label: string) {}

  static async open(port: number, label: string): Promise<RawNats> {
    const conn = await RawConnection.connect(port);
    const c = new RawNats(conn, label);
    const info = await conn.read(untilLineStarting("INFO "), 5000);
    if (!info.matched) throw new Error(`${label}: no INFO`);
    const j = JSON.parse(info.data.toString("latin1").slice(5)) as { server_id: string; server_name: string };
    c.serverId = j.server_id;
    c.serverName = j.server_name;
    await conn.write('CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"echo":true}\r\n');
    await c.sync();
    return c;
  }

  /** Subscribes to `subject` with a new sid; frames carry the sid they were delivered for. */
  async subscribe(subject: string): Promise<number> {
    const sid = this.nextSid++;
    await this.conn.write(`SUB ${subject} ${sid}\r\n`);
    return sid;
  }

  unsubscribe(sid: number): Promise<boolean> {
    return this.conn.write(`UNSUB ${sid}\r\n`);
  }

  publish(subject: string, reply: string | undefined, headers: Headers | undefined, body: Buffer): Promise<boolean> {
    const r = reply === undefined ? "" : ` ${reply}`;
    if (headers === undefined) {
      return this.conn.write(Buffer.concat([Buffer.from(`PUB ${subject}${r} ${body.length}\r\n`, "latin1"), body, Buffer.from("\r\n")]));
    }
    const hdr = Buffer.from(`NATS/1.0\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`, "latin1");
    return this.conn.write(Buffer.concat([
      Buffer.from(`HPUB ${subject}${r} ${hdr.length} ${hdr.length + body.length}\r\n`, "latin1"), hdr, body, Buffer.from("\r\n"),
    ]));
  }

  /** PING and read until its PONG. */
  async sync(timeoutMs = 3000): Promise<void> {
    const want = this.pongs + 1;
    await this.conn.write("PING\r\n");
    const ok = await this.pump(() => this.pongs >= want, timeoutMs);
    if (!ok) throw new Error(`${this.label}: no PONG within ${timeoutMs} ms`);
  }

  /** Reads frames until `done()` or the time bound; true when `done()` held. */
  async pump(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const r = await this.conn.read(frameMatcher, left);
      if (r.closed) throw new Error(`${this.label}: connection closed by the server`);
      if (r.matched) this.accept(r.data);
    }
  }

  private accept(bytes: Buffer): void {
    const eol = bytes.indexOf("\r\n");
    const line = bytes.subarray(0, eol).toString("latin1");
    const p = line.split(" ");
    if (p[0] === "PONG") this.pongs++;
    else if (p[0] === "PING") void this.conn.write("PONG\r\n");
    else if (p[0] === "MSG") {
      const reply = p.length === 5 ? p[3] : undefined;
      this.frames.push({ op: "MSG", sid: Number(p[2]), subject: p[1] ?? "", reply, hdr: undefined, data: bytes.subarray(eol + 2, bytes.length - 2) });
    } else if (p[0] === "HMSG") {
      const reply = p.length === 6 ? p[3] : undefined;
      const hlen = Number(p[p.length - 2]);
      const body = bytes.subarray(eol + 2, bytes.length - 2);
      this.frames.push({ op: "HMSG", sid: Number(p[2]), subject: p[1] ?? "", reply, hdr: body.subarray(0, hlen), data: body.subarray(hlen) });
    } else if (p[0] === "-ERR") throw new Error(`${this.label}: server error ${line}`);
  }

  close(): void {
    this.conn.close();
  }
}

const statusCode = (f: Frame): number | undefined => {
  if (f.hdr === undefined) return undefined;
  const m = /^NATS\/1\.0 (\d{3})/.exec(f.hdr.toString("latin1"));
  return m === null ? undefined : Number(m[1]);
};

function bodyBytes(body: Body): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
}

const ZERO_TIME = "0001-01-01T00:00:00Z";
const TIME_FIELDS = ["created", "ts", "first_ts", "last_ts", "last_active", "time", "leader_since", "pause_until"];

/** Masking context of one side: server ids and generated names seen so far. */
interface MaskCtx {
  serverId: string;
  serverName: string;
  generated: Map<string, string>;
}

function maskText(text: string, ctx: MaskCtx): string {
  let t = text;
  if (ctx.serverId !== "") t = t.split(ctx.serverId).join("<server_id>");
  if (ctx.serverName !== "" && ctx.serverName !== ctx.serverId) t = t.split(ctx.serverName).join("<server_name>");
  for (const [name, label] of ctx.generated) t = t.split(name).join(label);
  // Times set by the requests themselves (2099-..., 2001-...) and the zero time are kept.
  for (const f of TIME_FIELDS) {
    t = t.replace(new RegExp(`"${f}":"([^"]*)"`, "g"), (all, v: string) => (v === ZERO_TIME || /^2099-|^2001-/.test(v) ? all : `"${f}":"<time>"`));
  }
  t = t.replace(/"pause_remaining":\d+/g, '"pause_remaining":<n>');
  t = t.replace(/Nats-Time-Stamp: [^\\]*/g, "Nats-Time-Stamp: <time>");
  // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>
  t = t.replace(/(\$JS\.ACK\.[^.\s]+\.[^.\s]+\.\d+\.\d+\.\d+\.)\d+(\.\d+)/g, "$1<ts>$2");
  return t;
}

function escapeBytes(b: Buffer): string {
  let out = "";
  for (const byte of b) {
    if (byte === 0x0d) out += "\\r";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x5c) out += "\\\\";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

const availableSchemas = new Set<string>();

interface SideResult {
  transcript: string;
  schemaProblems: string[];
}

interface Side {
  readonly label: string;
  readonly server: ServerProcess;
  readonly raw: RawNats;
}

/** Empties the account: deletes every stream (not part of any transcript). */
async function reset(side: Side): Promise<void> {
  const c = side.raw;
  const inbox = "_INBOX.reset";
  const sid = await c.subscribe(inbox);
  const mine = (): Frame[] => c.frames.filter((f) => f.sid === sid);
  await c.publish("$JS.API.STREAM.NAMES", inbox, undefined, Buffer.alloc(0));
  if (!(await c.pump(() => mine().length > 0, 3000))) throw new Error(`${side.label}: no answer to STREAM.NAMES`);
  const text = mine()[0]?.data.toString("utf8") ?? "{}";
  const streams = (JSON.parse(text) as { streams?: unknown }).streams ?? [];
  if (!Array.isArray(streams)) throw new Error(`${side.label}: STREAM.NAMES answered ${text}`);
  for (const [i, n] of streams.entries()) {
    await c.publish(`$JS.API.STREAM.DELETE.${String(n)}`, inbox, undefined, Buffer.alloc(0));
    if (!(await c.pump(() => mine().length > i + 1, 3000))) throw new Error(`${side.label}: no answer to STREAM.DELETE.${String(n)}`);
  }
  await c.unsubscribe(sid);
}

function stepDone(frames: readonly Frame[], until: Until): boolean {
  if (until.status === true) {
    return frames.some((f) => {
      const s = statusCode(f);
      return s !== undefined && s !== 100;
    });
  }
  return frames.length >= (until.frames ?? 1);
}

async function runCase(side: Side, c: ApiCase, caseIndex: number): Promise<SideResult> {
  await reset(side);
  const raw = side.raw;
  const ctx: MaskCtx = { serverId: raw.serverId, serverName: raw.serverName, generated: new Map() };
  const start = raw.frames.length;
  const schemaProblems: string[] = [];
  const inboxOf = (k: number): string => `_INBOX.c${caseIndex}.r${k}`;
  const sids = new Map<number, number>();
  const stepFrames = (k: number): Frame[] => {
    const sid = sids.get(k);
    return sid === undefined ? [] : raw.frames.slice(start).filter((f) => f.sid === sid);
  };
  const recorded: Array<{ k: number; step: Step; line: string }> = [];

  for (const [k, step] of c.steps.entries()) {
    const inbox = inboxOf(k);
    if (step.kind === "sleep") {
      await new Promise((r) => setTimeout(r, step.ms));
      continue;
    }
    if (step.kind === "ack") {
      const delivered = raw.frames.slice(start).filter((f) => f.reply?.startsWith("$JS.ACK.") === true);
      const last = delivered[delivered.length - 1];
      if (last?.reply === undefined) throw new Error(`${side.label}: step ${k}: nothing delivered to acknowledge`);
      if (step.sync === true) sids.set(k, await raw.subscribe(inbox));
      await raw.publish(last.reply, step.sync === true ? inbox : undefined, undefined, Buffer.from(step.payload, "latin1"));
      if (step.sync === true) await raw.pump(() => stepFrames(k).length >= 1, 2000);
      else await raw.sync();
      recorded.push({ k, step, line: `>> ACK ${maskText(last.reply, ctx)} ${JSON.stringify(step.payload)}${step.sync === true ? " (sync)" : ""}` });
      continue;
    }
    const subject = step.kind === "api" ? `$JS.API.${step.subject}` : step.subject;
    const body = step.kind === "api" ? bodyBytes(step.body) : Buffer.from(step.body ?? "", "utf8");
    const wantsReply = step.kind === "api" || step.reply !== false;
    if (wantsReply) sids.set(k, await raw.subscribe(inbox));
    await raw.publish(subject, wantsReply ? inbox : undefined, step.headers, body);
    if (wantsReply) {
      const until: Until = step.kind === "api" ? (step.until ?? {}) : {};
      await raw.pump(() => stepDone(stepFrames(k), until), until.timeoutMs ?? 2000);
    } else {
      await raw.sync();
    }
    // A consumer created without a name gets a generated one: mask it from now on.
    if (step.kind === "api" && /^CONSUMER\.CREATE\.[^.]+$/.test(step.subject)) {
      for (const f of stepFrames(k)) {
        const name = (JSON.parse(f.data.toString("utf8")) as { name?: string }).name;
        if (name !== undefined && !ctx.generated.has(name)) ctx.generated.set(name, `<generated${ctx.generated.size + 1}>`);
      }
    }
    if (step.hide === true || (step.kind === "api" && step.mustSucceed === true)) {
      for (const f of stepFrames(k)) {
        const text = f.data.toString("utf8");
        if (text.includes('"error"')) throw new Error(`${side.label}: setup step ${k} (${subject}) failed: ${text}`);
      }
      if (wantsReply && stepFrames(k).length === 0) throw new Error(`${side.label}: setup step ${k} (${subject}) got no answer`);
      if (step.hide === true) continue;
    }
    const hdrs = step.headers === undefined ? "" : ` [${step.headers.map(([a, b]) => `${a}: ${b}`).join("; ")}]`;
    recorded.push({ k, step, line: `>> ${step.kind === "api" ? `API ${step.subject}` : `PUB ${step.subject}`}${hdrs} ${escapeBytes(body)}` });
  }
  await raw.pump(() => false, c.settleMs ?? 150);
  for (const sid of sids.values()) await raw.unsubscribe(sid);

  const lines: string[] = [];
  for (const { k, step, line } of recorded) {
    lines.push(line);
    for (const f of stepFrames(k)) {
      const text = f.data.toString("utf8");
      if (text.startsWith("{")) checkSchema(side.label, k, step, text, schemaProblems);
      const reply = f.reply === undefined ? "" : ` reply=${maskText(f.reply, ctx)}`;
      const subj = f.subject === inboxOf(k) ? "<inbox>" : maskText(f.subject, ctx);
      const hdr = f.hdr === undefined ? "" : ` hdr=${maskText(escapeBytes(f.hdr), ctx)}`;
      lines.push(`<< ${f.op} ${subj}${reply}${hdr} data=${maskText(escapeBytes(f.data), ctx)}`);
    }
  }
  return { transcript: lines.join("\n") + "\n", schemaProblems };
}

/** Validates a JSON reply against the schema of its `type` (PubAcks: pub_ack_response), when one exists. */
function checkSchema(label: string, k: number, step: Step, text: string, problems: string[]): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    problems.push(`${label}: step ${k}: reply is not valid JSON (${String(err)}): ${text}`);
    return;
  }
  if (typeof parsed !== "object" || parsed === null) return;
  const type = (parsed as { type?: unknown }).type;
  let id: string | undefined;
  if (typeof type === "string") {
    try {
      id = schemaIdForType(type);
    } catch (err) {
      problems.push(`${label}: step ${k}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
  } else if (step.kind === "pub") id = "jetstream/api/v1/pub_ack_response";
  if (id === undefined || !availableSchemas.has(id)) return;
  for (const p of validateJs(id, parsed)) {
    // A oneOf that more than one branch accepts is a quirk of the schema, not of the response.
    if (/must match exactly one schema in oneOf \{"passingSchemas":\[\d+(,\d+)+\]\}/.test(p)) continue;
    problems.push(`${label}: step ${k} (${id}): ${p}`);
  }
}

let ref: Side;
let mine: Side;
const dumps: { ref: string[]; mine: string[] } = { ref: [], mine: [] };

beforeAll(async () => {
  for (const id of schemaIds()) availableSchemas.add(id);
  const [a, b] = await Promise.all([
    startServer("reference", { jetstream: true, name: "reference-api" }),
    startServer(targetKind(), { jetstream: true, name: `${targetKind()}-api` }),
  ]);
  ref = { label: "reference", server: a, raw: await RawNats.open(a.port, "reference") };
  const label = targetKind() === "natsts" ? "natsts" : "reference(2)";
  mine = { label, server: b, raw: await RawNats.open(b.port, label) };
}, 30_000);

afterAll(async () => {
  ref?.raw.close();
  mine?.raw.close();
  const dir = process.env["NATSTS_E2E_DUMP"];
  if (dir !== undefined && dir !== "") {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "api-reference.txt"), dumps.ref.join("\n"));
    writeFileSync(join(dir, "api-natsts.txt"), dumps.mine.join("\n"));
  }
  await stopAll();
});

describe("JetStream API differential (reference nats-server vs natsts)", () => {
  const seen = new Set<string>();
  for (const [i, c] of CASES.entries()) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
    it(c.name, { timeout: 20_000 }, async () => {
      const [r, m] = await Promise.all([runCase(ref, c, i), runCase(mine, c, i)]);
      dumps.ref.push(`### ${c.name}\n${r.transcript}`);
      dumps.mine.push(`### ${c.name}\n${m.transcript}`);
      for (const want of c.ref) {
        expect(r.transcript, `${c.name}: the reference transcript lacks ${JSON.stringify(want)} — the case does not test what it says`).toContain(want);
      }
      for (const unwanted of c.refNot ?? []) {
        expect(r.transcript, `${c.name}: the reference transcript has ${JSON.stringify(unwanted)} — the case does not test what it says`).not.toContain(unwanted);
      }
      expect(r.schemaProblems, "reference responses that violate their JSON schema").toEqual([]);
      expect.soft(m.transcript, `${c.name}: natsts differs from the reference (expected = reference)\n--- natsts stderr (tail) ---\n${stderrTail(mine.server, 15)}`).toBe(r.transcript);
      expect.soft(m.schemaProblems, "natsts responses that violate their JSON schema").toEqual([]);
    });
  }
});
