import type { PollerLike } from "../../src/index.js";
import type { AccountClientLike, LabClientLike } from "../../src/cli/clients.js";
import type { AttachedGallery, GalleryImage } from "../../src/models/gallery-image.js";
import type { Lab } from "../../src/models/lab.js";
import { GALLERY_ID, PLAN_ID, SUB } from "./helpers.js";

/** A poller that walks through `states` (one per poll) and then resolves to `result` (or rejects with `error`). */
export function fakePoller<S extends { status: string }, R>(states: S[], result: R, opts: { error?: unknown; token?: string; hang?: boolean } = {}) {
  let i = -1;
  const listeners = new Set<(s: S) => void>();
  const calls = { submitted: 0, serialize: 0 };
  const current = () => states[Math.max(0, Math.min(i, states.length - 1))] as S;
  const poller = {
    get isDone() {
      return i >= states.length - 1 && !opts.hang;
    },
    get operationState() {
      return i < 0 ? undefined : current();
    },
    get result() {
      return undefined;
    },
    async submitted() {
      calls.submitted++;
      if (i < 0) i = 0;
    },
    async serialize() {
      calls.serialize++;
      return opts.token ?? "lgpoll1.fake-token";
    },
    onProgress(cb: (s: S) => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async poll() {
      i++;
      for (const l of listeners) l(current());
      return current();
    },
    async pollUntilDone(o?: { abortSignal?: AbortSignal }) {
      if (i < 0) i = 0;
      for (const l of listeners) l(current());
      while (i < states.length - 1) {
        i++;
        for (const l of listeners) l(current());
      }
      if (opts.hang) {
        await new Promise((_r, reject) => {
          const abort = () => {
            const e = new Error("aborted");
            e.name = "AbortError";
            reject(e);
          };
          if (o?.abortSignal?.aborted) abort();
          o?.abortSignal?.addEventListener("abort", abort);
        });
      }
      if (opts.error) throw opts.error;
      return result;
    },
    then(a?: (r: R) => unknown, b?: (e: unknown) => unknown) {
      return poller.pollUntilDone().then(a, b);
    },
  };
  return { poller: poller as unknown as PollerLike<S & { status: "running" | "succeeded" | "failed" | "canceled" | "notStarted" }, R>, calls };
}

export function image(name: string, extra: Partial<GalleryImage> = {}): GalleryImage {
  return {
    name,
    displayName: name,
    id: `${PLAN_ID}/images/${name}`,
    galleryImageId: `${GALLERY_ID}/images/${name}` as GalleryImage["galleryImageId"],
    osType: "Windows",
    osState: "Generalized",
    enabled: false,
    availableRegions: ["westus2"],
    source: "gallery",
    account: PLAN_ID as GalleryImage["account"],
    ...extra,
  };
}

export function lab(name: string, extra: Partial<Lab> = {}): Lab {
  return {
    name,
    id: `/subscriptions/${SUB}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labs/${name}` as Lab["id"],
    account: PLAN_ID as Lab["account"],
    title: `Lab ${name}`,
    location: "westus2",
    provisioningState: "Succeeded",
    state: "Draft",
    galleryImageId: `${GALLERY_ID}/images/win11-base` as Lab["galleryImageId"],
    sku: "Classic_Fsv2_2_4GB_128_S_SSD",
    capacity: 5,
    adminUsername: "teacher",
    ...extra,
  };
}

export const attached: AttachedGallery = {
  galleryId: GALLERY_ID as AttachedGallery["galleryId"],
  galleryName: "labgallery",
  resourceGroup: "labs-rg",
  subscriptionId: SUB,
  account: PLAN_ID as AttachedGallery["account"],
};

/** An account client whose methods record their calls. */
export function fakeAccountClient(over: Partial<AccountClientLike> = {}) {
  const calls: Array<[string, unknown[]]> = [];
  const images = [image("win11-base"), image("biology-2026", { osState: "Specialized", enabled: true })];
  const client: AccountClientLike = {
    async attachGallery(...a) {
      calls.push(["attachGallery", a]);
      return attached;
    },
    async getAttachedGallery() {
      calls.push(["getAttachedGallery", []]);
      return attached;
    },
    async detachGallery() {
      calls.push(["detachGallery", []]);
    },
    async *listImages(...a) {
      calls.push(["listImages", a]);
      yield* images;
    },
    async getImage(n) {
      calls.push(["getImage", [n]]);
      return images.find((i) => i.name === n) ?? image(n);
    },
    async setImageEnabled(names, enabled) {
      calls.push(["setImageEnabled", [names, enabled]]);
      return names.map((n) => image(n, { enabled }));
    },
    ...over,
  };
  return { client, calls };
}

export function fakeLabClient(over: Partial<LabClientLike> = {}) {
  const calls: Array<[string, unknown[]]> = [];
  const client: LabClientLike = {
    createFromGalleryImage: (...a) => {
      calls.push(["createFromGalleryImage", a]);
      return fakePoller(
        [
          { status: "running", phase: "creating", percentComplete: 10, labId: "x", provisioningState: "Creating" },
          { status: "succeeded", phase: "done", percentComplete: 100, labId: "x", provisioningState: "Succeeded" },
        ],
        lab(a[0].name),
      ).poller as never;
    },
    async get(n) {
      calls.push(["get", [n]]);
      return lab(n);
    },
    async *list() {
      calls.push(["list", []]);
      yield lab("biology-101");
      yield lab("chemistry-201", { capacity: 12 });
    },
    async delete(n) {
      calls.push(["delete", [n]]);
    },
    ...over,
  };
  return { client, calls };
}
