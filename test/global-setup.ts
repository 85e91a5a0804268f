/**
 * Gives the whole test run one private temporary root (via TMPDIR, which `os.tmpdir()` reads on
 * every call and every worker and child process inherits) and removes it afterwards, so the
 * checkpoints, state files and consumer projects the suites create never pile up in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "alg-test-run-"));
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = root;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
