/**
 * exportAllTemplates against the emulator, both generations: 30 labs with concurrency 4, a crash
 * (abort) mid-batch and a resume from the checkpoint that exports each lab exactly once, labs
 * without a template, preflight and validation before any request, the crash window.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exportAllTemplates,
  isPreconditionFailedError,
  isValidationError,
  type BatchProgress,
  type BulkCheckpoint,
  type CheckpointStorage,
} from "../../src/index.js";
import { ACCOUNT, GALLERY, PLAN, autoAdvance, clientOptions, emulator, range, savePosts, seed, type Emu } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "bulk-export-"));

/** The gallery as the emulator holds it: definition name → its version names. */
function galleryContent(emu: Emu): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of emu.state.galleryImages()) out.set(String(d["name"]), []);
  for (const v of emu.state.galleryImageVersions()) {
    const def = String(v["id"]).split("/").slice(-3)[0] as string;
    out.set(def, [...(out.get(def) ?? []), String(v["name"])]);
  }
  return out;
}

function watch(): { events: BatchProgress[]; maxRunning: () => number; onProgress: (p: BatchProgress) => void } {
  const events: BatchProgress[] = [];
  return {
    events,
    maxRunning: () => Math.max(0, ...events.map((e) => e.running)),
    onProgress: (p) => {
      expect(p.done + p.failed + p.skipped + p.running + p.remaining).toBe(p.total);
      events.push(p);
    },
  };
}

describe("exportAllTemplates on a lab plan", () => {
  it("exports 30 labs with concurrency 4, skips labs without a template VM, and the report matches the gallery", async () => {
    const labs = ["biology-101", ...range(29, "course")];
    const emu = await emulator({ seed: seed({ planLabs: range(29, "course"), planLabsWithoutTemplate: ["image-only-1", "image-only-2"] }) });
    autoAdvance(emu);
    const w = watch();
    const report = await exportAllTemplates(PLAN, { concurrency: 4, clientOptions: clientOptions(emu), onProgress: w.onProgress });

    expect(report.counts).toEqual({ total: 32, exported: 30, skipped: 2, failed: 0 });
    expect(report.galleryId).toBe(GALLERY);
    expect(savePosts(emu)).toHaveLength(30);
    expect(w.maxRunning()).toBeLessThanOrEqual(4);
    expect(w.maxRunning()).toBeGreaterThan(1);
    expect(w.events.at(-1)).toMatchObject({ done: 30, skipped: 2, failed: 0, running: 0, remaining: 0 });

    const skipped = report.items.filter((i) => i.status === "skipped");
    expect(skipped.map((i) => i.lab).sort()).toEqual(["image-only-1", "image-only-2"]);
    expect(skipped.every((i) => i.reason === "noTemplateVm")).toBe(true);

    // Every exported lab: one definition named after it, with exactly one version, as reported.
    const gallery = galleryContent(emu);
    for (const item of report.items.filter((i) => i.status === "exported")) {
      expect(labs).toContain(item.lab);
      expect(item.imageName).toBe(item.lab);
      expect(item.image?.osState).toBe("Specialized");
      expect(item.image?.galleryImageId).toBe(`${GALLERY}/images/${item.imageName}`);
      expect(gallery.get(item.imageName)).toEqual([item.image?.galleryImageVersionId?.split("/").pop()]);
    }
    expect([...gallery.keys()].filter((k) => k !== "win11-base" && k !== "big-disk").sort()).toEqual([...labs].sort());
  });

  it("resumes after a crash (abort) mid-batch from a checkpoint file, exporting each lab exactly once", async () => {
    const emu = await emulator({ seed: seed({ planLabs: range(29, "course") }) });
    autoAdvance(emu);
    const file = join(tmp(), "backup.json");
    const controller = new AbortController();
    const first = exportAllTemplates(PLAN, {
      concurrency: 4,
      checkpoint: file,
      signal: controller.signal,
      clientOptions: clientOptions(emu),
      onProgress: (p) => {
        if (p.done >= 10) controller.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    const saved = JSON.parse(readFileSync(file, "utf8")) as BulkCheckpoint;
    const states = Object.values(saved.items).map((i) => i.state);
    expect(states.filter((s) => s === "done").length).toBeGreaterThanOrEqual(10);
    expect(states.filter((s) => s === "done").length).toBeLessThan(30);
    // Exports in flight at the abort were recorded with their resume token before anyone waited.
    for (const item of Object.values(saved.items).filter((i) => i.state === "started")) expect(item.resumeToken).toMatch(/^lgpoll1\./);
    expect(states).not.toContain("submitting");
    expect(states.filter((s) => s === "started").length).toBeGreaterThan(0);
    const postsBefore = savePosts(emu).length;
    expect(postsBefore).toBe(states.filter((s) => s === "done" || s === "started").length);

    const report = await exportAllTemplates(PLAN, { concurrency: 4, checkpoint: file, clientOptions: clientOptions(emu) });
    expect(report.counts).toEqual({ total: 30, exported: 30, skipped: 0, failed: 0 });
    expect(savePosts(emu)).toHaveLength(30);
    expect(report.items.filter((i) => i.fromCheckpoint).length).toBe(states.filter((s) => s === "done").length);
    const gallery = galleryContent(emu);
    for (const item of report.items) expect(gallery.get(item.imageName)).toHaveLength(1);

    // A third run finds everything done and sends nothing.
    const before = emu.requests.length;
    const again = await exportAllTemplates(PLAN, { checkpoint: file, clientOptions: clientOptions(emu) });
    expect(again.counts.exported).toBe(30);
    expect(again.items.every((i) => i.fromCheckpoint)).toBe(true);
    expect(emu.requests.slice(before).filter((q) => q.method !== "GET")).toHaveLength(0);
    const final = JSON.parse(readFileSync(file, "utf8")) as BulkCheckpoint;
    expect(Object.values(final.items).every((i) => i.state === "done")).toBe(true);
  });

  it("does not send again an export that a crash left without a resume token", async () => {
    const emu = await emulator({ seed: seed({ planLabs: ["course-01"] }) });
    autoAdvance(emu);
    const key = `${PLAN.replace(/labPlans\/plan-westus2$/, "labs/course-01")}`.toLowerCase();
    let stored: BulkCheckpoint | undefined = {
      format: "azure-lab-gallery-bulk/1",
      job: "exportAllTemplates",
      accountId: PLAN,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      items: { [key]: { name: "course-01", labId: key, imageName: "course-01", state: "submitting", updatedAt: "2026-01-01T00:00:00.000Z" } },
    };
    const storage: CheckpointStorage = { load: async () => stored, save: async (s) => void (stored = s) };
    const report = await exportAllTemplates(PLAN, { checkpoint: storage, clientOptions: clientOptions(emu) });
    const item = report.items.find((i) => i.lab === "course-01");
    expect(item).toMatchObject({ status: "failed", reason: "exportUncertain" });
    expect(item?.error?.message).toMatch(/not sent again/);
    expect(report.items.find((i) => i.lab === "biology-101")?.status).toBe("exported");
    expect(savePosts(emu)).toHaveLength(1);
    expect(stored?.items[key]?.uncertain).toBe(true);
  });

  it("names images by the documented rule: cleaned, pattern applied, collisions resolved by a hash", async () => {
    const emu = await emulator({ seed: seed({ planLabs: ["intro(1)", "intro-1"] }) });
    autoAdvance(emu);
    const report = await exportAllTemplates(PLAN, { namePattern: "{lab}-2026", clientOptions: clientOptions(emu) });
    const byLab = new Map(report.items.map((i) => [i.lab, i.imageName]));
    expect(byLab.get("biology-101")).toBe("biology-101-2026");
    expect(byLab.get("intro-1")).toBe("intro-1-2026");
    expect(byLab.get("intro(1)")).toMatch(/^intro-1-2026-[0-9a-f]{6}$/);
    expect(report.counts.exported).toBe(3);
    const gallery = galleryContent(emu);
    for (const name of byLab.values()) expect(gallery.has(name)).toBe(true);
  });

  it("refuses before any request: no gallery attached (one read), bad options (none)", async () => {
    const emu = await emulator({ seed: seed({ attach: false }) });
    await expect(exportAllTemplates(PLAN, { clientOptions: clientOptions(emu) })).rejects.toSatisfy((e) => isPreconditionFailedError(e) && e.reason === "galleryNotAttached");
    expect(emu.requests.filter((q) => q.method !== "GET")).toHaveLength(0);
    const n = emu.requests.length;
    await expect(exportAllTemplates(PLAN, { concurrency: 0, clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    await expect(exportAllTemplates(PLAN, { namePattern: "backup", clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    await expect(exportAllTemplates(ACCOUNT, { clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    await expect(exportAllTemplates(ACCOUNT, { experimentalClassicSaveImage: true, replicateTo: ["eastus"], clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    // @ts-expect-error unknown option
    await expect(exportAllTemplates(PLAN, { concurrensy: 2, clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    expect(emu.requests.length).toBe(n);
  });
});

describe("exportAllTemplates on a classic lab account", () => {
  it("exports 30 classic labs with concurrency 4, and after an abort resumes each exactly once", async () => {
    const extra = range(29, "chem");
    const emu = await emulator({ seed: seed({ classicLabs: extra }) });
    autoAdvance(emu);
    const file = join(tmp(), "classic.json");
    const controller = new AbortController();
    const w = watch();
    await expect(
      exportAllTemplates(ACCOUNT, {
        concurrency: 4,
        experimentalClassicSaveImage: true,
        checkpoint: file,
        signal: controller.signal,
        clientOptions: clientOptions(emu),
        onProgress: (p) => {
          w.onProgress(p);
          if (p.done >= 7) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(w.maxRunning()).toBeLessThanOrEqual(4);

    const report = await exportAllTemplates(ACCOUNT, { concurrency: 4, experimentalClassicSaveImage: true, checkpoint: file, clientOptions: clientOptions(emu) });
    expect(report.counts).toEqual({ total: 30, exported: 30, skipped: 0, failed: 0 });
    // One save per lab: the classic save path names the lab.
    const perLab = new Map<string, number>();
    for (const q of savePosts(emu)) {
      const lab = q.path.split("/labs/")[1]?.split("/")[0] as string;
      perLab.set(lab.toLowerCase(), (perLab.get(lab.toLowerCase()) ?? 0) + 1);
    }
    expect(perLab.size).toBe(30);
    expect([...perLab.values()].every((n) => n === 1)).toBe(true);
    const gallery = galleryContent(emu);
    for (const item of report.items) {
      expect(item.image?.galleryImageId).toBe(`${GALLERY}/images/${item.imageName}`);
      expect(gallery.get(item.imageName)).toHaveLength(1);
    }
  });
});
