// Collecting JetStream events ($JS.EVENT.>) while a scenario runs, for the differential tests
// that compare nats-server's and natsts' events (advisories.test.ts, api-traffic.test.ts).
import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import type { ServerProcess } from "../lib/procs.js";
import { waitUntil } from "./helpers.js";

export interface JsEvent {
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

export interface EventRun {
  readonly events: JsEvent[];
  /** the server's id, for masking */
  readonly serverId: string;
}

/**
 * Connects as `name`, subscribes to `subject` (under $JS.EVENT.), runs the scenario, and returns
 * the events once none came for 300 ms (nats-server sends them from another goroutine).
 */
export async function collectEvents(srv: ServerProcess, name: string, subject: string, scenario: (nc: NatsConnection) => Promise<void>): Promise<EventRun> {
  const nc = await connect({ servers: srv.url, name });
  try {
    const events: JsEvent[] = [];
    nc.subscribe(subject, {
      callback: (_err, m: Msg) => {
        events.push({ subject: m.subject, body: m.json<Record<string, unknown>>() });
      },
    });
    await nc.flush();
    await scenario(nc);
    let seen = -1;
    await waitUntil(() => {
      const settled = events.length === seen;
      seen = events.length;
      return settled;
    }, 5000, 300);
    return { events, serverId: nc.info?.server_id ?? "" };
  } finally {
    await nc.close();
  }
}

const TIME_FIELDS = ["created", "ts", "first_ts", "last_ts", "last_active", "time", "start", "mtime"];

/** Per-run times in JSON text masked: the time fields, and pause_remaining. */
export function maskTimes(text: string): string {
  let t = text;
  for (const f of TIME_FIELDS) t = t.replace(new RegExp(`"${f}":"[^"]*"`, "g"), `"${f}":"<time>"`);
  return t.replace(/"pause_remaining":\d+/g, '"pause_remaining":<n>');
}

/** the audited client: what is the same in both runs, and what only has to be there */
const CLIENT_KEPT = ["acc", "kind", "client_type", "lang", "name"];

/** One event as compared: its subject and its body with the per-run values masked; `names` (generated names) are replaced by their labels. */
export function maskEvent(e: JsEvent, serverId: string, names: ReadonlyMap<string, string> = new Map()): string {
  const b: Record<string, unknown> = { ...e.body, id: "<id>", timestamp: "<timestamp>" };
  if ("server" in b) b["server"] = b["server"] === serverId ? "<server>" : b["server"];
  if (typeof b["client"] === "object" && b["client"] !== null) {
    const c = b["client"] as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(c).sort()) out[k] = CLIENT_KEPT.includes(k) ? c[k] : "<set>";
    b["client"] = out;
  }
  for (const k of ["request", "response"]) {
    // inboxes and snapshot/restore subjects end in random tokens
    if (typeof b[k] === "string") b[k] = maskTimes(b[k].split(serverId).join("<server>")).replace(/(_INBOX|\$JS\.SNAPSHOT\.RESTORE\.\w+)(\.[A-Za-z0-9]+)+/g, "$1.<random>");
  }
  for (const k of ["start", "end"]) if (typeof b[k] === "string") b[k] = "<time>";
  // restore_complete counts the snapshot's bytes, whose format is each server's own
  for (const k of ["ack_time", "bytes"]) if (typeof b[k] === "number") b[k] = b[k] > 0 ? "<positive>" : b[k];
  if (typeof b["state"] === "object" && b["state"] !== null) b["state"] = JSON.parse(maskTimes(JSON.stringify(b["state"]))) as unknown;
  let line = `${e.subject} ${JSON.stringify(b)}`;
  for (const [name, label] of names) line = line.split(name).join(label);
  return line;
}
