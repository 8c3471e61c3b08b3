// The file store's cache of recently written or read messages: direct-mapped by sequence (a
// consumer reading what was just written, or two consumers close to each other, hit it; a
// sequential reader replaces entries without any bookkeeping per message), bounded in entries
// and in bytes.

import type { StoredMsg } from "./types.js";

/** larger messages are not cached */
const MAX_MSG_BYTES = 64 * 1024;

function msgBytes(m: StoredMsg): number {
  return m.data.length + (m.hdr === null ? 0 : m.hdr.length);
}

export class MsgCache {
  private readonly slots: (StoredMsg | null)[];
  private readonly mask: number;
  private bytes = 0;
  /** next slot to evict when over the byte budget */
  private hand = 0;

  constructor(
    maxMsgs: number,
    private readonly maxBytes: number,
  ) {
    let n = 0;
    if (maxMsgs > 0) {
      n = 1;
      while (n < maxMsgs) n *= 2;
    }
    this.slots = new Array<StoredMsg | null>(n).fill(null);
    this.mask = n - 1;
  }

  get(seq: number): StoredMsg | null {
    if (this.slots.length === 0) return null;
    const m = this.slots[seq & this.mask];
    return m !== null && m.seq === seq ? m : null;
  }

  put(m: StoredMsg): void {
    const size = msgBytes(m);
    if (this.slots.length === 0 || size > MAX_MSG_BYTES || size > this.maxBytes) return;
    const i = m.seq & this.mask;
    const old = this.slots[i];
    if (old !== null) this.bytes -= msgBytes(old);
    this.slots[i] = m;
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const j = this.hand;
      this.hand = (j + 1) & this.mask;
      const v = this.slots[j];
      if (v === null || j === i) continue;
      this.bytes -= msgBytes(v);
      this.slots[j] = null;
    }
  }

  drop(seq: number): void {
    if (this.slots.length === 0) return;
    const i = seq & this.mask;
    const m = this.slots[i];
    if (m === null || m.seq !== seq) return;
    this.bytes -= msgBytes(m);
    this.slots[i] = null;
  }

  clear(): void {
    this.slots.fill(null);
    this.bytes = 0;
  }
}
