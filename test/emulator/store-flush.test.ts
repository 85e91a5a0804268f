/** A state write that fails is not forgotten: the store stays dirty and the next flush writes. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Store } from "../../src/emulator/state.js";
import type { EmulatorSnapshot } from "../../src/emulator/state.js";

it("a failed write keeps the change pending, and the next flush persists it", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "emu-flush-")), "not-yet");
  const path = join(dir, "state.json");
  const snapshot = { resources: {} } as unknown as EmulatorSnapshot;
  const store = new Store(snapshot, path);
  store.touch();
  expect(() => store.flush(1)).toThrow(); // the folder does not exist yet
  mkdirSync(dir);
  store.flush(2); // no new change: only the pending one
  expect(existsSync(path)).toBe(true);
  expect(JSON.parse(readFileSync(path, "utf8")).clock).toBe(2);
});
