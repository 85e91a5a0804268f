/**
 * Crash and resume (issue 10): a child node process importing the BUILT package (dist/) runs an
 * export (then a lab creation) against an emulator server in this process, prints its resume token
 * once the write was accepted, and is killed with SIGKILL mid-operation. A second process resumes
 * from the token and must finish, with the write sent exactly once (saveImage POSTs = 1, lab PUTs =
 * 1). Both children run with AZURE_LOG_LEVEL=verbose, a sentinel token and a sentinel password: the
 * sentinels must not appear in their stdout/stderr or in the token.
 *
 * What breaks it: a resume that re-sends the save or the PUT (count 2), a token that does not carry
 * the operation URLs (the resumed process cannot finish), a token or a log holding a secret.
 * Needs `npm run build` first (npm test's pretest does it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { leaksIn, report, SENTINEL_PASSWORD, SENTINEL_TOKEN } from "./helpers.js";
import { GALLERY, PLAN, PLAN_LAB } from "./workflow.js";

const DIST = path.resolve(__dirname, "../../dist/index.js");
const dir = mkdtempSync(path.join(tmpdir(), "rel-crash-"));
const script = path.join(dir, "child.mjs");
let emu: RunningEmulator | undefined;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error("dist/ is missing: run `npm run build` first");
  writeFileSync(
    script,
    `import { TemplateClient, LabClient } from ${JSON.stringify(pathToFileURL(DIST).href)};
const [mode, endpoint, arg] = process.argv.slice(2);
const credential = { getToken: async () => ({ token: ${JSON.stringify(SENTINEL_TOKEN)}, expiresOnTimestamp: Date.now() + 3600000 }) };
const opts = { endpoint, credential, pollIntervalInMs: 20 };
const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
if (mode === "export") {
  const p = new TemplateClient(${JSON.stringify(PLAN_LAB)}, opts).exportToGallery({ imageName: arg });
  await p.submitted();
  out({ token: await p.serialize() });
  await p.pollUntilDone();
  out({ finished: true }); // must never be reached: the parent kills us first
} else if (mode === "createLab") {
  const image = ${JSON.stringify(`${GALLERY}/images/win11-base`)};
  const p = new LabClient(${JSON.stringify(PLAN)}, opts).createFromGalleryImage(
    { name: arg, image, sku: "Classic_Fsv2_2_4GB_128_S_SSD", usageQuota: { hours: 10 }, credentials: { kind: "new", adminUser: { username: "teacher", password: ${JSON.stringify(SENTINEL_PASSWORD)} } } },
    { preflight: false },
  );
  await p.submitted();
  out({ token: await p.serialize() });
  await p.pollUntilDone();
  out({ finished: true });
} else if (mode === "resumeExport") {
  const image = await TemplateClient.resumeExport(arg, opts).pollUntilDone();
  out({ result: image });
} else if (mode === "resumeCreate") {
  const lab = await LabClient.resumeCreate(arg, opts).pollUntilDone();
  out({ result: lab });
}
`,
  );
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await emu?.close();
  emu = undefined;
});

interface Child {
  proc: ChildProcess;
  lines: () => Array<Record<string, unknown>>;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function child(args: string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { env: { ...process.env, AZURE_LOG_LEVEL: "verbose" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(proc);
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (b: Buffer) => (stdout += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on("exit", (code, signal) => r({ code, signal })));
  return {
    proc,
    exited,
    output: () => stdout + stderr,
    lines: () =>
      stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function waitFor<T>(what: string, get: () => T | undefined, c: Child): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = get();
    if (v !== undefined) return v;
    if (c.proc.exitCode !== null) throw new Error(`child exited before ${what}: ${c.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}: ${c.output().slice(-2000)}`);
}

async function crashAndResume(kind: "export" | "createLab", name: string, setup: (e: RunningEmulator) => Promise<void>, writes: (e: RunningEmulator) => number, done: (e: RunningEmulator) => boolean) {
  // speed 100: a save takes ~6 s and a lab ~6.5 s of wall time — long enough to be killed mid-way.
  emu = await startEmulator({ port: 0, speed: 100 });
  await setup(emu);
  const first = child([kind, emu.url, name]);
  const token = await waitFor("the resume token", () => first.lines().find((l) => typeof l["token"] === "string")?.["token"] as string | undefined, first);
  expect(writes(emu), "the write was accepted before the crash").toBe(1);
  expect(done(emu), "the operation is still running when the process dies").toBe(false);
  first.proc.kill("SIGKILL");
  const death = await first.exited;
  expect(death.signal).toBe("SIGKILL");
  expect(first.lines().some((l) => l["finished"]), "killed mid-operation").toBe(false);

  const second = child([kind === "export" ? "resumeExport" : "resumeCreate", emu.url, token]);
  const end = await second.exited;
  expect(end.code, second.output().slice(-2000)).toBe(0);
  const result = second.lines().find((l) => l["result"])?.["result"] as Record<string, unknown> | undefined;
  expect(result).toBeDefined();
  expect(done(emu), "the operation finished").toBe(true);
  expect(writes(emu), "the write was sent exactly once").toBe(1);
  const leaks = leaksIn([token, Buffer.from(token.slice(token.indexOf(".") + 1), "base64url").toString(), first.output(), second.output()].join("\n"));
  expect(leaks, "sentinel in the token or in a child's verbose output").toEqual([]);
  expect(second.output().length + first.output().length, "verbose logging really ran").toBeGreaterThan(0);
  return { tokenLength: token.length, resumed: result?.["name"], writes: writes(emu), childOutputBytes: first.output().length + second.output().length };
}

it("export: SIGKILL after the save was accepted, a new process resumes, saveImage POSTed once", { timeout: 60_000 }, async () => {
  const r = await crashAndResume(
    "export",
    "crash-img",
    async (e) => {
      const res = await fetch(`${e.url}${PLAN}?api-version=2023-06-07`, { method: "PATCH", headers: { authorization: "Bearer t", "content-type": "application/json" }, body: JSON.stringify({ properties: { sharedGalleryId: GALLERY } }) });
      expect(res.status).toBe(202);
      await new Promise((r) => setTimeout(r, 400)); // the attach takes 30 s simulated = 0.3 s
    },
    (e) => e.requests.filter((q) => q.method === "POST" && /\/saveImage$/i.test(q.path) && q.status === 202).length,
    (e) => e.state.galleryImageVersions().some((v) => String(v["id"]).toLowerCase().includes("/images/crash-img/versions/") && (v["properties"] as { provisioningState?: string }).provisioningState === "Succeeded"),
  );
  report("crash-resume-export", r);
});

it("lab creation: SIGKILL after the PUT was accepted, a new process resumes, the lab PUT sent once", { timeout: 60_000 }, async () => {
  const r = await crashAndResume(
    "createLab",
    "crash-lab",
    async (e) => {
      const h = { authorization: "Bearer t", "content-type": "application/json" };
      expect((await fetch(`${e.url}${PLAN}?api-version=2023-06-07`, { method: "PATCH", headers: h, body: JSON.stringify({ properties: { sharedGalleryId: GALLERY } }) })).status).toBe(202);
      await new Promise((r) => setTimeout(r, 400));
      expect((await fetch(`${e.url}${PLAN}/images/win11-base?api-version=2023-06-07`, { method: "PATCH", headers: h, body: JSON.stringify({ properties: { enabledState: "Enabled" } }) })).status).toBe(200);
    },
    (e) => e.requests.filter((q) => q.method === "PUT" && /\/labs\/crash-lab$/i.test(q.path)).length,
    (e) => e.state.labs().some((l) => l["name"] === "crash-lab" && (l["properties"] as { provisioningState?: string }).provisioningState === "Succeeded"),
  );
  report("crash-resume-createLab", r);
});
