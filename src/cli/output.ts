/**
 * Everything the CLI writes goes through here: results on stdout (JSON with `--json`, aligned
 * tables and short sentences otherwise), logs and progress on stderr. Colour only on a TTY that
 * wants it (`NO_COLOR`, `TERM=dumb` and `FORCE_COLOR` are honoured). Every write is passed through
 * the redactor, so a secret the CLI knows about (the lab password) can never reach either stream,
 * whatever a message happens to contain.
 */

/** The streams and environment one CLI run sees; tests pass their own. */
export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
}

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  /** `false` with `--no-color`. */
  color: boolean;
}

/** True when a stream should get colour. */
export function wantsColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "" && env["FORCE_COLOR"] !== "0") return true;
  if (env["TERM"] === "dumb") return false;
  return stream.isTTY === true;
}

const STYLES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22], cyan: [36, 39] } as const;
export type Style = keyof typeof STYLES;

/** Replaces every occurrence of each secret with `***`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length > 0) out = out.split(s).join("***");
  }
  return out;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
  align?: "left" | "right";
}

/** Renders rows as an aligned plain-text table (two spaces between columns, header first). */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        const last = i === values.length - 1;
        if (columns[i]?.align === "right") return v.padStart(w);
        return last ? v : v.padEnd(w);
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}

function cellText(v: string | number | boolean | undefined): string {
  if (v === undefined || v === "") return "-";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v).replace(/\s+/g, " ");
}

/** Renders a record as aligned `key: value` lines. */
export function formatKeyValues(entries: ReadonlyArray<readonly [string, string | number | boolean | undefined]>): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${cellText(v)}`).join("\n");
}

export class Output {
  readonly secrets = new Set<string>();

  constructor(
    readonly streams: CliStreams,
    /** Mutable: the program fills it in once the global options are parsed. */
    readonly options: OutputOptions,
  ) {}

  get colorOut(): boolean {
    return this.options.color && !this.options.json && wantsColor(this.streams.stdout, this.streams.env);
  }
  get colorErr(): boolean {
    return this.options.color && wantsColor(this.streams.stderr, this.streams.env);
  }

  get json(): boolean {
    return this.options.json;
  }
  get verbose(): boolean {
    return this.options.verbose;
  }
  /** True when stderr is an interactive terminal (progress bars, prompts). */
  get interactive(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** Registers a value that must never be written to either stream. */
  addSecret(value: string): void {
    if (value.length > 0) this.secrets.add(value);
  }

  style(text: string, style: Style, stream: "out" | "err" = "err"): string {
    const on = stream === "out" ? this.colorOut : this.colorErr;
    if (!on) return text;
    const [a, b] = STYLES[style];
    return `\u001b[${a}m${text}\u001b[${b}m`;
  }

  writeOut(text: string): void {
    this.streams.stdout.write(redact(text, this.secrets));
  }
  writeErr(text: string): void {
    this.streams.stderr.write(redact(text, this.secrets));
  }

  /**
   * The command's result: with `--json` the value as JSON on stdout; otherwise `human()` is written
   * to stdout (a table or a sentence). `human` may return an empty string to print nothing.
   */
  result(value: unknown, human: () => string): void {
    if (this.options.json) {
      this.writeOut(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    } else {
      const text = human();
      if (text.length > 0) this.writeOut(text.endsWith("\n") ? text : `${text}\n`);
    }
  }

  /** A log line on stderr (suppressed by `--quiet`). */
  info(message: string): void {
    if (!this.options.quiet) this.writeErr(`${message}\n`);
  }
  /** A log line on stderr only with `--verbose`. */
  debug(message: string): void {
    if (this.options.verbose) this.writeErr(`${this.style(message, "dim")}\n`);
  }
  /** A warning on stderr (never suppressed). */
  warn(message: string): void {
    this.writeErr(`${this.style("warning:", "yellow")} ${message}\n`);
  }
}

/** JSON replacer: errors as their message, no functions, bigint as string. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function") return undefined;
  return value;
}
