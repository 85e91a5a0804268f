/**
 * Simulated time. `real`: emulator time runs `speed` times faster than wall time from a start point;
 * `manual`: time moves only through `advance(ms)` (deterministic tests).
 */
export interface EmulatorClock {
  now(): number;
  advance(ms: number): void;
}

/** Where a manual clock starts when no state says otherwise: a fixed instant keeps tests deterministic. */
export const MANUAL_CLOCK_START = Date.parse("2025-07-07T08:00:00.000Z");

export function createClock(mode: "real" | "manual", speed: number, startAt?: number): EmulatorClock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  if (mode === "manual") {
    let t = startAt ?? MANUAL_CLOCK_START;
    return {
      now: () => t,
      advance: (ms: number) => {
        if (!(ms >= 0)) throw new RangeError("clock.advance(ms) needs ms >= 0");
        t += ms;
      },
    };
  }
  const wallStart = Date.now();
  let simStart = Math.max(startAt ?? 0, wallStart);
  return {
    now: () => Math.floor(simStart + (Date.now() - wallStart) * speed),
    advance: (ms: number) => {
      if (!(ms >= 0)) throw new RangeError("clock.advance(ms) needs ms >= 0");
      simStart += ms;
    },
  };
}
