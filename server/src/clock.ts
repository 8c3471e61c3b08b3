// A coarse clock for the hot path: refreshed once per socket read instead of once per message.
export const coarseClock = { now: Date.now() };

export function tick(): number {
  coarseClock.now = Date.now();
  return coarseClock.now;
}
