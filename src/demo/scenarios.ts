/**
 * The four scenarios of the demo, written only against the public SDK (`../index.js`, what
 * `import … from "azure-lab-gallery"` gives a user). Each step prints what it does; long operations
 * show progress; the run ends with a summary table.
 */
import {
  isImageCredentialsError,
  LabAccountClient,
  LabClient,
  TemplateClient,
  type CreateLabState,
  type ExportState,
  type GalleryImage,
  type Lab,
  type PollerLike,
} from "../index.js";
import { describeError } from "../cli/errors.js";
import { formatTable, type Output } from "../cli/output.js";
import { createProgress } from "../cli/progress.js";
import { generatePassword, type DemoTarget } from "./config.js";

export interface StepResult {
  step: string;
  scenario: string;
  outcome: "ok" | "failed" | "skipped";
  result: string;
  seconds: number;
}

interface Ctx {
  out: Output;
  target: DemoTarget;
  /** Images produced by earlier steps, for the later ones. */
  exported: { plan?: GalleryImage; classic?: GalleryImage };
}

const say = (c: Ctx, line: string) => c.out.writeOut(`  ${c.out.style("✓", "green", "out")} ${line}\n`);

async function followExport(c: Ctx, poller: PollerLike<ExportState, GalleryImage>): Promise<GalleryImage> {
  const progress = createProgress(c.out);
  const off = poller.onProgress((s) => {
    progress.update("export", `  export ${s.imageName}`, s.percentComplete, s.phase);
    for (const r of s.regions) progress.update(`r:${r.region}`, `  replicate ${r.region}`, r.progress, r.state.toLowerCase());
  });
  try {
    return await poller;
  } finally {
    off();
    progress.stop();
  }
}

async function followCreate(c: Ctx, name: string, poller: PollerLike<CreateLabState, Lab>): Promise<Lab> {
  const progress = createProgress(c.out);
  const off = poller.onProgress((s) => progress.update("lab", `  create ${name}`, s.percentComplete, s.provisioningState?.toLowerCase() ?? s.phase));
  try {
    return await poller;
  } finally {
    off();
    progress.stop();
  }
}

/** Scenario 1: attach the gallery, enable the generalized image, create a lab with new admin credentials. */
async function generalized(c: Ctx): Promise<string> {
  const n = c.target.names;
  const opts = c.target.clientOptions;
  const account = new LabAccountClient(n.labPlanId, opts);
  const attached = await account.attachGallery(n.galleryId);
  say(c, `admin attached gallery ${attached.galleryName} to lab plan ${n.labPlanName}`);
  const [image] = await account.setImageEnabled(n.generalizedImage, true);
  if (!image) throw new Error(`setImageEnabled returned no image for ${n.generalizedImage}`);
  say(c, `admin enabled ${image.name} (${image.osType ?? "?"}, ${image.osState ?? "?"}, regions ${image.availableRegions.join(", ") || "?"})`);
  const name = `intro-win11${n.suffix}`;
  const password = generatedSecret(c);
  const lab = await followCreate(
    c,
    name,
    new LabClient(n.labPlanId, opts).createFromGalleryImage(
      {
        name,
        title: "Introduction to Windows 11",
        image,
        sku: n.sku,
        capacity: 10,
        usageQuota: { hours: 10 },
        credentials: { kind: "new", adminUser: { username: "teacher", password } },
      },
      { ifExists: "reuse" },
    ),
  );
  say(c, `lab creator created lab ${lab.name} from ${image.name} with a new admin user "teacher" (${lab.provisioningState})`);
  return `lab ${lab.name} from generalized ${image.name}`;
}

/** Scenario 2: export the template of a lab-plan lab (replicated across the geography), create a lab from it. */
async function specialized(c: Ctx): Promise<string> {
  const n = c.target.names;
  const opts = c.target.clientOptions;
  const imageName = `${n.labName}-template${n.suffix}`;
  c.out.writeOut(`  teacher exports the template of ${n.labName} as ${imageName}, replicated across the geography…\n`);
  const image = await followExport(c, new TemplateClient(n.labId, opts).exportToGallery({ imageName, replicateTo: "geography" }));
  c.exported.plan = image;
  say(c, `exported ${image.name} (${image.osState ?? "?"}; replicated to ${image.availableRegions.join(", ") || "?"})`);
  const name = `${n.labName}-b${n.suffix}`;
  const lab = await followCreate(
    c,
    name,
    new LabClient(n.labPlanId, opts).createFromGalleryImage(
      {
        name,
        title: "Biology 101 (section B)",
        image,
        sku: n.sku,
        usageQuota: { hours: 10 },
        // A specialized image keeps the template VM's accounts: reuse its credentials.
        credentials: { kind: "fromImage", username: n.templateUser, password: c.target.names.templatePassword },
      },
      { enableImage: true, ifExists: "reuse" },
    ),
  );
  say(c, `another lab creator created lab ${lab.name} from ${image.name} with the template's credentials (${n.templateUser})`);
  return `exported ${image.name}; lab ${lab.name} from it`;
}

/** Scenario 3: the same path on a classic lab account. */
async function classic(c: Ctx): Promise<string> {
  const n = c.target.names;
  const cl = n.classic;
  if (!cl) throw new SkipStep("no classic lab account configured for --live");
  const opts = c.target.clientOptions;
  const attached = await new LabAccountClient(cl.accountId, opts).attachGallery(n.galleryId);
  say(c, `admin attached gallery ${attached.galleryName} to lab account ${cl.accountName} (its images are enabled by default)`);
  const imageName = `${cl.labName}-template${n.suffix}`;
  c.out.writeOut(`  teacher exports the template of ${cl.labName} as ${imageName} (experimental classic save-image call)…\n`);
  const image = await followExport(
    c,
    new TemplateClient(cl.labId, opts).exportToGallery({ imageName }, { experimentalClassicSaveImage: true }),
  );
  c.exported.classic = image;
  say(c, `exported ${image.name} (${image.osState ?? "?"}); lab accounts replicate across the geography themselves`);
  const name = `${cl.labName}-b${n.suffix}`;
  const lab = await followCreate(
    c,
    name,
    new LabClient(cl.accountId, opts).createFromGalleryImage(
      {
        name,
        image,
        sku: cl.sku,
        usageQuota: { hours: 10 },
        credentials: { kind: "fromImage", username: n.templateUser, password: cl.templatePassword },
      },
      { ifExists: "reuse" },
    ),
  );
  say(c, `lab creator created lab ${lab.name} on ${cl.accountName} from ${image.name} (${lab.provisioningState})`);
  return `exported ${image.name}; lab ${lab.name} from it`;
}

/** Scenario 4: new admin credentials on a specialized image — the validation error a user would get. */
async function mistake(c: Ctx): Promise<string> {
  const n = c.target.names;
  const image = c.exported.plan;
  if (!image) throw new SkipStep("needs the image exported in step 2");
  c.out.writeOut(`  a lab creator asks for a NEW admin user on the specialized image ${image.name}…\n`);
  try {
    const poller = new LabClient(n.labPlanId, c.target.clientOptions).createFromGalleryImage({
      name: `mistake${n.suffix}`,
      image,
      sku: n.sku,
      usageQuota: { hours: 10 },
      credentials: { kind: "new", adminUser: { username: "teacher", password: generatedSecret(c) } },
    });
    await poller;
  } catch (e) {
    if (!isImageCredentialsError(e)) throw e;
    const d = describeError(e);
    c.out.writeOut(`  ${c.out.style("✗", "yellow", "out")} rejected before any request, as expected:\n`);
    c.out.writeOut(`      ${e.name}: ${d.message}\n`);
    if (d.hint) c.out.writeOut(`      hint: ${d.hint}\n`);
    return `${e.name} caught, nothing created`;
  }
  throw new Error("The SDK accepted new credentials for a specialized image; it should have refused them.");
}

class SkipStep extends Error {
  override name = "SkipStep";
}

function generatedSecret(c: Ctx): string {
  const pw = generatePassword();
  c.out.addSecret(pw);
  return pw;
}

export const SCENARIOS: ReadonlyArray<{ title: string; scenario: string; run: (c: Ctx) => Promise<string> }> = [
  {
    scenario: "generalized image",
    title: "An admin attaches the gallery to the lab plan and enables a generalized image; a lab creator creates a lab with new admin credentials",
    run: generalized,
  },
  {
    scenario: "export + specialized",
    title: "A teacher exports a lab's template to the gallery (replicated across the geography); another lab creator creates a lab from it with the template's credentials",
    run: specialized,
  },
  { scenario: "classic lab account", title: "The same attach → export → create path on a classic lab account", run: classic },
  { scenario: "deliberate mistake", title: "One deliberate mistake: new credentials on a specialized image", run: mistake },
];

/** Runs every scenario, prints a summary table, and returns the results. */
export async function runScenarios(out: Output, target: DemoTarget): Promise<StepResult[]> {
  const ctx: Ctx = { out, target, exported: {} };
  const results: StepResult[] = [];
  for (const [i, s] of SCENARIOS.entries()) {
    const step = `${i + 1}/${SCENARIOS.length}`;
    out.writeOut(`\n${out.style(`[${step}] ${s.title}`, "bold", "out")}\n`);
    const started = Date.now();
    let outcome: StepResult["outcome"] = "ok";
    let result: string;
    try {
      result = await s.run(ctx);
    } catch (e) {
      if (e instanceof SkipStep) {
        outcome = "skipped";
        result = e.message;
        out.writeOut(`  skipped: ${e.message}\n`);
      } else {
        outcome = "failed";
        const d = describeError(e);
        result = d.message;
        out.writeOut(`  ${out.style("✗ failed:", "red", "out")} ${d.message}\n`);
        if (d.hint) out.writeOut(`    hint: ${d.hint}\n`);
        for (const line of d.details) out.writeOut(`    ${line}\n`);
      }
    }
    results.push({ step, scenario: s.scenario, outcome, result, seconds: (Date.now() - started) / 1000 });
  }
  out.writeOut(`\n${out.style("Summary", "bold", "out")}\n`);
  out.writeOut(
    `${formatTable(results, [
      { header: "STEP", value: (r) => r.step },
      { header: "SCENARIO", value: (r) => r.scenario },
      { header: "OUTCOME", value: (r) => r.outcome },
      { header: "TIME", value: (r) => `${r.seconds.toFixed(1)}s`, align: "right" },
      { header: "RESULT", value: (r) => r.result },
    ])}\n`,
  );
  return results;
}
