// Saving a consumer's progress to its ConsumerStore. An ack that asked for a confirmation is
// confirmed once saved: such saves run at the end of the turn, one snapshot and one save for
// every request of that turn (the store coalesces saves in flight as well). Deliveries are saved
// lazily: losing the record of an unacked delivery in a crash only means it is delivered again.

import type { ConsumerState, ConsumerStore } from "../store/types.js";

const LAZY_SAVE_MS = 100;

export class ProgressSaver {
  private queued: Promise<boolean> | null = null;
  private lazy: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: ConsumerStore,
    /** the state to save, taken when the save starts */
    private readonly snapshot: () => ConsumerState,
    /** a save failed (the caller logs it) */
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Saves; resolves true once durable, false if the store failed (reported through `failed`). */
  save(): Promise<boolean> {
    if (this.queued !== null) return this.queued;
    this.queued = new Promise<boolean>((resolve) => {
      setImmediate(() => {
        this.queued = null;
        this.store.save(this.snapshot()).then(
          () => resolve(true),
          (err: unknown) => {
            this.failed(err);
            resolve(false);
          },
        );
      });
    });
    return this.queued;
  }

  /** Saves within LAZY_SAVE_MS. */
  saveSoon(): void {
    if (this.lazy !== null || this.closed) return;
    this.lazy = setTimeout(() => {
      this.lazy = null;
      void this.save();
    }, LAZY_SAVE_MS);
    this.lazy.unref();
  }

  /** No more lazy saves; a save that was due or under way is completed first. */
  async close(): Promise<void> {
    this.closed = true;
    const due = this.lazy !== null || this.queued !== null;
    if (this.lazy !== null) clearTimeout(this.lazy);
    this.lazy = null;
    if (due) await this.save();
  }
}
