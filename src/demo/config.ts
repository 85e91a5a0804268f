/**
 * Where the demo runs: the embedded emulator (default) or real Azure (`--live`), and the names of
 * the resources it uses in each case. Live mode reads everything from environment variables; see
 * docs/cli.md#demo.
 */
import { randomBytes } from "node:crypto";
import { accountId, formatClassicLabId, formatGalleryId, formatLabId, type AccountId, type ClassicLabId, type ClientOptions, type GalleryId, type LabId } from "../index.js";

export interface DemoNames {
  subscriptionId: string;
  resourceGroup: string;
  galleryId: GalleryId;
  galleryName: string;
  labPlanId: AccountId;
  labPlanName: string;
  /** The generalized image uploaded to the gallery outside any lab. */
  generalizedImage: string;
  /** The lab-plan lab whose template is exported. */
  labId: LabId;
  labName: string;
  /** The template VM's admin user (and its password, which the exported image keeps). */
  templateUser: string;
  templatePassword: string;
  /** The classic lab account and its lab; undefined when the live run skips scenario 3. */
  classic: { accountId: AccountId; accountName: string; labId: ClassicLabId; labName: string; templatePassword: string; sku: string } | undefined;
  /** VM size of the labs created on the lab plan. */
  sku: string;
  /** Appended to the names of everything the demo creates (so live re-runs do not collide). */
  suffix: string;
}

export interface DemoTarget {
  live: boolean;
  /** Shown in the banner. */
  where: string;
  names: DemoNames;
  clientOptions: ClientOptions;
  /** Stops whatever the target started (the emulator). */
  close(): Promise<void>;
}

/** A throwaway password that satisfies the Windows and Linux complexity rules. Never printed. */
export function generatePassword(): string {
  return `Dm-${randomBytes(12).toString("base64url")}-7a!`;
}

export const LIVE_ENV = {
  subscription: "AZURE_SUBSCRIPTION_ID",
  resourceGroup: "LAB_GALLERY_DEMO_RESOURCE_GROUP",
  gallery: "LAB_GALLERY_DEMO_GALLERY",
  galleryResourceGroup: "LAB_GALLERY_DEMO_GALLERY_RESOURCE_GROUP",
  labPlan: "LAB_GALLERY_DEMO_LAB_PLAN",
  image: "LAB_GALLERY_DEMO_IMAGE",
  lab: "LAB_GALLERY_DEMO_LAB",
  templateUser: "LAB_GALLERY_DEMO_TEMPLATE_USER",
  templatePassword: "LAB_GALLERY_DEMO_TEMPLATE_PASSWORD",
  labAccount: "LAB_GALLERY_DEMO_LAB_ACCOUNT",
  classicLab: "LAB_GALLERY_DEMO_CLASSIC_LAB",
  classicTemplatePassword: "LAB_GALLERY_DEMO_CLASSIC_TEMPLATE_PASSWORD",
  sku: "LAB_GALLERY_DEMO_SKU",
  classicSku: "LAB_GALLERY_DEMO_CLASSIC_SKU",
  suffix: "LAB_GALLERY_DEMO_SUFFIX",
} as const;

/** The names the emulator's demo seed holds. */
export function emulatorNames(subscriptionId: string, resourceGroup: string): DemoNames {
  const scope = { subscriptionId, resourceGroup };
  const templatePassword = generatePassword();
  return {
    subscriptionId,
    resourceGroup,
    galleryId: formatGalleryId({ ...scope, name: "labgallery" }),
    galleryName: "labgallery",
    labPlanId: accountId({ ...scope, name: "plan-westus2", kind: "labPlan" }),
    labPlanName: "plan-westus2",
    generalizedImage: "win11-base",
    labId: formatLabId({ ...scope, name: "biology-101" }),
    labName: "biology-101",
    templateUser: "labadmin",
    templatePassword,
    classic: {
      accountId: accountId({ ...scope, name: "classic-account", kind: "labAccount" }),
      accountName: "classic-account",
      labId: formatClassicLabId({ ...scope, labAccount: "classic-account", name: "chemistry-201" }),
      labName: "chemistry-201",
      templatePassword: generatePassword(),
      sku: "Basic",
    },
    sku: "Classic_Fsv2_2_4GB_128_S_SSD",
    suffix: "",
  };
}

export class MissingLiveSettingsError extends Error {
  override name = "MissingLiveSettingsError";
}

/** Names for `--live`, from the environment. Throws listing every missing variable. */
export function liveNames(env: Record<string, string | undefined>): DemoNames {
  const get = (k: string, dflt?: string) => {
    const v = env[k];
    return v !== undefined && v !== "" ? v : dflt;
  };
  const required: string[] = [LIVE_ENV.subscription, LIVE_ENV.resourceGroup, LIVE_ENV.gallery, LIVE_ENV.labPlan, LIVE_ENV.lab, LIVE_ENV.templatePassword];
  const missing = required.filter((k) => get(k) === undefined);
  const classicWanted = get(LIVE_ENV.labAccount) !== undefined || get(LIVE_ENV.classicLab) !== undefined;
  if (classicWanted) {
    for (const k of [LIVE_ENV.labAccount, LIVE_ENV.classicLab, LIVE_ENV.classicTemplatePassword]) if (get(k) === undefined) missing.push(k);
  }
  if (missing.length > 0) {
    throw new MissingLiveSettingsError(`--live needs these environment variables: ${missing.join(", ")} (see docs/cli.md#demo).`);
  }
  const subscriptionId = get(LIVE_ENV.subscription) as string;
  const resourceGroup = get(LIVE_ENV.resourceGroup) as string;
  const scope = { subscriptionId, resourceGroup };
  const galleryName = get(LIVE_ENV.gallery) as string;
  const labName = get(LIVE_ENV.lab) as string;
  const planName = get(LIVE_ENV.labPlan) as string;
  const accountName = get(LIVE_ENV.labAccount);
  const classicLab = get(LIVE_ENV.classicLab);
  return {
    subscriptionId,
    resourceGroup,
    galleryId: formatGalleryId({ subscriptionId, resourceGroup: get(LIVE_ENV.galleryResourceGroup, resourceGroup) as string, name: galleryName }),
    galleryName,
    labPlanId: accountId({ ...scope, name: planName, kind: "labPlan" }),
    labPlanName: planName,
    generalizedImage: get(LIVE_ENV.image, "win11-base") as string,
    labId: formatLabId({ ...scope, name: labName }),
    labName,
    templateUser: get(LIVE_ENV.templateUser, "labadmin") as string,
    templatePassword: get(LIVE_ENV.templatePassword) as string,
    classic:
      accountName !== undefined && classicLab !== undefined
        ? {
            accountId: accountId({ ...scope, name: accountName, kind: "labAccount" }),
            accountName,
            labId: formatClassicLabId({ ...scope, labAccount: accountName, name: classicLab }),
            labName: classicLab,
            templatePassword: get(LIVE_ENV.classicTemplatePassword) as string,
            sku: get(LIVE_ENV.classicSku, "Basic") as string,
          }
        : undefined,
    sku: get(LIVE_ENV.sku, "Classic_Fsv2_2_4GB_128_S_SSD") as string,
    suffix: get(LIVE_ENV.suffix, `-${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`) as string,
  };
}
