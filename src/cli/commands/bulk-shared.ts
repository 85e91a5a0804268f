/**
 * What `backup` and `labs create-many` share: the batch progress (one overall bar on a terminal,
 * one line per finished item otherwise), Ctrl-C handling, and the exit code of a batch with failures.
 */
import type { BatchProgress } from "../../index.js";
import type { CliContext } from "../context.js";
import { InterruptedError } from "../errors.js";
import { createProgress, type ProgressView } from "../progress.js";

/** A batch finished and its report was printed, but some items failed: exit code 1, no second JSON document. */
export class BatchFailedError extends Error {
  override name = "BatchFailedError";
}

export interface BatchView {
  onProgress(p: BatchProgress): void;
  stop(): void;
}

const MARK: Record<string, string> = { exported: "ok", created: "ok", skipped: "skip", failed: "FAIL" };

/** The overall bar (`label done/total`) and a line per finished item. */
export function batchView(ctx: CliContext, label: string): BatchView {
  const progress: ProgressView = createProgress(ctx.out);
  return {
    onProgress(p) {
      const finished = p.done + p.failed + p.skipped;
      const percent = p.total === 0 ? 100 : (finished / p.total) * 100;
      progress.update("batch", label, percent, ctx.out.interactive ? `${finished}/${p.total} (${p.running} running, ${p.failed} failed)` : "");
      const item = p.item;
      if (item && item.status !== "running" && !ctx.out.options.quiet) {
        progress.log(`${MARK[item.status] ?? item.status} ${item.name}${item.reason ? ` (${item.reason})` : ""}  [${finished}/${p.total}]`);
      }
    },
    stop: () => progress.stop(),
  };
}

/** Runs a batch with Ctrl-C wired to its abort signal; an interrupted batch exits 130 with a hint. */
export async function runBatch<T>(ctx: CliContext, view: BatchView, checkpoint: string | undefined, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const off = ctx.onInterrupt(() => controller.abort());
  try {
    return await job(controller.signal);
  } catch (e) {
    if (controller.signal.aborted && e instanceof Error && e.name === "AbortError") {
      view.stop();
      throw new InterruptedError(
        "Interrupted; requests already sent go on in Azure.",
        checkpoint !== undefined
          ? `Run the same command again with --checkpoint ${checkpoint} to continue where it stopped (nothing is sent twice).`
          : "Next time pass --checkpoint <file>: a re-run then continues where it stopped without sending anything twice.",
      );
    }
    throw e;
  } finally {
    off();
    view.stop();
  }
}
