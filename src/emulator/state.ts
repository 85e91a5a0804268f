/**
 * In-memory state of the emulator, as one JSON-serialisable snapshot. Resources are stored as the ARM
 * bodies a GET returns (their static part); values that depend on time (replication progress, lab plan
 * images) are computed when read. With `statePath` the snapshot is written atomically after every change.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type StoredKind =
  | "labPlan"
  | "lab"
  | "labVirtualMachine"
  | "gallery"
  | "galleryImage"
  | "galleryImageVersion"
  | "labAccount"
  | "classicLab"
  | "environmentSetting"
  | "labAccountSharedGallery";

export interface ReplicationRegion {
  /** ARM location name, e.g. `westus2`. */
  region: string;
  startAt: number;
  endAt: number;
  failed?: boolean;
}

export interface StoredResource {
  kind: StoredKind;
  /** Canonical resource id. */
  id: string;
  /** The body a GET returns (static part). */
  body: JsonObject;
  /** Emulator-only facts that never appear on the wire. */
  meta?: {
    /** Image versions: per-region replication schedule. */
    replication?: ReplicationRegion[];
    /** Image versions saved from a lab: the template's admin user (specialized images keep their accounts, C.5). */
    adminUsername?: string;
    /** Lab VMs / labs: operating system. */
    osType?: string;
    /** Labs: state of the image they were created from. */
    osState?: string;
  };
}

export type OperationStatus = "NotStarted" | "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface OperationRecord {
  /** GUID; also the last segment of the operation URL. */
  name: string;
  family: "labPlans" | "labAccounts" | "compute";
  subscriptionId: string;
  region: string;
  apiVersion: string;
  status: OperationStatus;
  startTime: number;
  /** Simulated time at which the operation ends. */
  dueAt: number;
  endTime?: number;
  error?: { code: string; message: string };
  /** Failure injected by a fault rule, applied at `dueAt`. */
  injectedFailure?: { code: string; message: string };
  /** The effect applied at `dueAt` (see operations.ts). */
  effect: { kind: string; data: JsonObject };
  /** HTTP status the `Location` URL answers with a failure in `rpc` mode. */
  failureStatus?: number;
}

export interface MarketplaceImage {
  /** Lab plan image name; default `publisher.offer.sku` (G.3). */
  name?: string;
  publisher: string;
  offer: string;
  sku: string;
  version: string;
  displayName: string;
  osType: "Windows" | "Linux";
  description?: string;
  author?: string;
  /** Regions where the image can be used; absent = everywhere. */
  regions?: string[];
}

export interface EmulatorSnapshot {
  format: "azure-lab-gallery-emulator/1";
  subscriptionId: string;
  /** Emulator time when the snapshot was taken (ms since epoch). */
  clock: number;
  resources: Record<string, StoredResource>;
  operations: Record<string, OperationRecord>;
  marketplaceImages: MarketplaceImage[];
  /** Explicit image states: key `lower(containerId)|lower(imageName)`. Missing = default of the container kind. */
  imageStates: Record<string, "Enabled" | "Disabled">;
  /** Lab account shared images that are being updated: key as imageStates, value = simulated time of Succeeded. */
  imageUpdates?: Record<string, number>;
}

export const SNAPSHOT_FORMAT = "azure-lab-gallery-emulator/1" as const;

export function emptySnapshot(subscriptionId: string, clock: number): EmulatorSnapshot {
  return { format: SNAPSHOT_FORMAT, subscriptionId, clock, resources: {}, operations: {}, marketplaceImages: [], imageStates: {}, imageUpdates: {} };
}

const key = (id: string) => id.toLowerCase();

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The resource store with change tracking and atomic persistence. */
export class Store {
  data: EmulatorSnapshot;
  private dirty = false;
  constructor(
    snapshot: EmulatorSnapshot,
    private readonly statePath: string | undefined,
  ) {
    this.data = snapshot;
  }

  get(id: string): StoredResource | undefined {
    return this.data.resources[key(id)];
  }
  getKind(id: string, kind: StoredKind): StoredResource | undefined {
    const r = this.get(id);
    return r && r.kind === kind ? r : undefined;
  }
  put(r: StoredResource): void {
    this.data.resources[key(r.id)] = r;
    this.touch();
  }
  delete(id: string): void {
    delete this.data.resources[key(id)];
    this.touch();
  }
  /** Resources of `kind` whose id starts with `prefix` (case-insensitive), in creation order. */
  list(kind: StoredKind, prefix = ""): StoredResource[] {
    const p = prefix.toLowerCase();
    return Object.values(this.data.resources).filter((r) => r.kind === kind && r.id.toLowerCase().startsWith(p));
  }
  /** Direct children of `parentId` of `kind`. */
  children(kind: StoredKind, parentId: string): StoredResource[] {
    const p = `${parentId.toLowerCase()}/`;
    const depth = parentId.split("/").length + 2;
    return this.list(kind, p).filter((r) => r.id.split("/").length === depth);
  }
  touch(): void {
    this.dirty = true;
  }
  /** Writes the snapshot when something changed (atomic: temp file, fsync, rename). */
  flush(clockNow: number): void {
    if (!this.dirty) return;
    this.data.clock = clockNow;
    // Still dirty until the write succeeded: a failed write (disk full) is retried on the next
    // flush instead of being forgotten, and the request that failed to persist answers an error.
    if (this.statePath) writeAtomic(this.statePath, JSON.stringify(this.data));
    this.dirty = false;
  }
}

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    // writeSync is one write(2) and may write less than asked; writeFileSync on an fd loops to the end.
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readSnapshotFile(path: string): EmulatorSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  return parseSnapshot(readFileSync(path, "utf8"), path);
}

export function parseSnapshot(text: string, source: string): EmulatorSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const s = v as Partial<EmulatorSnapshot>;
  if (!s || typeof s !== "object" || s.format !== SNAPSHOT_FORMAT || typeof s.subscriptionId !== "string" || typeof s.resources !== "object") {
    throw new Error(`${source}: not an emulator snapshot (expected "format": "${SNAPSHOT_FORMAT}")`);
  }
  return {
    format: SNAPSHOT_FORMAT,
    subscriptionId: s.subscriptionId,
    clock: typeof s.clock === "number" ? s.clock : 0,
    resources: s.resources ?? {},
    operations: s.operations ?? {},
    marketplaceImages: s.marketplaceImages ?? [],
    imageStates: s.imageStates ?? {},
    imageUpdates: s.imageUpdates ?? {},
  };
}
