/**
 * Shared setup of the bulk tests: an emulator seeded with many labs (both generations), a gallery
 * attached in the seed, a manual clock moved forward in the background, and request counters.
 */
import { afterEach } from "vitest";
import { MANUAL_CLOCK_START } from "../../src/emulator/clock.js";
import { startEmulator, demoSnapshot, type EmulatorSnapshot, type StoredResource } from "../../src/emulator/index.js";
import { templateVm } from "../../src/emulator/lab-plans.js";
import type { ClientOptions } from "../../src/index.js";

export type Emu = Awaited<ReturnType<typeof startEmulator>>;

const running: Emu[] = [];
const timers: (() => void)[] = [];

afterEach(async () => {
  for (const t of timers.splice(0)) t();
  for (const e of running.splice(0)) await e.close();
});

export const SUB = "00000000-0000-0000-0000-000000000000";
export const RG = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers`;
export const PLAN = `${RG}/Microsoft.LabServices/labPlans/plan-westus2`;
export const ACCOUNT = `${RG}/Microsoft.LabServices/labaccounts/classic-account`;
export const GALLERY = `${RG}/Microsoft.Compute/galleries/labgallery`;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export interface SeedOptions {
  /** Extra lab-plan labs with a template VM (biology-101 is there already). */
  planLabs?: string[];
  /** Lab-plan labs created from an image, without a template VM. */
  planLabsWithoutTemplate?: string[];
  /** Extra classic labs with a template (chemistry-201 is there already). */
  classicLabs?: string[];
  /** Attach the demo gallery to the plan and the account in the seed (default true). */
  attach?: boolean;
}

/** The demo seed plus many labs; the gallery attached to both the lab plan and the lab account. */
export function seed(o: SeedOptions = {}): EmulatorSnapshot {
  const now = MANUAL_CLOCK_START;
  const s = demoSnapshot(now);
  const r = s.resources;
  const get = (id: string) => r[id.toLowerCase()] as StoredResource;
  const put = (res: StoredResource) => (r[res.id.toLowerCase()] = res);
  if (o.attach !== false) {
    (get(PLAN).body["properties"] as Record<string, unknown>)["sharedGalleryId"] = GALLERY;
    const sg = `${ACCOUNT}/sharedgalleries/labgallery`;
    put({ kind: "labAccountSharedGallery", id: sg, body: { id: sg, name: "labgallery", type: "Microsoft.LabServices/labaccounts/sharedgalleries", properties: { galleryId: GALLERY, provisioningState: "Succeeded" } } });
  }
  const bio = get(`${RG}/Microsoft.LabServices/labs/biology-101`);
  const addPlanLab = (name: string, template: boolean) => {
    const id = `${RG}/Microsoft.LabServices/labs/${name}`;
    const lab = clone(bio);
    lab.id = id;
    lab.body["id"] = id;
    lab.body["name"] = name;
    (lab.body["properties"] as Record<string, unknown>)["title"] = `Lab ${name}`;
    if (!template) ((lab.body["properties"] as Record<string, Record<string, unknown>>)["virtualMachineProfile"] as Record<string, unknown>)["createOption"] = "Image";
    put(lab);
    if (template) put(templateVm(id, "labadmin", "Windows", "Succeeded", now - 86_400_000));
  };
  for (const n of o.planLabs ?? []) addPlanLab(n, true);
  for (const n of o.planLabsWithoutTemplate ?? []) addPlanLab(n, false);
  const chem = get(`${ACCOUNT}/labs/chemistry-201`);
  const env = get(`${ACCOUNT}/labs/chemistry-201/environmentsettings/default`);
  for (const name of o.classicLabs ?? []) {
    const id = `${ACCOUNT}/labs/${name}`;
    const lab = clone(chem);
    lab.id = id;
    lab.body["id"] = id;
    lab.body["name"] = name;
    put(lab);
    const e = clone(env);
    e.id = `${id}/environmentsettings/default`;
    e.body["id"] = e.id;
    put(e);
  }
  return s;
}

export async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emu> {
  const emu = await startEmulator({ clock: "manual", ...options });
  running.push(emu);
  return emu;
}

/** Moves the manual clock `stepMs` forward every `everyMs` of real time, until the test ends. */
export function autoAdvance(emu: Emu, stepMs = 60_000, everyMs = 2): () => void {
  const t = setInterval(() => emu.clock.advance(stepMs), everyMs);
  const stop = () => clearInterval(t);
  timers.push(stop);
  return stop;
}

export const clientOptions = (emu: Emu, extra: Partial<ClientOptions> = {}): ClientOptions => ({ endpoint: emu.url, credential: emu.credential, pollIntervalInMs: 2, ...extra });

/** POSTs of save-image requests (both generations). */
export const savePosts = (emu: Emu) => emu.requests.filter((q) => q.method === "POST" && /\/saveimage$/i.test(q.path));

export const writes = (emu: Emu) => emu.requests.filter((q) => q.method !== "GET");

export const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`);
