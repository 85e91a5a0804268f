/**
 * Bounded, adaptive concurrency for the bulk jobs. At most `limit` tasks run at once; the limit
 * halves when the service throttles (`backOff()`) and grows back by one after every `limit`
 * successes in a row (additive increase, multiplicative decrease), never above the maximum given.
 * An aborted signal stops new tasks from starting; tasks already running are left to settle, so
 * whatever they record (a checkpoint entry) is complete before `run` rejects.
 */
import type { AbortSignalLike } from "@azure/abort-controller";
import { abortError } from "../core/sleep.js";

export class AdaptivePool {
  private current: number;
  private streak = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${max}`);
    this.current = max;
  }

  /** How many tasks may run at once right now. */
  get limit(): number {
    return this.current;
  }

  /** The service throttled: run fewer tasks at once. */
  backOff(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.streak = 0;
  }

  /** A task finished without throttling. */
  succeeded(): void {
    if (this.current >= this.max) return;
    if (++this.streak >= this.current) {
      this.current++;
      this.streak = 0;
    }
  }

  /**
   * Runs `task(i)` for every index in order of `items`. Resolves when all have run; a task's
   * rejection is the task's business (catch it inside). With `signal` aborted, no further task
   * starts and `run` rejects with an `AbortError` once the running ones have settled.
   */
  async run<T>(items: readonly T[], task: (item: T, index: number) => Promise<void>, signal?: AbortSignalLike): Promise<void> {
    let next = 0;
    let running = 0;
    let firstError: unknown;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (running < this.current && next < items.length && !signal?.aborted && firstError === undefined) {
          const index = next++;
          running++;
          task(items[index] as T, index)
            .catch((e: unknown) => {
              firstError ??= e;
            })
            .finally(() => {
              running--;
              pump();
            });
        }
        if (running === 0 && (next >= items.length || signal?.aborted || firstError !== undefined)) resolve();
      };
      signal?.addEventListener("abort", () => pump(), { once: true });
      pump();
    });
    if (firstError !== undefined) throw firstError;
    if (signal?.aborted) throw abortError("The batch was aborted; the checkpoint records how far it got.");
  }
}
