import type { OperationOptions } from "@azure/core-client";
import type { ArmRequest, ArmTransport } from "./transport.js";
import { UnexpectedResponseError } from "./errors.js";

export interface PageSettings {
  /** A `nextLink` from an earlier page, to continue from there. */
  continuationToken?: string;
}

/** An async iterator of items that can also be walked page by page (the `@azure/core-paging` shape). */
export interface PagedAsyncIterableIterator<TElement, TPage = TElement[], TPageSettings = PageSettings> {
  next(): Promise<IteratorResult<TElement>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<TElement, TPage, TPageSettings>;
  byPage(settings?: TPageSettings): AsyncIterableIterator<TPage & { continuationToken?: string }>;
}

/** The most pages one listing follows: a service answering the same nextLink forever must not loop. */
const MAX_PAGES = 10_000;

/**
 * Lists an ARM collection `{value, nextLink}`, following `nextLink` exactly as given: never
 * rebuilt, never re-adding the filter (the bug in azure-sdk-for-python#23561), and only to the
 * ARM origin. `map` turns each raw item into a domain object (return `undefined` to drop it);
 * items are de-duplicated by `id` across pages.
 */
export function listPaged<TRaw, TItem>(
  transport: ArmTransport,
  first: Omit<ArmRequest, "method" | "options">,
  map: (raw: TRaw) => TItem | undefined,
  options?: OperationOptions,
): PagedAsyncIterableIterator<TItem> {
  async function* pages(settings?: PageSettings): AsyncIterableIterator<TItem[] & { continuationToken?: string }> {
    let url: string | undefined = settings?.continuationToken ?? transport.url(first.path, first.api, first.query);
    const seenIds = new Set<string>();
    const seenLinks = new Set<string>();
    for (let n = 0; url !== undefined && n < MAX_PAGES; n++) {
      seenLinks.add(url);
      const raw = await transport.sendRaw("GET", url, undefined, options);
      const body = raw.body as { value?: unknown; nextLink?: unknown } | undefined;
      if (!body || !Array.isArray(body.value)) {
        throw new UnexpectedResponseError(`A list answer had no "value" array (HTTP ${raw.status}).`, raw.status);
      }
      const items: TItem[] = [];
      for (const v of body.value as TRaw[]) {
        const id = (v as { id?: unknown } | null)?.id;
        if (typeof id === "string") {
          const key = id.toLowerCase();
          if (seenIds.has(key)) continue;
          seenIds.add(key);
        }
        const item = map(v);
        if (item !== undefined) items.push(item);
      }
      const next: string | undefined = typeof body.nextLink === "string" && body.nextLink.length > 0 ? body.nextLink : undefined;
      // A nextLink seen before would loop forever.
      url = next !== undefined && !seenLinks.has(next) ? next : undefined;
      const page = items as TItem[] & { continuationToken?: string };
      if (url !== undefined) page.continuationToken = url;
      yield page;
    }
  }
  async function* all(): AsyncIterableIterator<TItem> {
    for await (const page of pages()) yield* page;
  }
  const iter = all();
  const result: PagedAsyncIterableIterator<TItem> = {
    next: () => iter.next(),
    [Symbol.asyncIterator]() {
      return result;
    },
    byPage: (settings?: PageSettings) => pages(settings),
  };
  return result;
}

/** Collects every item of a paged listing. */
export async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}
