/**
 * Progress on stderr: cli-progress bars on a terminal, plain lines otherwise (CI logs), nothing with
 * `--quiet`. Bars are keyed ("save", "region:eastus"), created on first update, never go backwards.
 * Plain mode prints a line when a bar starts, when its status changes, at every 25 % and at 100 %,
 * so a CI log stays short however often the poller reports.
 */
import cliProgress from "cli-progress";
import { redact, type Output } from "./output.js";

export interface ProgressView {
  /** Sets bar `key` to `percent` (0-100) with a short status word. */
  update(key: string, label: string, percent: number, status?: string): void;
  /** Prints a line above the bars (or as a plain line). */
  log(line: string): void;
  /** Stops drawing; bars stay on screen as they are. Safe to call twice. */
  stop(): void;
}

const clamp = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : 0);

class NoProgress implements ProgressView {
  update(): void {}
  log(): void {}
  stop(): void {}
}

class PlainProgress implements ProgressView {
  private readonly seen = new Map<string, { percent: number; status: string; bucket: number }>();
  constructor(private readonly out: Output) {}
  update(key: string, label: string, percent: number, status = ""): void {
    const p = clamp(percent);
    const prev = this.seen.get(key);
    const value = Math.max(prev?.percent ?? 0, p);
    const bucket = Math.floor(value / 25);
    if (prev && prev.status === status && prev.bucket === bucket && !(value === 100 && prev.percent < 100)) {
      prev.percent = value;
      return;
    }
    this.seen.set(key, { percent: value, status, bucket });
    this.out.writeErr(`${label}: ${status ? `${status} ` : ""}${value}%\n`);
  }
  log(line: string): void {
    this.out.writeErr(`${line}\n`);
  }
  stop(): void {}
}

class BarProgress implements ProgressView {
  private readonly multibar: cliProgress.MultiBar;
  private readonly bars = new Map<string, { bar: cliProgress.SingleBar; value: number }>();
  private stopped = false;
  private readonly labelWidth = 28;
  constructor(private readonly out: Output) {
    this.multibar = new cliProgress.MultiBar(
      {
        stream: out.streams.stderr,
        format: `{label} ${out.style("{bar}", "cyan")} {percentage}% {status}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  update(key: string, label: string, percent: number, status = ""): void {
    if (this.stopped) return;
    const p = clamp(percent);
    const padded = label.length > this.labelWidth ? `${label.slice(0, this.labelWidth - 1)}…` : label.padEnd(this.labelWidth);
    let entry = this.bars.get(key);
    if (!entry) {
      entry = { bar: this.multibar.create(100, p, { label: padded, status }), value: p };
      this.bars.set(key, entry);
      return;
    }
    entry.value = Math.max(entry.value, p);
    entry.bar.update(entry.value, { label: padded, status });
  }
  log(line: string): void {
    if (this.stopped) this.out.writeErr(`${line}\n`);
    else this.multibar.log(`${redact(line, this.out.secrets)}\n`);
  }
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.multibar.stop();
  }
}

/** The right progress view for this run: bars on a TTY, lines otherwise, none with `--quiet`. */
export function createProgress(out: Output): ProgressView {
  if (out.options.quiet) return new NoProgress();
  return out.interactive ? new BarProgress(out) : new PlainProgress(out);
}
