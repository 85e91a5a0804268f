/**
 * Error → what the user sees and the exit code.
 *
 * Exit codes: 0 success, 1 failure (the service or the network said no, an operation failed),
 * 2 usage error (bad arguments, or input the SDK rejected before sending anything), 130 interrupted.
 *
 * One line says what went wrong, one line says what to do (the SDK error's `hint`). `--verbose` adds
 * the error class, HTTP status, ARM code, request and correlation ids, validation issues and the
 * cause chain. Nothing here prints a request body, a header or a token: only what the SDK error
 * already carries, and the SDK guarantees its messages carry no secret; `Output` redacts the
 * password on top of that.
 */
import { isArmError, isLabGalleryError, isOperationFailedError, isValidationError, type ValidationIssue } from "../index.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A problem with how the command was invoked, found by the CLI itself. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** The user interrupted a wait (Ctrl-C); the service-side operation may continue. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  readonly hint: string | undefined;
  /** Added to the `--json` error document (e.g. the resume token). */
  readonly extra: Record<string, unknown>;
  constructor(message: string, hint?: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.hint = hint;
    this.extra = extra;
  }
}

export interface DescribedError {
  exitCode: number;
  /** The one-line summary. */
  message: string;
  hint: string | undefined;
  /** Extra lines shown with `--verbose`. */
  details: string[];
  /** The machine-readable form printed on stdout with `--json`. */
  json: Record<string, unknown>;
}

/**
 * SDK hints name SDK options and methods; on the command line the same fix is a flag or a command.
 * Only phrases the SDK is known to use are rewritten; anything else is shown as the SDK wrote it.
 */
const SDK_TO_CLI: ReadonlyArray<readonly [RegExp, string]> = [
  [/Pass \{ experimentalClassicSaveImage: true \}/g, "Add --experimental-classic-save-image"],
  [/\{ experimentalClassicSaveImage: true \}/g, "--experimental-classic-save-image"],
  [/List the images with listImages\(\)/g, "List the images with lab-gallery images list"],
  [/Use LabAccountClient\.listImages\(\) to find the image/g, "Use lab-gallery images list to find the image"],
  [/Pass \{ enableImage: true \} as the second argument to enable it first, or LabAccountClient\.setImageEnabled\(name, true\)/g, "Add --enable-image to enable it first, or run lab-gallery images enable <name>"],
];

export function cliHint(hint: string): string {
  return SDK_TO_CLI.reduce((h, [from, to]) => h.replace(from, to), hint);
}

function firstLine(s: string): string {
  return s.split("\n")[0]?.trim() ?? "";
}

/** Maps anything thrown by a command to its exit code and its printable parts. */
export function describeError(e: unknown): DescribedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const json: Record<string, unknown> = { name: err.name, message: err.message };
  const details: string[] = [];
  let exitCode = EXIT_FAILURE;
  let hint: string | undefined = (err as { hint?: unknown }).hint as string | undefined;
  if (typeof hint !== "string" || hint.length === 0) hint = undefined;
  else hint = cliHint(hint);
  let message = err.message;

  if (err instanceof UsageError) {
    exitCode = EXIT_USAGE;
  } else if (err instanceof InterruptedError || err.name === "AbortError") {
    exitCode = EXIT_INTERRUPTED;
    if (err instanceof InterruptedError) Object.assign(json, err.extra);
  } else if (isValidationError(err)) {
    // The SDK rejected the input before sending anything: the invocation has to change.
    exitCode = EXIT_USAGE;
    const issues: readonly ValidationIssue[] = err.issues ?? [];
    json["issues"] = issues;
    // A multi-line validation message lists its issues; keep the first line and show the issues
    // inline when there are few, so the summary stays readable.
    if (message.includes("\n")) {
      const head = firstLine(message).replace(/:$/, "");
      const listed = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
      message = listed.length > 0 ? `${head}: ${listed.join("; ")}${issues.length > 3 ? `; …and ${issues.length - 3} more` : ""}` : head;
    }
    for (const i of issues) details.push(`issue: ${i.path}: ${i.message}`);
  } else if (isArmError(err)) {
    json["statusCode"] = err.statusCode;
    json["code"] = err.code;
    if (err.target !== undefined) json["target"] = err.target;
    if (err.requestId !== undefined) json["requestId"] = err.requestId;
    if (err.correlationId !== undefined) json["correlationId"] = err.correlationId;
    details.push(`status: HTTP ${err.statusCode}, code ${err.code}`);
    if (err.target !== undefined) details.push(`target: ${err.target}`);
    for (const d of err.details ?? []) details.push(`detail: ${d.code}: ${firstLine(d.message)}`);
    if (isOperationFailedError(err)) {
      json["status"] = err.status;
      if (err.operationId !== undefined) json["operationId"] = err.operationId;
      if (err.operationId !== undefined) details.push(`operation id: ${err.operationId}`);
    }
    details.push(`request id: ${err.requestId ?? "(none)"}`);
    details.push(`correlation id: ${err.correlationId ?? "(none)"}`);
  } else if (!isLabGalleryError(err) && err.name !== "CommanderError") {
    // Not an SDK error: a bug or an environment problem. Keep the message; the stack only with --verbose.
    if (err.stack) details.push(...err.stack.split("\n").slice(1, 6).map((l) => `at ${l.trim().replace(/^at /, "")}`));
  }
  if (isLabGalleryError(err) || err instanceof UsageError) {
    details.unshift(`error class: ${err.name}`);
  }
  // The cause chain, messages only (a RestError's message is the service's message, no headers).
  let cause = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    details.push(`caused by: ${cause.name}: ${firstLine(cause.message)}`);
    cause = (cause as { cause?: unknown }).cause;
  }
  if (hint !== undefined) json["hint"] = hint;
  json["exitCode"] = exitCode;
  return { exitCode, message: message.trim() || err.name, hint, details, json };
}
