// Pausing a consumer (pause_until): the pause end as a millisecond time, and the wake-up when it ends.

import { parseRFC3339 } from "../api/json.js";

/** pause_until (RFC 3339) as Unix milliseconds. */
export function pauseMillis(text: string): number {
  const t = parseRFC3339(text).unixNanos;
  return Number(t / 1_000_000n);
}

/** Calls `resume` once a pause until `untilMs` is over (at once when it is over already). */
export function resumeAfter(untilMs: number, resume: () => void): void {
  if (untilMs > Date.now()) {
    const t = setTimeout(resume, untilMs - Date.now() + 1);
    t.unref();
  } else {
    resume();
  }
}
