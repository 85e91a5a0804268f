/**
 * createLabsFromImage against the emulator, both generations: 50 labs under the emulator's write
 * limit with zero failures, every row validated together before any request, the image's rules
 * checked before any write, an abort + resume that creates each lab exactly once, and no password
 * in the report or the checkpoint.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  LabClient,
  createLabsFromImage,
  isValidationError,
  type BatchProgress,
  type BulkCheckpoint,
  type BulkLabDefinition,
  type ValidationError,
} from "../../src/index.js";
import { ACCOUNT, GALLERY, PLAN, autoAdvance, clientOptions, emulator, range, seed, writes, type Emu } from "./helpers.js";

const PASSWORD = "Tr0ub4dor&3-horse";
const IMAGE = `${GALLERY}/images/win11-base`;
const tmp = () => mkdtempSync(join(tmpdir(), "bulk-create-"));

const row = (name: string, over: Partial<BulkLabDefinition> = {}): BulkLabDefinition => ({
  name,
  title: `Course ${name}`,
  sku: "Classic_Fsv2_2_4GB_128_S_SSD",
  usageQuota: { hours: 10 },
  capacity: 5,
  credentials: { kind: "new", adminUser: { username: "teacher", password: PASSWORD } },
  ...over,
});

async function listLabs(emu: Emu, account: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const l of new LabClient(account, clientOptions(emu)).list()) out.set(l.name, l.provisioningState);
  return out;
}

const labPuts = (emu: Emu) => emu.requests.filter((q) => q.method === "PUT" && /\/labs\/[^/]+$/i.test(q.path) && q.status < 300);

describe("createLabsFromImage on a lab plan", () => {
  it("creates 50 labs under the write limit with zero failures, and the report matches the service", async () => {
    // 10 writes at once, then one every 1000 s of emulator time (about 15 a second of real time).
    const emu = await emulator({ seed: seed(), writeLimit: { capacity: 10, refillPerSecond: 0.001 } });
    autoAdvance(emu, 30_000, 2);
    const names = range(50, "term-lab");
    const events: BatchProgress[] = [];
    const report = await createLabsFromImage(PLAN, IMAGE, names.map((n) => row(n)), {
      concurrency: 8,
      enableImage: true,
      clientOptions: clientOptions(emu, { maxRetryAfterInMs: 1000 }),
      onProgress: (p) => events.push(p),
    });

    expect(report.counts).toEqual({ total: 50, created: 50, failed: 0 });
    // The limit was hit, and the batch rode it out.
    expect(emu.requests.some((q) => q.status === 429)).toBe(true);
    expect(labPuts(emu)).toHaveLength(50);
    // `concurrency` bounds the writes in flight; accepted labs are followed outside it, so more
    // than 8 labs may be provisioning at once.
    expect(Math.max(...events.map((e) => e.submitting))).toBeLessThanOrEqual(8);
    expect(Math.max(...events.map((e) => e.submitting))).toBeGreaterThan(0);
    expect(Math.max(...events.map((e) => e.running))).toBeGreaterThan(8);
    expect(events.at(-1)).toMatchObject({ total: 50, done: 50, failed: 0, running: 0, remaining: 0 });

    const onService = await listLabs(emu, PLAN);
    for (const item of report.items) {
      expect(item.status).toBe("created");
      expect(item.lab?.name).toBe(item.name);
      expect(item.lab?.galleryImageId?.toLowerCase()).toBe(IMAGE.toLowerCase());
      expect(item.lab?.capacity).toBe(5);
      expect(onService.get(item.name)).toBe("Succeeded");
    }
    expect(report.items.map((i) => i.name)).toEqual(names);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it("rejects every invalid row together, before any request", async () => {
    const emu = await emulator({ seed: seed() });
    const rows = [
      row("ok-1"),
      row("bad name with spaces"),
      row("ok-2", { sku: "" }),
      row("OK-1"),
      row("ok-3", { capacity: -1 }),
      row("ok-4", { credentials: { kind: "new", adminUser: { username: "teacher", password: "" } } }),
      row("ok-5"),
    ];
    const e = (await createLabsFromImage(PLAN, IMAGE, rows, { clientOptions: clientOptions(emu) }).catch((x: unknown) => x)) as ValidationError;
    expect(isValidationError(e)).toBe(true);
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["labs[1].name", "labs[2].sku", "labs[3].name", "labs[4].capacity", "labs[5].credentials.adminUser.password"]));
    expect(paths.some((p) => p.startsWith("labs[0]") || p.startsWith("labs[6]"))).toBe(false);
    expect(e.message).toMatch(/^5 of 7 lab\(s\) are invalid; nothing was created/);
    expect(e.message).not.toContain(PASSWORD);
    expect(emu.requests).toHaveLength(0);
  });

  it("checks the rows against the image and each region before the first write", async () => {
    const emu = await emulator({ seed: seed() });
    // win11-base is Generalized: "fromImage" credentials are wrong for it.
    const wrongKind = [row("a-1"), row("a-2", { credentials: { kind: "fromImage", username: "labadmin", password: PASSWORD } })];
    const e1 = (await createLabsFromImage(PLAN, IMAGE, wrongKind, { enableImage: true, clientOptions: clientOptions(emu) }).catch((x: unknown) => x)) as ValidationError;
    expect(isValidationError(e1)).toBe(true);
    expect(e1.issues.map((i) => i.path)).toEqual(["labs[1].credentials.kind"]);
    // centralus is not allowed by the plan; every row of that region is listed.
    const wrongRegion = [row("b-1"), row("b-2", { location: "centralus" }), row("b-3", { location: "centralus" })];
    const e2 = (await createLabsFromImage(PLAN, IMAGE, wrongRegion, { enableImage: true, clientOptions: clientOptions(emu) }).catch((x: unknown) => x)) as ValidationError;
    expect(isValidationError(e2)).toBe(true);
    expect(e2.issues.map((i) => i.path)).toEqual(["labs[1].location", "labs[2].location"]);
    expect(writes(emu)).toHaveLength(0);
  });

  it("resumes after an abort from its checkpoint, creating each lab exactly once, with no password on disk", async () => {
    const emu = await emulator({ seed: seed() });
    autoAdvance(emu, 30_000, 2);
    const names = range(20, "resume-lab");
    const file = join(tmp(), "labs.json");
    const controller = new AbortController();
    await expect(
      createLabsFromImage(PLAN, IMAGE, names.map((n) => row(n)), {
        concurrency: 4,
        enableImage: true,
        checkpoint: file,
        signal: controller.signal,
        clientOptions: clientOptions(emu),
        onProgress: (p) => {
          if (p.done >= 6) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(PASSWORD);
    const saved = JSON.parse(text) as BulkCheckpoint;
    expect(Object.values(saved.items).filter((i) => i.state === "done").length).toBeGreaterThanOrEqual(6);

    const report = await createLabsFromImage(PLAN, IMAGE, names.map((n) => row(n)), { concurrency: 4, checkpoint: file, clientOptions: clientOptions(emu) });
    expect(report.counts).toEqual({ total: 20, created: 20, failed: 0 });
    const perLab = new Map<string, number>();
    for (const q of labPuts(emu)) perLab.set(q.path.split("/").pop() as string, (perLab.get(q.path.split("/").pop() as string) ?? 0) + 1);
    expect(perLab.size).toBe(20);
    expect([...perLab.values()].every((n) => n === 1)).toBe(true);
    expect(readFileSync(file, "utf8")).not.toContain(PASSWORD);
    const onService = await listLabs(emu, PLAN);
    for (const n of names) expect(onService.get(n)).toBe("Succeeded");

    // A checkpoint of another job is refused before anything is sent.
    const before = emu.requests.length;
    const other = join(tmp(), "export.json");
    writeFileSync(other, JSON.stringify({ ...saved, job: "exportAllTemplates" }));
    await expect(createLabsFromImage(PLAN, IMAGE, [row("x-1")], { checkpoint: other, clientOptions: clientOptions(emu) })).rejects.toSatisfy(isValidationError);
    expect(emu.requests.length).toBe(before);
  });

  it("fails a lab whose name is taken, and the others go on", async () => {
    const emu = await emulator({ seed: seed() });
    autoAdvance(emu, 30_000, 2);
    const report = await createLabsFromImage(PLAN, IMAGE, [row("biology-101"), row("fresh-1")], { enableImage: true, clientOptions: clientOptions(emu) });
    expect(report.counts).toEqual({ total: 2, created: 1, failed: 1 });
    expect(report.items[0]).toMatchObject({ name: "biology-101", status: "failed", reason: "LabAlreadyExists" });
    expect(report.items[1]).toMatchObject({ name: "fresh-1", status: "created" });
  });
});

describe("createLabsFromImage on a classic lab account", () => {
  it("creates labs under the write limit with zero failures; the report matches the account's labs", async () => {
    const emu = await emulator({ seed: seed(), writeLimit: { capacity: 3, refillPerSecond: 0.001 } });
    autoAdvance(emu, 30_000, 2);
    const names = range(12, "classic-lab");
    const rows = names.map((n) => {
      const { capacity: _capacity, ...r } = row(n, { sku: "Medium" });
      return r;
    });
    const report = await createLabsFromImage(ACCOUNT, "win11-base", rows, { concurrency: 6, clientOptions: clientOptions(emu, { maxRetryAfterInMs: 1000 }) });
    expect(report.counts).toEqual({ total: 12, created: 12, failed: 0 });
    expect(emu.requests.some((q) => q.status === 429)).toBe(true);
    const onService = await listLabs(emu, ACCOUNT);
    for (const n of names) expect(onService.get(n)).toBe("Succeeded");
    expect(report.image.galleryImageId?.toLowerCase()).toBe(IMAGE.toLowerCase());
  });
});
