/**
 * The built `lab-gallery` binary (dist/cli.js), spawned against an emulator started in this process,
 * for every command in human and `--json` modes, with usage errors (2), service errors (1), a resume
 * after `--no-wait`, the standalone `emulator` command, and the password never showing up. The
 * demo is run at the end.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { CLI, DEMO, ROOT, ensureBuilt } from "./built.js";

const SENTINEL = "Sentinel-Pa55w0rd-9f3e7c";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment without anything from the developer's shell that could change the CLI's behaviour. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("LAB_GALLERY_") && !k.startsWith("AZURE_") && k !== "FORCE_COLOR") env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, input?: string, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

let em: RunningEmulator;
let SUB: string;
let PLAN: string;
let ACCOUNT: string;
let GALLERY: string;
let BIO_LAB: string;
let CHEM_LAB: string;
const all: Run[] = [];

/** Runs `lab-gallery …` against the emulator. */
async function cli(args: string[], o: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const r = await spawnNode(CLI, args, baseEnv({ LAB_GALLERY_ENDPOINT: em.url, LAB_GALLERY_POLL_INTERVAL_MS: "20", ...o.env }), o.input);
  all.push(r);
  return r;
}

const json = (r: Run) => JSON.parse(r.stdout) as Record<string, unknown> & Array<Record<string, unknown>>;

beforeAll(async () => {
  ensureBuilt();
  em = await startEmulator({ port: 0, seed: "demo", speed: 5000 });
  SUB = em.subscriptionId;
  const rg = `/subscriptions/${SUB}/resourceGroups/labs-rg/providers`;
  PLAN = `${rg}/Microsoft.LabServices/labPlans/plan-westus2`;
  ACCOUNT = `${rg}/Microsoft.LabServices/labaccounts/classic-account`;
  GALLERY = `${rg}/Microsoft.Compute/galleries/labgallery`;
  BIO_LAB = `${rg}/Microsoft.LabServices/labs/biology-101`;
  CHEM_LAB = `${ACCOUNT}/labs/chemistry-201`;
}, 120_000);

afterAll(async () => {
  await em?.close();
});

describe("lab-gallery (built binary) against the emulator", () => {
  it("usage errors exit 2 with one line and nothing on stdout; --help exits 0", async () => {
    const cases = [
      [],
      ["images", "list", "--os-state", "frozen", "--account", PLAN],
      ["labs", "create", "--account", PLAN],
      ["gallery", "show"],
      ["export", "--image-name", "x"],
      ["gallery", "attach", "not-an-id", "--account", PLAN],
    ];
    const runs = await Promise.all(cases.map((a) => cli(a)));
    for (const [i, r] of runs.entries()) {
      expect(r.code, cases[i]?.join(" ")).toBe(2);
      expect(r.stderr, cases[i]?.join(" ")).toMatch(/error:|Usage:/);
    }
    expect(runs.slice(1).every((r) => r.stdout === "")).toBe(true);
    const usageJson = await cli(["--json", "labs", "create", "--account", PLAN]);
    expect(json(usageJson)).toMatchObject({ error: { name: "UsageError", exitCode: 2 } });
    const help = await cli(["labs", "create", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--credentials-from-image");
  });

  it("gallery attach / show / detach, human and --json", async () => {
    const none = await cli(["gallery", "show", "--account", PLAN]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("No gallery is attached to lab plan plan-westus2.\n");
    const attach = await cli(["gallery", "attach", GALLERY, "--account", PLAN]);
    expect(attach.code, attach.stderr).toBe(0);
    expect(attach.stdout).toBe("Attached gallery labgallery to lab plan plan-westus2.\n");
    const [show, showHuman, attachClassic] = await Promise.all([
      cli(["--json", "gallery", "show", "--subscription", SUB, "-g", "labs-rg", "--lab-plan", "plan-westus2"]),
      cli(["gallery", "show", "--account", PLAN]),
      cli(["gallery", "attach", GALLERY, "--account", ACCOUNT]),
    ]);
    expect(json(show)).toMatchObject({ galleryName: "labgallery", galleryId: GALLERY });
    expect(showHuman.stdout).toMatch(/^gallery: +labgallery$/m);
    // Detach and attach again on the classic account (enabled-by-default images there).
    expect(attachClassic.code, attachClassic.stderr).toBe(0);
    const detach = await cli(["--json", "gallery", "detach", "--account", ACCOUNT]);
    expect(detach.code, detach.stderr).toBe(0);
    expect(json(detach)).toMatchObject({ detached: true });
    expect(json(await cli(["--json", "gallery", "show", "--account", ACCOUNT]))).toBeNull();
    expect((await cli(["gallery", "attach", GALLERY, "--account", ACCOUNT])).code).toBe(0);
  });

  it("images list / enable / disable, human and --json", async () => {
    const list = await cli(["images", "list", "--account", PLAN, "--source", "gallery"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^NAME +DISPLAY NAME +OS +OS STATE +ENABLED +SOURCE +REGIONS$/);
    expect(list.stdout).toMatch(/^win11-base .*Generalized +no +gallery/m);
    const enable = await cli(["--json", "images", "enable", "win11-base", "--account", PLAN]);
    expect(enable.code, enable.stderr).toBe(0);
    expect(json(enable)[0]).toMatchObject({ name: "win11-base", enabled: true });
    const [enabledList, missing] = await Promise.all([
      cli(["--json", "images", "list", "--account", PLAN, "--enabled", "--os-state", "generalized"]),
      cli(["images", "enable", "no-such-image", "--account", PLAN]),
    ]);
    expect(json(enabledList).map((i) => i["name"])).toEqual(["win11-base"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: /);
    const disable = await cli(["images", "disable", "win11-base", "--account", PLAN]);
    expect(disable.stdout).toBe("Disabled win11-base on lab plan plan-westus2.\n");
    expect((await cli(["images", "enable", "win11-base", "--account", PLAN])).code).toBe(0);
  });

  it("labs create with new credentials (password from the env var, never printed), list, show, delete", async () => {
    const env = { LAB_GALLERY_PASSWORD: SENTINEL };
    const base = ["--account", PLAN, "--image", "win11-base", "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--admin-user", "teacher"];
    const missingPlan = PLAN.replace("plan-westus2", "no-such-plan");
    const [created, human, noPw, piped, onMissingPlan] = await Promise.all([
      cli(["--json", "labs", "create", ...base, "--name", "intro-101", "--capacity", "4", "--title", "Intro"], { env }),
      cli(["labs", "create", ...base, "--name", "intro-102", "--usage-quota-hours", "5"], { env }),
      // No terminal and no password source: a usage error before any request.
      cli(["labs", "create", ...base, "--name", "intro-103"]),
      cli(["labs", "create", ...base, "--name", "intro-104", "--password-stdin", "--no-wait"], { input: `${SENTINEL}\n` }),
      // Both preflight reads fail: one clean error line, no crash or stack trace.
      cli(["labs", "create", ...base.map((a) => (a === PLAN ? missingPlan : a === "win11-base" ? `${GALLERY}/images/win11-base` : a)), "--name", "intro-105"], { env }),
    ]);
    expect(onMissingPlan.code).toBe(1);
    expect(onMissingPlan.stderr).toMatch(/^Creating lab intro-105 .*\nerror: .*\nhint: /);
    expect(onMissingPlan.stderr).not.toMatch(/\n\s+at /);
    expect(created.code, created.stderr).toBe(0);
    expect(json(created)).toMatchObject({ name: "intro-101", title: "Intro", provisioningState: "Succeeded", capacity: 4 });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Created lab intro-102 from win11-base\./);
    expect(human.stderr).toMatch(/create intro-102: .*100%/);
    expect(noPw.code).toBe(2);
    expect(noPw.stderr).toContain("LAB_GALLERY_PASSWORD");
    expect(piped.code, piped.stderr).toBe(0);
    const [list, listJson, show, unconfirmed] = await Promise.all([
      cli(["labs", "list", "--account", PLAN]),
      cli(["--json", "labs", "list", "--account", PLAN]),
      cli(["labs", "show", "intro-101", "--account", PLAN]),
      cli(["labs", "delete", "intro-102", "--account", PLAN]),
    ]);
    expect(list.stdout.split("\n")[0]).toMatch(/^NAME +TITLE +STATE +PROVISIONING +SKU +CAPACITY +IMAGE +LOCATION$/);
    expect(list.stdout).toMatch(/^intro-101 +Intro /m);
    expect(json(listJson).map((l) => l["name"])).toEqual(expect.arrayContaining(["biology-101", "intro-101", "intro-102"]));
    expect(show.stdout).toMatch(/^admin user: +teacher$/m);
    expect(unconfirmed.code).toBe(2);
    const del = await cli(["--json", "labs", "delete", "intro-102", "--account", PLAN, "--yes"]);
    expect(del.code, del.stderr).toBe(0);
    // A missing resource is a service error: exit 1, one line, the SDK's hint; --verbose adds the ids.
    const [gone, goneVerbose, goneJson] = await Promise.all([
      cli(["labs", "show", "intro-102", "--account", PLAN]),
      cli(["labs", "show", "intro-102", "--account", PLAN, "--verbose"]),
      cli(["--json", "labs", "show", "intro-102", "--account", PLAN]),
    ]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: .*\nhint: /);
    expect(goneVerbose.stderr).toMatch(/request id: \S+/);
    expect(goneVerbose.stderr).toMatch(/correlation id: \S+/);
    expect(json(goneJson)).toMatchObject({ error: { statusCode: 404, exitCode: 1 } });
  });

  it("export --no-wait prints a resume token; export resume follows it to the image", async () => {
    const started = await cli(["--json", "export", "--lab", BIO_LAB, "--image-name", "biology-2026", "--no-wait"]);
    expect(started.code, started.stderr).toBe(0);
    const token = json(started)["resumeToken"] as string;
    expect(token).toMatch(/^lgpoll1\./);
    const resumed = await cli(["--json", "export", "resume", token]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed)).toMatchObject({ name: "biology-2026", osState: "Specialized" });
    expect(resumed.stderr).toMatch(/export biology-2026: .*100%/);
    // The image is specialized: a lab from it with the template's credentials works; new credentials
    // are refused by the SDK before any request (a usage error).
    const lab = ["labs", "create", "--account", PLAN, "--image", "biology-2026", "--sku", "Classic_Fsv2_2_4GB_128_S_SSD"];
    const env = { LAB_GALLERY_PASSWORD: SENTINEL };
    const [fromImage, mistake] = await Promise.all([
      cli([...lab, "--name", "biology-101-b", "--credentials-from-image", "--username", "labadmin", "--enable-image"], { env }),
      cli([...lab, "--name", "mistake", "--admin-user", "teacher"], { env }),
    ]);
    expect(fromImage.code, fromImage.stderr).toBe(0);
    expect(mistake.code).toBe(2);
    expect(mistake.stderr).toMatch(/Specialized/);
    expect(mistake.stderr).toMatch(/\nhint: /);
  });

  it("export on a classic lab in human mode shows progress lines and the image", async () => {
    const [refused, r] = await Promise.all([
      cli(["export", "--lab", CHEM_LAB, "--image-name", "chemistry-2026"]),
      cli(["export", "--lab", "chemistry-201", "--subscription", SUB, "-g", "labs-rg", "--lab-account", "classic-account", "--image-name", "chemistry-2026", "--experimental-classic-save-image"]),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("experimentalClassicSaveImage");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Exported chemistry-2026\.\n/);
    expect(r.stdout).toMatch(/^os: +Windows, Specialized$/m);
    expect(r.stderr).toMatch(/^export chemistry-2026: saving \d+%$/m);
  });

  it("a failed export is a service error (exit 1) naming the operation's error", async () => {
    const off = em.faults.add({ kind: "lroFail", code: "InternalServerError", message: "The template VM could not be captured.", path: "saveImage" });
    try {
      const r = await cli(["export", "--lab", BIO_LAB, "--image-name", "biology-fails", "--verbose"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("The template VM could not be captured.");
    } finally {
      off();
    }
  });

  it("lab-gallery emulator runs the standalone emulator until SIGINT", async () => {
    const child = spawn(process.execPath, [CLI, "--json", "emulator", "--port", "0", "--seed", "empty"], { cwd: ROOT, env: baseEnv({}), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const info = await new Promise<{ url: string; subscriptionId: string }>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // not complete yet
        }
      });
      child.on("close", () => reject(new Error(`emulator exited early: ${stderr}`)));
    });
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The empty seed has no lab plan: reading one is a service error from that emulator.
    const plan = `/subscriptions/${info.subscriptionId}/resourceGroups/labs-rg/providers/Microsoft.LabServices/labPlans/nope`;
    const r = await spawnNode(CLI, ["gallery", "show", "--account", plan], baseEnv({ LAB_GALLERY_ENDPOINT: info.url }));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(stderr).toContain("Emulator listening on");
  });

  it("never prints the password given through the environment", () => {
    expect(all.length).toBeGreaterThan(20);
    for (const r of all) {
      expect(r.stdout).not.toContain(SENTINEL);
      expect(r.stderr).not.toContain(SENTINEL);
    }
  });
});

describe("npm run demo", () => {
  it("runs every scenario against the embedded emulator and exits 0", async () => {
    const r = await spawnNode(DEMO, [], baseEnv({}), undefined, 45_000);
    expect(r.stdout).toContain("[1/4]");
    expect(r.stdout).toContain("[2/4]");
    expect(r.stdout).toContain("[3/4]");
    expect(r.stdout).toContain("[4/4]");
    expect(r.stdout).toMatch(/^Summary$/m);
    expect(r.stdout).toContain("ImageCredentialsError");
    expect(r.stdout).not.toMatch(/\bfailed\b/);
    expect(r.stdout).toContain("Demo complete: every scenario ran as expected.");
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 60_000);

  it("--live without settings lists what is missing and exits 2", async () => {
    const r = await spawnNode(DEMO, ["--live"], baseEnv({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("AZURE_SUBSCRIPTION_ID");
  });
});
