// Shared helpers for the monitoring end-to-end tests: HTTP against a server's monitoring port,
// polling, and field-set comparisons.
import { expect } from "vitest";
import type { ServerProcess } from "../lib/procs.js";

export type Json = Record<string, unknown>;
export type Conn = Record<string, unknown>;

export function monitorUrl(s: ServerProcess): string {
  const url = s.ports.monitoring?.[0];
  if (url === undefined) throw new Error(`${s.name}: no monitoring URL in the ports file ${JSON.stringify(s.ports)}`);
  return url.replace(/\/$/, "");
}

export async function http(s: ServerProcess, path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  const r = await fetch(`${monitorUrl(s)}${path}`, init);
  return { status: r.status, headers: r.headers, text: await r.text() };
}

/** GETs a JSON endpoint, checking status 200 and nats-server's headers. */
export async function json(s: ServerProcess, path: string): Promise<Json> {
  const r = await http(s, path);
  if (r.status !== 200) throw new Error(`${s.name} ${path}: HTTP ${r.status}: ${r.text}`);
  expect(r.headers.get("content-type"), `${s.name} ${path}`).toBe("application/json");
  expect(r.headers.get("access-control-allow-origin"), `${s.name} ${path}`).toBe("*");
  return JSON.parse(r.text) as Json;
}

export function conns(z: Json): Conn[] {
  return z.connections as Conn[];
}

/** Polls until `probe` stops throwing (state settles asynchronously: closes, counters). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Keys of `a` missing from `b`. */
export function missing(a: Json, b: Json): string[] {
  return Object.keys(a).filter((k) => !(k in b));
}

/** The common keys must come in the same relative order. */
export function commonOrder(ref: Json, ours: Json): { ref: string[]; ours: string[] } {
  return { ref: Object.keys(ref).filter((k) => k in ours), ours: Object.keys(ours).filter((k) => k in ref) };
}

