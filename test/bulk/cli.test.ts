/**
 * `lab-gallery backup` and `lab-gallery labs create-many`, in-process with the real SDK against the
 * emulator: progress lines, final table, --json, exit codes (0, 1 when an item failed, 2 for
 * invalid CSV rows — with zero requests), and no password in any output.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDeps } from "../../src/cli/clients.js";
import { labRowsFromCsv } from "../../src/cli/commands/labs-create-many.js";
import { isValidationError, type ValidationError } from "../../src/index.js";
import { runCli } from "../cli/helpers.js";
import { ACCOUNT, GALLERY, PLAN, autoAdvance, emulator, range, savePosts, seed, type Emu } from "./helpers.js";

const PASSWORD = "Tr0ub4dor&3-horse";
const dir = () => mkdtempSync(join(tmpdir(), "bulk-cli-"));

function cli(emu: Emu, argv: string[], env: Record<string, string> = {}) {
  return runCli(["--endpoint", emu.url, "--poll-interval", "2", ...argv], defaultDeps(), { env });
}

function csvFile(text: string): string {
  const f = join(dir(), "labs.csv");
  writeFileSync(f, text);
  return f;
}

describe("lab-gallery backup", () => {
  it("backs up every lab, prints a line per lab and a table; --json prints the report", async () => {
    const emu = await emulator({ seed: seed({ planLabs: range(5, "course"), planLabsWithoutTemplate: ["no-template"] }) });
    autoAdvance(emu);
    const human = await cli(emu, ["backup", "--account", PLAN, "--concurrency", "3", "--checkpoint", join(dir(), "cp.json")]);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/ok biology-101/);
    expect(human.stderr).toMatch(/skip no-template \(noTemplateVm\)/);
    expect(human.stdout).toMatch(/^LAB\s+STATUS\s+IMAGE\s+VERSION\s+REASON/m);
    expect(human.stdout).toMatch(/6 exported, 1 skipped, 0 failed of 7 lab\(s\)\./);
    expect(savePosts(emu)).toHaveLength(6);

    const json = await cli(emu, ["backup", "--account", PLAN, "--json", "--name-pattern", "{lab}-v2"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { counts: Record<string, number>; galleryId: string; items: { imageName: string }[] };
    expect(report.counts).toEqual({ total: 7, exported: 6, skipped: 1, failed: 0 });
    expect(report.galleryId).toBe(GALLERY);
    expect(report.items.map((i) => i.imageName)).toContain("biology-101-v2");
  });

  it("exits 1 when a lab failed, with one JSON document on stdout", async () => {
    const emu = await emulator({ seed: seed({ planLabs: range(3, "course") }) });
    autoAdvance(emu);
    emu.faults.add({ method: "POST", path: "/saveImage", times: 1, kind: "lroFail", code: "ImageSaveFailed", message: "The disk snapshot failed." });
    const r = await cli(emu, ["backup", "--account", PLAN, "--json", "--concurrency", "1"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { counts: Record<string, number>; items: { status: string; reason?: string; error?: { message: string } }[] };
    expect(report.counts).toMatchObject({ exported: 3, failed: 1 });
    expect(report.items.find((i) => i.status === "failed")).toMatchObject({ reason: "ImageSaveFailed", error: { message: expect.stringMatching(/disk snapshot failed/) } });
    expect(r.stderr).toMatch(/1 of 4 export\(s\) failed/);
  });

  it("a classic lab account needs --experimental-classic-save-image (exit 2, nothing sent)", async () => {
    const emu = await emulator({ seed: seed() });
    const r = await cli(emu, ["backup", "--account", ACCOUNT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/experimentalClassicSaveImage/);
    expect(emu.requests).toHaveLength(0);
  });
});

describe("lab-gallery labs create-many", () => {
  it("creates a lab per CSV row with the password from the environment, never printing it", async () => {
    const emu = await emulator({ seed: seed() });
    autoAdvance(emu, 30_000, 2);
    const rows = range(8, "bio").map((n, i) => `${n},"Biology, group ${i + 1}",${10 + i},teacher`);
    const file = csvFile(["name,title,capacity,username", ...rows].join("\n"));
    const r = await cli(emu, ["labs", "create-many", "--account", PLAN, "--image", "win11-base", "--csv", file, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--enable-image", "--concurrency", "4"], { LAB_GALLERY_PASSWORD: PASSWORD });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/8 created, 0 failed of 8 lab\(s\)\./);
    expect(r.stdout).toMatch(/^bio-01\s+created\s+Succeeded\s+win11-base/m);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const labs = emu.state.labs().filter((l) => String(l["name"]).startsWith("bio-"));
    expect(labs).toHaveLength(8);
    expect(labs.find((l) => l["name"] === "bio-02")?.["properties"]).toMatchObject({ title: "Biology, group 2" });
  });

  it("rejects every invalid row together before any request (exit 2), naming each line", async () => {
    const emu = await emulator({ seed: seed() });
    const file = csvFile(
      [
        "name,title,capacity,username,password_env",
        "good-1,Good,10,teacher,",
        "bad name,Bad,10,teacher,",
        "good-2,Good,ten,teacher,",
        "good-3,Good,10,,",
        "GOOD-1,Dup,10,teacher,",
        "good-4,Good,10,teacher,NOT_SET_ANYWHERE",
      ].join("\n"),
    );
    const r = await cli(emu, ["labs", "create-many", "--account", PLAN, "--image", "win11-base", "--csv", file, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--json"], { LAB_GALLERY_PASSWORD: PASSWORD });
    expect(r.code).toBe(2);
    const err = (JSON.parse(r.stdout) as { error: { issues: { path: string }[]; message: string } }).error;
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["line 4: capacity", "line 5: username", "line 7: password"]));
    expect(err.message).toMatch(/^3 of 6 CSV row\(s\) are invalid; nothing was created/);
    expect(emu.requests).toHaveLength(0);

    // With the CLI's own checks passing, the SDK's row checks report by line too.
    const file2 = csvFile(["name,title,capacity,username", "good-1,Good,10,teacher", "bad name,Bad,10,teacher", "GOOD-1,Dup,10,teacher"].join("\n"));
    const r2 = await cli(emu, ["labs", "create-many", "--account", PLAN, "--image", "win11-base", "--csv", file2, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--json"], { LAB_GALLERY_PASSWORD: PASSWORD });
    expect(r2.code).toBe(2);
    const err2 = (JSON.parse(r2.stdout) as { error: { issues: { path: string }[] } }).error;
    expect(err2.issues.map((i) => i.path)).toEqual(["line 3: name", "line 4: name"]);
    expect(emu.requests).toHaveLength(0);
    expect(r.stdout + r.stderr + r2.stdout + r2.stderr).not.toContain(PASSWORD);
  });

  it("refuses a password column and a missing password (exit 2, nothing sent)", async () => {
    const emu = await emulator({ seed: seed() });
    const withColumn = csvFile("name,username,password\nx,teacher,secret123!A");
    const r1 = await cli(emu, ["labs", "create-many", "--account", PLAN, "--image", "win11-base", "--csv", withColumn, "--sku", "S"], { LAB_GALLERY_PASSWORD: PASSWORD });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/"password" column is not accepted/);
    const r2 = await cli(emu, ["labs", "create-many", "--account", PLAN, "--image", "win11-base", "--csv", csvFile("name,username\nx,teacher"), "--sku", "S"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/LAB_GALLERY_PASSWORD/);
    expect(emu.requests).toHaveLength(0);
  });
});

describe("labRowsFromCsv", () => {
  const env = { LAB_GALLERY_PASSWORD: PASSWORD, OTHER_PW: "An0ther-secret!" };
  it("maps columns, defaults and per-row password variables", () => {
    const out = labRowsFromCsv("Name,Title,Capacity,UserName,SKU,usage quota hours,credentials,password_env\na,A,3,u1,,,from-image,OTHER_PW\nb,,,u2,Big,7,,\n", env, {
      sku: "Small",
      usageQuotaHours: 10,
      credentials: "new",
    });
    expect(out.rows).toEqual([
      { name: "a", title: "A", capacity: 3, sku: "Small", usageQuota: { hours: 10 }, credentials: { kind: "fromImage", username: "u1", password: "An0ther-secret!" } },
      { name: "b", sku: "Big", usageQuota: { hours: 7 }, credentials: { kind: "new", adminUser: { username: "u2", password: PASSWORD } } },
    ]);
    expect(out.lines).toEqual([2, 3]);
    expect(out.secrets.sort()).toEqual(["An0ther-secret!", PASSWORD].sort());
  });
  it("rejects a bad header, a broken quote and rows of the wrong width", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isValidationError(e)).toBe(true);
        return e as ValidationError;
      }
      throw new Error("no error");
    };
    expect(err(() => labRowsFromCsv("name,colour\nx,red", env, { usageQuotaHours: 1, credentials: "new" })).message).toMatch(/unknown column "colour".*"username" is required/);
    expect(err(() => labRowsFromCsv('name,username\n"x,u', env, { usageQuotaHours: 1, credentials: "new" })).message).toMatch(/line 2: a quoted field is not closed/);
    expect(err(() => labRowsFromCsv("name,username\nx,u,extra", env, { sku: "S", usageQuotaHours: 1, credentials: "new" })).issues).toEqual([{ path: "line 2: (row)", message: "has 3 field(s), the header has 2" }]);
    expect(err(() => labRowsFromCsv("name,username\n", env, { usageQuotaHours: 1, credentials: "new" })).message).toMatch(/no lab rows/);
  });
});
