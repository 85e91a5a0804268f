/** Helpers shared by the command groups: names for ids, tables for images and labs, waits that Ctrl-C can stop. */
import type { Command } from "commander";
import { detectResourceKind, parseResourceId, resourceKindLabel } from "../../index.js";
import type { GalleryImage } from "../../models/gallery-image.js";
import type { Lab } from "../../models/lab.js";
import { resolveAccountId, type AccountOptions, type CliContext } from "../context.js";
import { formatTable, type Column } from "../output.js";

/** "lab plan plan-westus2" / "lab account classic-account" / the id when it is of no known kind. */
export function describeId(id: string): string {
  const kind = detectResourceKind(id);
  if (kind === undefined) return id;
  const parsed = parseResourceId(id, kind);
  const name = id.split("/").pop() ?? id;
  return `${resourceKindLabel(parsed.kind)} ${name}`;
}

/** Last segment of an id (the resource's name). */
export function nameOf(id: string | undefined): string | undefined {
  return id === undefined ? undefined : id.split("/").pop();
}

/** The account id from a command's options (`--account` or its parts). */
export function accountFrom(ctx: CliContext, cmd: Command): ReturnType<typeof resolveAccountId> {
  return resolveAccountId(cmd.opts<AccountOptions>(), ctx.out.streams.env);
}

export const IMAGE_COLUMNS: readonly Column<GalleryImage>[] = [
  { header: "NAME", value: (i) => i.name },
  { header: "DISPLAY NAME", value: (i) => (i.displayName !== i.name ? i.displayName : undefined) },
  { header: "OS", value: (i) => i.osType },
  { header: "OS STATE", value: (i) => i.osState },
  { header: "ENABLED", value: (i) => i.enabled },
  { header: "SOURCE", value: (i) => i.source },
  { header: "REGIONS", value: (i) => i.availableRegions.join(",") },
];

export function imageTable(images: readonly GalleryImage[]): string {
  return formatTable(images, IMAGE_COLUMNS);
}

export const LAB_COLUMNS: readonly Column<Lab>[] = [
  { header: "NAME", value: (l) => l.name },
  { header: "TITLE", value: (l) => l.title },
  { header: "STATE", value: (l) => l.state },
  { header: "PROVISIONING", value: (l) => l.provisioningState },
  { header: "SKU", value: (l) => l.sku },
  { header: "CAPACITY", value: (l) => l.capacity, align: "right" },
  { header: "IMAGE", value: (l) => nameOf(l.galleryImageId) },
  { header: "LOCATION", value: (l) => l.location },
];

export function labTable(labs: readonly Lab[]): string {
  return formatTable(labs, LAB_COLUMNS);
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const x of it) all.push(x);
  return all;
}

/**
 * Waits for a long-running operation; Ctrl-C aborts the wait (not the operation) and calls
 * `onInterrupted`, which decides what to tell the user and what to throw.
 */
export async function waitInterruptibly<T>(
  ctx: CliContext,
  wait: (signal: AbortSignal) => Promise<T>,
  onInterrupted: () => Promise<never>,
): Promise<T> {
  const controller = new AbortController();
  const off = ctx.onInterrupt(() => controller.abort());
  try {
    return await wait(controller.signal);
  } catch (e) {
    if (controller.signal.aborted) return onInterrupted();
    throw e;
  } finally {
    off();
  }
}
