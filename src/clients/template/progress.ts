/**
 * How `percentComplete` of an export is computed. The service reports no percent for a save
 * (rest-api.md G.1), so the saving part is an ESTIMATE from elapsed time against the typical
 * duration observed live (10 min 10 s, G.2); the replicating part comes from the gallery's own
 * per-region `progress`. The caller always sees a value that never decreases.
 *
 * Bands (of 100):
 *   validating      0 →  5   one step per preflight check
 *   saving          5 → 90   (5 → 60 when the SDK then waits for replication) — estimate
 *   finding image  90 → 95   (60 → 65)
 *   replicating    65 → 99   average of the regions' reported progress
 *   done                100
 */

/** Typical duration of a template save, observed live (rest-api.md G.2). */
export const TYPICAL_SAVE_MS = 610_000;

export interface Bands {
  saveStart: number;
  saveEnd: number;
  locateEnd: number;
  replicateEnd: number;
}

export function bandsFor(waitForReplication: boolean): Bands {
  return waitForReplication
    ? { saveStart: 5, saveEnd: 60, locateEnd: 65, replicateEnd: 99 }
    : { saveStart: 5, saveEnd: 90, locateEnd: 95, replicateEnd: 95 };
}

/**
 * Estimated fraction (0..1, never 1) of a save that started `elapsedMs` ago: linear up to 90 % at the
 * typical duration, then creeping towards (never reaching) 99 % if the save takes longer.
 */
export function estimateSaveFraction(elapsedMs: number): number {
  const t = Math.max(0, elapsedMs) / TYPICAL_SAVE_MS;
  if (t <= 1) return 0.9 * t;
  return 0.9 + 0.09 * (1 - Math.exp(-(t - 1)));
}

/** Maps a fraction of a band onto the 0-100 scale, rounded to one decimal. */
export function inBand(from: number, to: number, fraction: number): number {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((from + (to - from) * f) * 10) / 10;
}
