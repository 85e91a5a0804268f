/**
 * Progress of a whole batch, as `onProgress` receives it: counts that always add up to `total`.
 */

/** Where a batch stands. `done + failed + skipped + running + remaining === total`. */
export interface BatchProgress {
  /** Items in the batch. */
  total: number;
  /** Finished successfully (exported / created), including those a checkpoint already had. */
  done: number;
  /** In progress right now. */
  running: number;
  /**
   * Of `running`, how many are still being submitted (their write not yet accepted by the service).
   * This is what `concurrency` bounds; accepted items are followed to their end outside it.
   */
  submitting: number;
  /** Finished with an error. */
  failed: number;
  /** Nothing to do (e.g. a lab without a template VM). */
  skipped: number;
  /** Not started yet. */
  remaining: number;
  /** The item whose change caused this event, when one did. */
  item?: { name: string; status: "running" | BatchItemStatus; reason?: string | undefined } | undefined;
}

export type BatchItemStatus = "exported" | "created" | "skipped" | "failed";

/** Keeps the counts and calls the listener on every change. A throwing listener is ignored. */
export class ProgressTracker {
  private readonly p: BatchProgress;
  constructor(
    total: number,
    private readonly listener: ((p: BatchProgress) => void) | undefined,
  ) {
    this.p = { total, done: 0, running: 0, submitting: 0, failed: 0, skipped: 0, remaining: total };
  }

  get snapshot(): BatchProgress {
    return { ...this.p };
  }

  started(name: string): void {
    this.p.remaining--;
    this.p.running++;
    this.emit({ name, status: "running" });
  }

  /** An item ended; `wasRunning` is false for items settled straight from a checkpoint. */
  finished(name: string, status: BatchItemStatus, wasRunning: boolean, reason?: string): void {
    if (wasRunning) this.p.running--;
    else this.p.remaining--;
    if (status === "failed") this.p.failed++;
    else if (status === "skipped") this.p.skipped++;
    else this.p.done++;
    this.emit({ name, status, reason });
  }

  /** A write for a running item is being sent (`+1`) or was answered (`-1`). */
  submitting(delta: 1 | -1): void {
    this.p.submitting += delta;
    this.emit(undefined);
  }

  /** An item stopped running without an outcome (the batch was aborted). */
  stopped(): void {
    this.p.running--;
    this.p.remaining++;
    this.emit(undefined);
  }

  private emit(item: BatchProgress["item"]): void {
    if (!this.listener) return;
    try {
      this.listener({ ...this.p, ...(item ? { item } : {}) });
    } catch {
      // A listener must not break the batch.
    }
  }
}
