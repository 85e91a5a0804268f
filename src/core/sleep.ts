import type { AbortSignalLike } from "@azure/abort-controller";

/** An `AbortError` as core-lro and fetch raise it, so callers can test `name === "AbortError"`. */
export function abortError(message = "The operation was aborted."): Error {
  const e = new Error(message);
  e.name = "AbortError";
  return e;
}

/** Waits `ms`, or rejects with an `AbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
