// (e) requests per workflow, (f) bulk create under the write limit, (g) peak RSS of 20 concurrent
// exports: all against the in-memory emulator, with the three clients.
import { pending } from "../lib/util.mjs";

export async function runEmulatorParts(ctx, { want }) {
  const missing = [
    !ctx.has.emulator && "emulator",
    !ctx.has.accountClient && "account-client",
    !ctx.has.templateClient && "template-client",
    !ctx.has.labClient && "lab-client",
  ].filter(Boolean);
  const rows = [];
  const result = {};
  if (missing.length > 0) {
    const needs = missing.join(", ");
    if (want("e")) rows.push(pending("e", "requests per workflow (attach+enable, export, create lab) vs protocol minimum", needs));
    if (want("f")) rows.push(pending("f", "bulk: 50 labs from one image under the emulator write limit", needs));
    if (want("g")) rows.push(pending("g", "peak RSS, 20 concurrent exports", needs));
    for (const p of ["e", "f", "g"]) if (want(p)) result[p] = { status: "pending", needs: missing };
    return { result, rows };
  }
  return { result, rows };
}
