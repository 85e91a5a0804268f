/**
 * The state file is written whole even when write(2) writes less than asked (allowed for any fd;
 * seen on full disks and some network file systems). Simulated by a writeSync that writes half.
 */
import type * as Fs from "node:fs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it, vi } from "vitest";

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  const writeSync = (fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
    const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    void rest;
    return real.writeSync(fd, buf, 0, Math.max(1, Math.ceil(buf.length / 2)));
  };
  return { ...real, default: { ...real, writeSync }, writeSync };
});

it("writeAtomic writes the whole text when a write is short", async () => {
  const { writeAtomic } = await import("../../src/emulator/state.js");
  const path = join(mkdtempSync(join(tmpdir(), "emu-write-")), "state.json");
  const text = JSON.stringify({ format: "x", big: "y".repeat(100_000) });
  writeAtomic(path, text);
  expect(readFileSync(path, "utf8")).toBe(text);
});
