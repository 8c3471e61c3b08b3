// Delivery pacing: replay policy "original" keeps the stream's own timing between messages, and
// rate_limit_bps caps the bits delivered per second.

import type { ConsumerConfig } from "../api/types.js";

const WINDOW_MS = 1000;

export class Pacer {
  private replayBase: { wall: number; msg: number } | null = null;
  private windowStart = 0;
  private bits = 0;

  /** Milliseconds to wait before a message stored at `tsNs` of `size` bytes may go (0 = now). */
  wait(cfg: ConsumerConfig, tsNs: bigint, size: number, now = Date.now()): number {
    let wait = 0;
    if (cfg.replay_policy === "original") {
      const ts = Number(tsNs / 1_000_000n);
      if (this.replayBase === null) this.replayBase = { wall: now, msg: ts };
      wait = this.replayBase.wall + (ts - this.replayBase.msg) - now;
    }
    const bps = cfg.rate_limit_bps ?? 0;
    if (bps > 0) {
      const bits = size * 8;
      if (now - this.windowStart >= WINDOW_MS) {
        this.windowStart = now;
        this.bits = 0;
      }
      if (this.bits > 0 && this.bits + bits > bps) wait = Math.max(wait, this.windowStart + WINDOW_MS - now);
      else this.bits += bits;
    }
    return wait > 0 ? wait : 0;
  }
}
