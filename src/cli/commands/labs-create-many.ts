/**
 * `lab-gallery labs create-many --account … --image … --csv labs.csv`: many labs from one image
 * (createLabsFromImage). One CSV row per lab:
 *
 *   name,title,capacity,username[,sku][,usage_quota_hours][,location][,description][,credentials][,password_env]
 *
 * Passwords never come from the CSV or argv: every row uses LAB_GALLERY_PASSWORD, or the
 * environment variable its `password_env` column names. Every row is checked before any request;
 * invalid rows are listed together and nothing is created (exit 2).
 */
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { createLabsFromImage, validateLabRows, ValidationError, isValidationError, type BulkLabDefinition, type CreateReportItem, type ValidationIssue } from "../../index.js";
import { CsvError, parseCsv } from "../../bulk/csv.js";
import { parseNonNegativeInt, type CliContext } from "../context.js";
import { PASSWORD_ENV } from "../credentials.js";
import { UsageError } from "../errors.js";
import { formatTable } from "../output.js";
import { BatchFailedError, batchView, runBatch } from "./bulk-shared.js";
import { accountFrom, describeId, nameOf } from "./shared.js";

interface CreateManyCliOptions {
  image: string;
  csv: string;
  sku?: string;
  usageQuotaHours: number;
  credentialsFromImage?: boolean;
  concurrency?: number;
  checkpoint?: string;
  enableImage?: boolean;
  ifExists?: "fail" | "reuse";
}

export const CSV_COLUMNS = ["name", "title", "capacity", "username", "sku", "usage_quota_hours", "location", "description", "credentials", "password_env"] as const;
type Column = (typeof CSV_COLUMNS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CsvRows {
  rows: BulkLabDefinition[];
  /** CSV line of each row. */
  lines: number[];
  /** The passwords used (to keep them out of every output). */
  secrets: string[];
}

/**
 * CSV text → lab definitions, or a `ValidationError` listing every bad row by line (no request).
 * `defaults` fill the columns a row leaves empty.
 */
export function labRowsFromCsv(
  text: string,
  env: Record<string, string | undefined>,
  defaults: { sku?: string | undefined; usageQuotaHours: number; credentials: "new" | "fromImage" },
): CsvRows {
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new ValidationError(`The CSV cannot be read: ${e.message}.`, [{ path: `line ${e.line}`, message: e.message }]);
    throw e;
  }
  const header = records.shift();
  if (!header) throw new ValidationError("The CSV is empty; expected a header line (name,title,capacity,username,…) and one row per lab.", [{ path: "line 1", message: "empty" }]);
  const cols = header.fields.map((h) => h.trim().toLowerCase().replace(/[-\s]+/g, "_"));
  const issues: ValidationIssue[] = [];
  const headerIssue = (message: string) => issues.push({ path: `line ${header.line}`, message });
  if (cols.includes("password")) headerIssue(`a "password" column is not accepted: passwords never go in a file; set ${PASSWORD_ENV}, or name an environment variable per row in a password_env column`);
  for (const c of cols) if (c !== "password" && !(CSV_COLUMNS as readonly string[]).includes(c)) headerIssue(`unknown column "${c}" (known: ${CSV_COLUMNS.join(", ")})`);
  for (const c of ["name", "username"] as const) if (!cols.includes(c)) headerIssue(`the column "${c}" is required`);
  if (new Set(cols).size !== cols.length) headerIssue("a column appears twice");
  if (issues.length > 0) throw new ValidationError(`The CSV header is invalid: ${issues.map((i) => i.message).join("; ")}.`, issues);
  if (records.length === 0) throw new ValidationError("The CSV has a header but no lab rows.", [{ path: `line ${header.line}`, message: "no rows" }]);

  const rows: BulkLabDefinition[] = [];
  const lines: number[] = [];
  const secrets = new Set<string>();
  for (const r of records) {
    const at = `line ${r.line}`;
    const add = (field: string, message: string) => issues.push({ path: `${at}: ${field}`, message });
    const cell = (c: Column): string | undefined => {
      const i = cols.indexOf(c);
      const v = i === -1 ? undefined : r.fields[i];
      return v === undefined || v === "" ? undefined : v;
    };
    if (r.fields.length !== cols.length) add("(row)", `has ${r.fields.length} field(s), the header has ${cols.length}`);
    const name = cell("name");
    const username = cell("username");
    if (name === undefined) add("name", "is required");
    if (username === undefined) add("username", "is required");
    const sku = cell("sku") ?? defaults.sku;
    if (sku === undefined) add("sku", "is required (a sku column or --sku)");
    const num = (c: Column): number | undefined => {
      const v = cell(c);
      if (v === undefined) return undefined;
      if (!/^\d{1,6}$/.test(v)) {
        add(c, `must be a whole number, got ${JSON.stringify(v.slice(0, 40))}`);
        return undefined;
      }
      return Number(v);
    };
    const capacity = num("capacity");
    const hours = num("usage_quota_hours") ?? defaults.usageQuotaHours;
    const kindRaw = cell("credentials")?.toLowerCase().replace(/[-_\s]/g, "");
    let kind = defaults.credentials;
    if (kindRaw !== undefined) {
      if (kindRaw === "new") kind = "new";
      else if (kindRaw === "fromimage") kind = "fromImage";
      else add("credentials", 'must be "new" (generalized image) or "from-image" (specialized image)');
    }
    const envName = cell("password_env") ?? PASSWORD_ENV;
    let password: string | undefined;
    if (!ENV_NAME.test(envName)) add("password_env", "must be an environment variable name");
    else {
      password = env[envName];
      if (password === undefined || password === "") add("password", `set the environment variable ${envName}${envName === PASSWORD_ENV ? " (or name another one in a password_env column)" : ""}`);
    }
    if (password) secrets.add(password);
    const row: Record<string, unknown> = {
      name: name ?? "",
      sku: sku ?? "",
      usageQuota: { hours },
      credentials: kind === "new" ? { kind, adminUser: { username: username ?? "", password: password ?? "" } } : { kind, username: username ?? "", password: password ?? "" },
    };
    const title = cell("title");
    const location = cell("location");
    const description = cell("description");
    if (title !== undefined) row["title"] = title;
    if (capacity !== undefined) row["capacity"] = capacity;
    if (location !== undefined) row["location"] = location;
    if (description !== undefined) row["description"] = description;
    rows.push(row as unknown as BulkLabDefinition);
    lines.push(r.line);
  }
  if (issues.length > 0) throw rowsError(issues, records.length);
  return { rows, lines, secrets: [...secrets] };
}

function rowsError(issues: ValidationIssue[], total: number): ValidationError {
  const bad = new Set(issues.map((i) => i.path.split(":")[0])).size;
  return new ValidationError(`${bad} of ${total} CSV row(s) are invalid; nothing was created:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n")}`, issues, {
    hint: "Fix every listed row and run the command again; no lab is created until all rows are valid.",
  });
}

export function createManyTable(items: readonly CreateReportItem[]): string {
  return formatTable(items, [
    { header: "LAB", value: (i) => i.name },
    { header: "STATUS", value: (i) => i.status + (i.fromCheckpoint ? " (earlier run)" : "") },
    { header: "STATE", value: (i) => i.lab?.provisioningState },
    { header: "IMAGE", value: (i) => nameOf(i.lab?.galleryImageId) },
    { header: "REASON", value: (i) => (i.status === "failed" ? `${i.reason ?? ""}${i.error ? `: ${i.error.message.split("\n")[0]}` : ""}` : undefined) },
  ]);
}

function concurrency(raw: string): number {
  const n = parseNonNegativeInt(raw, "--concurrency");
  if (n < 1 || n > 64) throw new UsageError("--concurrency must be between 1 and 64.");
  return n;
}

/** Adds `create-many` to the `labs` command group. */
export function registerLabsCreateMany(labs: Command, ctx: () => CliContext): void {
  labs
    .command("create-many")
    .description("create many labs from one gallery image, one per CSV row")
    .requiredOption("--image <nameOrId>", "image name on the lab plan or lab account, or an image or gallery image definition id")
    .requiredOption("--csv <file>", `labs, one per row: ${CSV_COLUMNS.join(",")} (name and username required)`)
    .option("--sku <sku>", "VM size for rows without a sku column")
    .option("--usage-quota-hours <hours>", "hours for rows without a usage_quota_hours column", (raw) => parseNonNegativeInt(raw, "--usage-quota-hours"), 10)
    .option("--credentials-from-image", "rows without a credentials column use the template's credentials kept in a specialized image")
    .option("--concurrency <n>", "creations running at once (1-64, default 4)", concurrency)
    .option("--checkpoint <file>", "record progress here; a re-run continues where it stopped and creates nothing twice")
    .option("--enable-image", "enable the image first if lab creators may not use it yet")
    .addOption(new Option("--if-exists <what>", "a lab of that name exists already: fail, or reuse it when made from the same image").choices(["fail", "reuse"]))
    .option("-a, --account <id>", "lab plan or lab account resource id (env LAB_GALLERY_ACCOUNT)")
    .option("--subscription <id>", "subscription id, with --resource-group and --lab-plan|--lab-account (env AZURE_SUBSCRIPTION_ID)")
    .option("-g, --resource-group <name>", "resource group of the lab plan or lab account")
    .option("--lab-plan <name>", "lab plan name")
    .option("--lab-account <name>", "classic lab account name")
    .addHelpText(
      "after",
      [
        "",
        `Passwords: every row uses ${PASSWORD_ENV}, or the variable its password_env column names; never the CSV or an argument.`,
        "Example labs.csv:",
        "  name,title,capacity,username",
        '  bio-101-a,"Biology 101, group A",20,teacher',
        "  bio-101-b,\"Biology 101, group B\",20,teacher",
        "",
        `  $ ${PASSWORD_ENV}=… lab-gallery labs create-many --account $PLAN --image win11-base --csv labs.csv \\`,
        "      --sku Classic_Fsv2_2_4GB_128_S_SSD --checkpoint labs.checkpoint.json",
      ].join("\n"),
    )
    .action(async (opts: CreateManyCliOptions, cmd: Command) => {
      const c = ctx();
      const account = accountFrom(c, cmd);
      let text: string;
      try {
        text = await readFile(opts.csv, "utf8");
      } catch (e) {
        throw new UsageError(`--csv ${opts.csv}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}.`);
      }
      // Every row, before any request: the CLI's own checks, then the SDK's (names, sizes, credential rules).
      const parsed = labRowsFromCsv(text, c.out.streams.env, {
        sku: opts.sku,
        usageQuotaHours: opts.usageQuotaHours,
        credentials: opts.credentialsFromImage ? "fromImage" : "new",
      });
      for (const s of parsed.secrets) c.out.addSecret(s);
      const toLines = (e: unknown): never => {
        if (!isValidationError(e)) throw e;
        const issues = e.issues.map((i) => {
          const m = /^labs\[(\d+)\]\.?(.*)$/.exec(i.path);
          const line = m ? parsed.lines[Number(m[1])] : undefined;
          return line === undefined ? i : { path: `line ${line}: ${m?.[2] || "(row)"}`, message: i.message };
        });
        throw rowsError(issues, parsed.rows.length);
      };
      try {
        validateLabRows(account, opts.image, parsed.rows, c.clientOptions());
      } catch (e) {
        toLines(e);
      }
      const view = batchView(c, "labs");
      c.out.info(`Creating ${parsed.rows.length} lab(s) on ${describeId(account)} from ${opts.image}…`);
      const report = await runBatch(c, view, opts.checkpoint, (signal) =>
        createLabsFromImage(account, opts.image, parsed.rows, {
          clientOptions: c.clientOptions(),
          signal,
          onProgress: (p) => view.onProgress(p),
          ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
          ...(opts.checkpoint !== undefined ? { checkpoint: opts.checkpoint } : {}),
          ...(opts.enableImage ? { enableImage: true } : {}),
          ...(opts.ifExists !== undefined ? { ifExists: opts.ifExists } : {}),
        }).catch(toLines),
      );
      const { created, failed, total } = report.counts;
      c.out.result(report, () => `${createManyTable(report.items)}\n\n${created} created, ${failed} failed of ${total} lab(s).`);
      if (failed > 0) throw new BatchFailedError(`${failed} of ${total} lab(s) failed; see the table above.`);
    });
}
