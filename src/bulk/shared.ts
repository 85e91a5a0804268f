/** Pieces both bulk jobs share: option checks, error summaries, the throttling retry loop. */
import type { AbortSignalLike } from "@azure/abort-controller";
import { isArmError, isThrottledError } from "../core/errors.js";
import { sleep } from "../core/sleep.js";
import { z } from "../validation/parse.js";
import type { AdaptivePool } from "./pool.js";

export const MAX_CONCURRENCY = 64;

export const commonOptionShape = {
  concurrency: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_CONCURRENCY))),
  checkpoint: z.optional(
    z.union([
      z.string().check(z.minLength(1)),
      z.custom<object>((v) => typeof v === "object" && v !== null && typeof (v as { load?: unknown }).load === "function" && typeof (v as { save?: unknown }).save === "function", "must be a file path or a { load, save } object"),
    ]),
  ),
  signal: z.optional(z.custom<object>((v) => typeof v === "object" && v !== null && typeof (v as { aborted?: unknown }).aborted === "boolean", "must be an AbortSignal")),
  onProgress: z.optional(z.custom<(...args: never[]) => unknown>((v) => typeof v === "function", "must be a function")),
  clientOptions: z.optional(z.record(z.string(), z.unknown())),
};

/** A JSON-safe summary of an error for a checkpoint (message only: SDK messages carry no secret). */
export function errorSummary(e: unknown): { name: string; message: string; code?: string | undefined } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, ...(isArmError(err) ? { code: err.code } : {}) };
}

/** How often a request the service throttled is tried again before the item fails. */
export const MAX_THROTTLED_ATTEMPTS = 8;

/**
 * Runs `attempt` until it does not end in `ThrottledError` (the SDK's own retries, which honour
 * `Retry-After`, were exhausted): each time the pool runs fewer tasks at once and this item waits
 * the service's `Retry-After` (or 1 s, 2 s, 4 s … capped at 30 s) before trying again.
 */
export async function withThrottleBackoff<T>(
  pool: AdaptivePool,
  signal: AbortSignalLike | undefined,
  attempt: () => Promise<T>,
  onThrottled: (e: unknown) => Promise<void>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isThrottledError(e) || n >= MAX_THROTTLED_ATTEMPTS) throw e;
      pool.backOff();
      await onThrottled(e);
      await sleep(e.retryAfterInMs ?? Math.min(30_000, 1000 * 2 ** (n - 1)), signal);
    }
  }
}

export const isAbortError = (e: unknown): boolean => e instanceof Error && e.name === "AbortError";
