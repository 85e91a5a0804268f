/**
 * `lab-gallery backup --account …`: export the template of every lab of a lab plan or lab account
 * to its attached gallery (exportAllTemplates), with an overall progress bar, a final table,
 * `--json`, and exit code 1 when any lab failed.
 */
import type { Command } from "commander";
import { exportAllTemplates, type ExportReportItem } from "../../index.js";
import { addAccountOptions, parseNonNegativeInt, type CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { formatTable } from "../output.js";
import { parseReplicateTo } from "./export.js";
import { BatchFailedError, batchView, runBatch } from "./bulk-shared.js";
import { accountFrom, describeId } from "./shared.js";

interface BackupCliOptions {
  concurrency?: number;
  checkpoint?: string;
  replicateTo?: string;
  namePattern?: string;
  experimentalClassicSaveImage?: boolean;
}

function concurrency(raw: string): number {
  const n = parseNonNegativeInt(raw, "--concurrency");
  if (n < 1 || n > 64) throw new UsageError("--concurrency must be between 1 and 64.");
  return n;
}

export function backupTable(items: readonly ExportReportItem[]): string {
  return formatTable(items, [
    { header: "LAB", value: (i) => i.lab },
    { header: "STATUS", value: (i) => i.status + (i.fromCheckpoint ? " (earlier run)" : "") },
    { header: "IMAGE", value: (i) => i.imageName },
    { header: "VERSION", value: (i) => i.image?.galleryImageVersionId?.split("/").pop() },
    { header: "REASON", value: (i) => (i.status === "failed" ? `${i.reason ?? ""}${i.error ? `: ${i.error.message.split("\n")[0]}` : ""}` : i.reason) },
  ]);
}

export function registerBackup(program: Command, ctx: () => CliContext): void {
  addAccountOptions(
    program
      .command("backup")
      .description("export every lab's template VM to the attached gallery (before the 2027-06-28 retirement)")
      .option("--concurrency <n>", "exports running at once (1-64, default 4)", concurrency)
      .option("--checkpoint <file>", "record progress here; a re-run continues where it stopped and exports nothing twice")
      .option("--replicate-to <regions>", '"geography" or a comma-separated list of regions (lab plans)')
      .option("--name-pattern <pattern>", 'image name template with {lab} and {account}, default "{lab}"')
      .option("--experimental-classic-save-image", "allow exports from a classic lab account (inferred, undocumented service call)")
      .addHelpText(
        "after",
        "\nExamples:\n  $ lab-gallery backup --account $PLAN --checkpoint backup.json\n  $ lab-gallery backup --account $PLAN --concurrency 8 --replicate-to geography --json > report.json",
      ),
  ).action(async (opts: BackupCliOptions, cmd: Command) => {
    const c = ctx();
    const account = accountFrom(c, cmd);
    const view = batchView(c, "backup");
    c.out.info(`Backing up the lab templates of ${describeId(account)}…`);
    const report = await runBatch(c, view, opts.checkpoint, (signal) =>
      exportAllTemplates(account, {
        clientOptions: c.clientOptions(),
        signal,
        onProgress: (p) => view.onProgress(p),
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        ...(opts.checkpoint !== undefined ? { checkpoint: opts.checkpoint } : {}),
        ...(opts.replicateTo !== undefined ? { replicateTo: parseReplicateTo(opts.replicateTo) } : {}),
        ...(opts.namePattern !== undefined ? { namePattern: opts.namePattern } : {}),
        ...(opts.experimentalClassicSaveImage ? { experimentalClassicSaveImage: true } : {}),
      }),
    );
    const { exported, skipped, failed, total } = report.counts;
    c.out.result(report, () => `${report.items.length === 0 ? "No labs." : backupTable(report.items)}\n\n${exported} exported, ${skipped} skipped, ${failed} failed of ${total} lab(s).`);
    if (failed > 0) throw new BatchFailedError(`${failed} of ${total} export(s) failed; see the table above.`);
  });
}
