/**
 * Emulator persistence (issue 10), extending test/emulator/process.test.ts (which checks that
 * acknowledged galleries survive a kill -9): here a mixed burst of concurrent writes (gallery PUTs,
 * lab-plan PATCHes, image enables, deletes) runs against `node dist/emulator-cli.js --state f`,
 * a reader parses the state file continuously while it is being written, the process is killed
 * with SIGKILL mid-burst, and after a restart every acknowledged change — including deletions —
 * is there. The state file must parse at every instant, and hold no sentinel.
 *
 * What breaks it: writing the file in place (a reader or a crash sees half a file), answering
 * before the write is durable (an acknowledged change is missing after the restart), or persisting
 * a request's password or Authorization header.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { leaksIn, report, SENTINEL_TOKEN } from "./helpers.js";
import { PLAN, RG } from "./workflow.js";

const BIN = path.resolve(__dirname, "../../dist/emulator-cli.js");

async function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(BIN)) throw new Error("dist/ is missing: run `npm run build` first");
  const child = spawn(process.execPath, [BIN, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 15_000);
    const on = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
    child.on("exit", () => reject(new Error(`emulator exited: ${out}`)));
  });
  return { child, url };
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.on("exit", () => r())));

async function call(url: string, method: string, p: string, body?: unknown, api = "2023-07-03") {
  const r = await fetch(`${url}${p}?api-version=${api}`, {
    method,
    headers: { authorization: `Bearer ${SENTINEL_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: (await r.text().then((t) => (t ? JSON.parse(t) : undefined))) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

it("kill -9 during a burst of mixed writes: the state file always parses, every acknowledged change survives", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rel-persist-"));
  const state = path.join(dir, "state.json");
  const first = await start(["--state", state, "--speed", "1000"]);
  const created = new Set<string>();
  const deleted = new Set<string>();
  let stop = false;
  let reads = 0;
  let corrupt = 0;
  const reader = (async () => {
    while (!stop) {
      try {
        JSON.parse(readFileSync(state, "utf8"));
        reads++;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") corrupt++;
      }
      await new Promise((r) => setImmediate(r));
    }
  })();
  let killing = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}g${i}`;
      try {
        const r = await call(first.url, "PUT", `${RG}/Microsoft.Compute/galleries/${name}`, { location: "westus2" });
        if (r.status === 201) created.add(name);
        if (i % 3 === 2) {
          const victim = `w${w}g${i - 1}`;
          const d = await call(first.url, "DELETE", `${RG}/Microsoft.Compute/galleries/${victim}`);
          if (d.status === 200 || d.status === 202 || d.status === 204) deleted.add(victim);
        }
        if (i % 5 === 0) await call(first.url, "PATCH", PLAN, { properties: { defaultAutoShutdownProfile: { shutdownOnDisconnect: i % 2 ? "Enabled" : "Disabled" } } }, "2023-06-07");
      } catch (e) {
        // A connection can die in the moment between kill() and the child's exit being observed.
        if (!stop && !killing && first.child.exitCode === null && first.child.signalCode === null) throw e;
        return; // the connection died with the process
      }
    }
  };
  const writers = Promise.all([0, 1, 2, 3].map(writer));
  await new Promise((r) => setTimeout(r, 700));
  killing = true;
  first.child.kill("SIGKILL");
  await exited(first.child);
  await writers;
  stop = true;
  await reader;
  expect(created.size, "the burst wrote something before the kill").toBeGreaterThan(5);
  const text = readFileSync(state, "utf8");
  expect(() => JSON.parse(text), "the state file after kill -9").not.toThrow();
  expect(corrupt, "a reader saw a half-written state file").toBe(0);
  expect(leaksIn(text), "sentinel token persisted").toEqual([]);

  const second = await start(["--state", state, "--seed", "empty", "--speed", "1000"]);
  try {
    // Deletes are long-running (5 s simulated = 5 ms here): let them finish on the restarted clock.
    await new Promise((r) => setTimeout(r, 100));
    const list = await call(second.url, "GET", `${RG}/Microsoft.Compute/galleries`);
    const names = new Set<string>((list.json["value"] as Array<{ name: string }>).map((g) => g.name));
    const missing = [...created].filter((n) => !deleted.has(n) && !names.has(n));
    expect(missing, "acknowledged creations lost").toEqual([]);
    const resurrected = [...deleted].filter((n) => names.has(n));
    expect(resurrected, "acknowledged deletions undone").toEqual([]);
    report("emulator-persistence", { acknowledgedCreates: created.size, acknowledgedDeletes: deleted.size, stateFileReadsDuringBurst: reads, corruptReads: corrupt, lostAfterKill9: missing.length + resurrected.length });
  } finally {
    second.child.kill("SIGKILL");
    await exited(second.child);
  }
});
