import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GALLERY, LAB, LP, PLAN, RG, repoRoot } from "./helpers.js";

const cli = path.join(repoRoot, "dist/emulator-cli.js");
const H = { authorization: "Bearer t", "content-type": "application/json" };

function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Emulator listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] as string });
    });
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
  });
}
const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on("exit", (code) => r(code)));

async function call(url: string, method: string, p: string, body?: unknown, v = LP) {
  const full = p.startsWith("http") ? p : `${url}${p}${p.includes("?") ? "&" : "?"}api-version=${v}`;
  const r = await fetch(full, { method, headers: H, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : undefined };
}

describe("standalone emulator process", () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error("dist/emulator-cli.js missing: run `npm run build` (the pretest script does)");
  });

  it("a plain fetch walk: create gallery → attach → enable → save → poll → create lab; SIGTERM exits 0", async () => {
    const { child, url } = await start(["--speed", "2000", "--seed", "demo"]);
    try {
      const g = `${RG}/Microsoft.Compute/galleries/walkgallery`;
      expect((await call(url, "PUT", g, { location: "westus2" }, "2023-07-03")).status).toBe(201);
      const attach = await call(url, "PATCH", PLAN, { properties: { sharedGalleryId: g } });
      expect(attach.status).toBe(202);
      expect(attach.headers.get("azure-asyncoperation")?.startsWith(url)).toBe(true);
      const save = await call(url, "POST", `${PLAN}/saveImage`, { name: "walk-image", labVirtualMachineId: `${LAB}/virtualMachines/0` });
      expect(save.status).toBe(202);
      let status = "InProgress";
      for (let i = 0; i < 100 && status === "InProgress"; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await call(url, "GET", save.headers.get("azure-asyncoperation") as string)).json.status;
      }
      expect(status).toBe("Succeeded");
      const enable = await call(url, "PATCH", `${PLAN}/images/walk-image`, { properties: { enabledState: "Enabled" } });
      expect(enable.json.properties.sharedGalleryId).toBe(`${g}/images/walk-image`);
      const lab = await call(url, "PUT", `${RG}/Microsoft.LabServices/labs/walk-lab`, {
        location: "westus2",
        properties: {
          labPlanId: PLAN,
          autoShutdownProfile: {}, connectionProfile: {}, securityProfile: { openAccess: "Disabled" },
          virtualMachineProfile: { createOption: "TemplateVM", imageReference: { id: enable.json.properties.sharedGalleryId }, sku: { name: "Classic_Fsv2_2_4GB_128_S_SSD" }, usageQuota: "PT10H", adminUser: { username: "labadmin" } },
        },
      });
      expect(lab.status).toBe(201);
      expect(lab.json.properties.virtualMachineProfile.imageReference).toEqual({ id: `${g}/images/walk-image` });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited(child)).toBe(0);
  });

  it("persistence: kill -9 during writes loses no acknowledged change", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emu-state-"));
    const state = path.join(dir, "state.json");
    const first = await start(["--state", state]);
    const acknowledged: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await call(first.url, "PUT", `${RG}/Microsoft.Compute/galleries/g${i}`, { location: "westus2" }, "2023-07-03");
          if (r.status === 201) acknowledged.push(`g${i}`);
        } catch {
          return; // connection lost when the process died
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    first.child.kill("SIGKILL");
    await exited(first.child);
    stop = true;
    await writer;
    expect(acknowledged.length).toBeGreaterThan(3);
    const second = await start(["--state", state, "--seed", "empty"]);
    try {
      const list = await call(second.url, "GET", `${RG}/Microsoft.Compute/galleries`, undefined, "2023-07-03");
      const names = new Set(list.json.value.map((x: { name: string }) => x.name));
      for (const n of acknowledged) expect(names.has(n), n).toBe(true);
      expect(names.has("labgallery")).toBe(true); // the demo seed of the first run, not `--seed empty`
      void GALLERY;
    } finally {
      second.child.kill("SIGINT");
    }
    expect(await exited(second.child)).toBe(0);
  });
});
