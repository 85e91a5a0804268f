/** Units of the bulk module: the naming rule, the adaptive pool, the checkpoint file. */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AdaptivePool } from "../../src/bulk/pool.js";
import { Checkpoint } from "../../src/bulk/checkpoint.js";
import { assignImageNames, cleanImageName, fileCheckpoint, isValidationError, MAX_IMAGE_NAME_LENGTH } from "../../src/index.js";

const VALID = /^[a-zA-Z0-9]+([-._]?[a-zA-Z0-9]+)*$/;
const lab = (name: string, rg = "rg") => ({ name, id: `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.LabServices/labs/${name}` });

describe("image names", () => {
  it("cleans any lab name into a valid definition name", () => {
    expect(cleanImageName("biology-101")).toBe("biology-101");
    expect(cleanImageName("Biology 101 (Fall)")).toBe("Biology-101-Fall");
    expect(cleanImageName("..a__b--c..")).toBe("a_b-c");
    expect(cleanImageName("Écologie été")).toBe("Ecologie-ete");
    expect(cleanImageName("()")).toBe("lab");
    for (const n of ["x", "a.b", "__", "a- b", "名前", "a".repeat(200)]) expect(VALID.test(cleanImageName(n))).toBe(true);
  });

  it("is valid, at most 80 characters and collision-free for awkward batches", () => {
    const labs = [lab("intro(1)"), lab("intro-1"), lab("intro_1"), lab("Intro-1", "other"), lab("x".repeat(100)), lab(`${"x".repeat(99)}y`), lab("名前"), lab("名")];
    const names = assignImageNames(labs);
    const values = [...names.values()];
    expect(values).toHaveLength(labs.length);
    expect(new Set(values.map((v) => v.toLowerCase())).size).toBe(labs.length);
    for (const v of values) {
      expect(VALID.test(v)).toBe(true);
      expect(v.length).toBeLessThanOrEqual(MAX_IMAGE_NAME_LENGTH);
    }
    // Among labs mapping to the same name, the first by id whose name needed no cleaning keeps it:
    // "Intro-1" in resource group "other" sorts before "intro-1" in "rg".
    expect(names.get(labs[3]?.id.toLowerCase() as string)).toBe("Intro-1");
    expect(names.get(labs[1]?.id.toLowerCase() as string)).toMatch(/^intro-1-[0-9a-f]{6}$/);
    expect(names.get(labs[2]?.id.toLowerCase() as string)).toBe("intro_1");
    expect(names.get(labs[0]?.id.toLowerCase() as string)).toMatch(/^intro-1-[0-9a-f]{6}$/);
  });

  it("is deterministic, applies the pattern and keeps names already recorded", () => {
    const labs = [lab("b"), lab("a")];
    expect(assignImageNames(labs, { pattern: "{account}-{lab}-2026", accountName: "plan-1" })).toEqual(assignImageNames([...labs].reverse(), { pattern: "{account}-{lab}-2026", accountName: "plan-1" }));
    expect([...assignImageNames(labs, { pattern: "{account}-{lab}-2026", accountName: "plan-1" }).values()].sort()).toEqual(["plan-1-a-2026", "plan-1-b-2026"]);
    const fixed = new Map([[labs[0]?.id.toLowerCase() as string, "a"]]);
    const names = assignImageNames(labs, { fixed });
    expect(names.get(labs[0]?.id.toLowerCase() as string)).toBe("a");
    expect(names.get(labs[1]?.id.toLowerCase() as string)).toMatch(/^a-[0-9a-f]{6}$/);
  });
});

describe("AdaptivePool", () => {
  it("never runs more than the limit, halves on backOff and grows back", async () => {
    const pool = new AdaptivePool(4);
    let running = 0;
    let max = 0;
    await pool.run(Array.from({ length: 20 }, (_, i) => i), async () => {
      running++;
      max = Math.max(max, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    expect(max).toBe(4);
    pool.backOff();
    expect(pool.limit).toBe(2);
    pool.backOff();
    pool.backOff();
    expect(pool.limit).toBe(1);
    for (let i = 0; i < 10; i++) pool.succeeded();
    expect(pool.limit).toBeGreaterThan(1);
    expect(() => new AdaptivePool(0)).toThrow(RangeError);
  });

  it("stops starting tasks on abort and rejects once running ones settled", async () => {
    const pool = new AdaptivePool(2);
    const c = new AbortController();
    const started: number[] = [];
    const settled: number[] = [];
    const run = pool.run([1, 2, 3, 4, 5], async (i) => {
      started.push(i);
      if (i === 2) c.abort();
      await new Promise((r) => setTimeout(r, 5));
      settled.push(i);
    }, c.signal);
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(started).toEqual([1, 2]);
    expect(settled.sort()).toEqual([1, 2]);
  });
});

describe("checkpoint files", () => {
  it("writes atomically (no temp file left), reloads, and refuses another job or a password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bulk-cp-"));
    const file = join(dir, "cp.json");
    const cp = await Checkpoint.open(file, "createLabsFromImage", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.LabServices/labPlans/p");
    cp.guard("S3cret-P@ss");
    await cp.put("a", { name: "a", state: "started", resumeToken: "lgpoll1.x" });
    expect(readdirSync(dir)).toEqual(["cp.json"]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ format: "azure-lab-gallery-bulk/1", items: { a: { state: "started", resumeToken: "lgpoll1.x" } } });
    await expect(cp.put("b", { name: "b", state: "failed", reason: "S3cret-P@ss" })).rejects.toThrow(/refusing to write a password/);
    expect(readFileSync(file, "utf8")).not.toContain("S3cret-P@ss");
    const again = await Checkpoint.open(file, "createLabsFromImage", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.LabServices/labPlans/P");
    expect(again.get("a")?.state).toBe("started");
    await expect(Checkpoint.open(file, "exportAllTemplates", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.LabServices/labPlans/p")).rejects.toSatisfy(isValidationError);
    expect(await fileCheckpoint(join(dir, "missing.json")).load()).toBeUndefined();
  });
});
