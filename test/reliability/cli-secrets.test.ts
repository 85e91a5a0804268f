/**
 * Secret hygiene of the CLI (issue 10): the whole workflow through `lab-gallery` (in-process `run`,
 * the same code as the bin) against an emulator server, with the sentinel password in
 * LAB_GALLERY_PASSWORD, --verbose, and @azure/logger at verbose. The sentinel must not appear in
 * stdout or stderr (human and --json), in successes or in errors (a conflict, a validation error,
 * an injected service failure), nor in the log lines. The CLI signs in to a loopback emulator with
 * the emulator's own static token, so the token sentinel is covered by the SDK suites instead.
 *
 * What breaks it: echoing the request body in an error, printing the options object in --verbose,
 * or logging request bodies at verbose.
 */
import { expect, it } from "vitest";
import { runCliWithRealClients } from "../cli/helpers.js";
import { startEmulator } from "../../src/emulator/index.js";
import { captureAzureLogs, leaksIn, report, SENTINEL_PASSWORD } from "./helpers.js";
import { ACCOUNT, GALLERY, PLAN, PLAN_LAB } from "./workflow.js";

async function cli(argv: string[], env: Record<string, string>) {
  return runCliWithRealClients(argv, env);
}

it("the workflow through the CLI (human and --json, successes and failures) never prints the password", { timeout: 60_000 }, async () => {
  const emu = await startEmulator({ port: 0, speed: 1e5 });
  const logs = captureAzureLogs();
  const env = { LAB_GALLERY_ENDPOINT: emu.url, LAB_GALLERY_PASSWORD: SENTINEL_PASSWORD, LAB_GALLERY_POLL_INTERVAL_MS: "5" };
  const runs: Array<{ argv: string[]; code: number }> = [];
  let texts = "";
  try {
    for (const json of [[], ["--json"]]) {
      const v = [...json, "--verbose"];
      const suffix = json.length ? "j" : "h";
      const commands = [
        [...v, "gallery", "attach", GALLERY, "--account", PLAN],
        [...v, "gallery", "attach", GALLERY, "--account", ACCOUNT],
        [...v, "images", "enable", "win11-base", "--account", PLAN],
        [...v, "export", "--lab", PLAN_LAB, "--image-name", `cli-img-${suffix}`],
        [...v, "labs", "create", "--account", PLAN, "--image", "win11-base", "--name", `cli-lab-${suffix}`, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--admin-user", "teacher"],
        // Conflict: the same lab again.
        [...v, "labs", "create", "--account", PLAN, "--image", "win11-base", "--name", `cli-lab-${suffix}`, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--admin-user", "teacher"],
        // Service-side failure of the creation (injected below).
        [...v, "labs", "create", "--account", PLAN, "--image", "win11-base", "--name", `cli-fail-${suffix}`, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--admin-user", "teacher"],
        // Client-side validation failure with the password in play.
        [...v, "labs", "create", "--account", PLAN, "--image", "win11-base", "--name", `bad name ${suffix}`, "--sku", "Classic_Fsv2_2_4GB_128_S_SSD", "--admin-user", "teacher"],
        [...v, "labs", "create", "--account", ACCOUNT, "--image", "win11-base", "--name", `cli-classic-${suffix}`, "--sku", "Basic", "--admin-user", "teacher"],
        [...v, "labs", "list", "--account", PLAN],
      ];
      for (const argv of commands) {
        if (argv.includes(`cli-fail-${suffix}`)) emu.faults.add({ kind: "lroFail", method: "PUT", path: `/labs/cli-fail-${suffix}`, code: "LabCreationFailed", message: "injected", times: 1 });
        const r = await cli(argv, env);
        runs.push({ argv, code: r.code });
        texts += `${r.out}\n${r.err}\n`;
      }
    }
    const passwordBodies = emu.requests.filter((q) => q.method === "PUT" && /\/labs\//.test(q.path)).length;
    const leaks = leaksIn(`${texts}\n${logs.lines.join("\n")}`);
    report("cli-secrets", { commands: runs.length, exitCodes: runs.map((r) => r.code), outputBytes: texts.length, logLines: logs.lines.length, labPutsWithPassword: passwordBodies, secretsLeaked: leaks.length });
    expect(leaks).toEqual([]);
    // Non-vacuity: the successes, the conflict and both failures really happened.
    expect(runs.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(12);
    expect(runs.filter((r) => r.code !== 0).length).toBeGreaterThanOrEqual(4);
    expect(passwordBodies).toBeGreaterThan(0);
  } finally {
    logs.restore();
    await emu.close();
  }
});
