/**
 * The SDK surface the CLI calls, as narrow interfaces, and the factories that build the real clients.
 * Commands only see these interfaces, so in-process tests can hand in fakes while the spawned-binary
 * tests exercise the real clients against the emulator.
 */
import { LabAccountClient, LabClient, TemplateClient, type AccountId, type ClassicLabId, type ClientOptions, type LabId, type PollerLike } from "../index.js";
import type { AttachedGallery, GalleryImage } from "../models/gallery-image.js";
import type { CreateLabState, ExportState, Lab } from "../models/lab.js";

export interface ImageFilter {
  enabled?: boolean;
  source?: "gallery" | "marketplace";
  osState?: "Generalized" | "Specialized";
  osType?: "Windows" | "Linux";
  displayName?: string;
}

export interface AccountClientLike {
  attachGallery(galleryId: string, options?: { replace?: boolean; preflight?: boolean }): Promise<AttachedGallery>;
  getAttachedGallery(): Promise<AttachedGallery | undefined>;
  detachGallery(): Promise<unknown>;
  listImages(filter?: ImageFilter): AsyncIterable<GalleryImage>;
  getImage(nameOrId: string): Promise<GalleryImage>;
  setImageEnabled(names: string[], enabled: boolean): Promise<GalleryImage[]>;
}


export interface ExportOptions {
  imageName: string;
  replicateTo?: string[] | "geography";
}
export interface ExportPollOptions {
  experimentalClassicSaveImage?: boolean;
  preflight?: boolean;
}

export interface TemplateClientLike {
  exportToGallery(options: ExportOptions, pollOptions?: ExportPollOptions): PollerLike<ExportState, GalleryImage>;
}

export type LabCredentials =
  | { kind: "new"; adminUser: { username: string; password: string } }
  | { kind: "fromImage"; username: string; password: string };

export interface CreateLabOptions {
  name: string;
  image: GalleryImage | string;
  sku: string;
  usageQuota: { hours: number };
  credentials: LabCredentials;
  location?: string;
  title?: string;
  capacity?: number;
}

export interface LabClientLike {
  createFromGalleryImage(options: CreateLabOptions, extra?: { enableImage?: boolean; preflight?: boolean }): PollerLike<CreateLabState, Lab>;
  get(name: string): Promise<Lab>;
  list(): AsyncIterable<Lab>;
  delete(name: string): PromiseLike<unknown>;
}

/** A running emulator, as the `emulator` command needs it. */
export interface RunningEmulatorLike {
  url: string;
  subscriptionId: string;
  close(): Promise<void>;
}

/** Factories for everything the CLI talks to. */
export interface CliDeps {
  accountClient(account: AccountId, options: ClientOptions): AccountClientLike;
  templateClient(lab: LabId | ClassicLabId, options: ClientOptions): TemplateClientLike;
  resumeExport(token: string, options: ClientOptions): PollerLike<ExportState, GalleryImage>;
  labClient(account: AccountId, options: ClientOptions): LabClientLike;
  /** Starts the standalone emulator from its own command-line arguments (the emulator's runner). */
  runEmulator(argv: string[], io: { out(line: string): void; err(line: string): void }): Promise<RunningEmulatorLike>;
}

/** The real clients of the public SDK. */
export function defaultDeps(): CliDeps {
  return {
    accountClient: (account, options) => new LabAccountClient(account, options),
    templateClient: (lab, options) => new TemplateClient(lab, options),
    resumeExport: (token, options) => TemplateClient.resumeExport(token, options),
    labClient: (account, options) => new LabClient(account, options),
    // Loaded only by the `emulator` command, so the other commands start without it.
    runEmulator: async (argv, io) => (await import("../emulator/cli.js")).runEmulatorCli(argv, io),
  };
}
