/**
 * `azure-lab-gallery/emulator` — an in-memory Azure Resource Manager emulator for Microsoft.LabServices
 * (lab plans and classic lab accounts) and the gallery part of Microsoft.Compute. See docs/emulator.md.
 * @packageDocumentation
 */
export { createEmulator, emulatorCredential, EMULATOR_TOKEN } from "./handler.js";
export type { Emulator, EmulatorOptions, EmulatorState, RequestLogEntry } from "./handler.js";
export { startEmulator } from "./server.js";
export type { RunningEmulator, StartEmulatorOptions } from "./server.js";
export type { FaultRule, HttpErrorStatus, WriteLimit } from "./faults.js";
export type { EmulatorClock } from "./clock.js";
export type { EmulatorSnapshot, MarketplaceImage, OperationRecord, StoredResource } from "./state.js";
export { DEMO_SUBSCRIPTION_ID, DEMO_RESOURCE_GROUP, DEMO_REGION, demoSnapshot } from "./seeds.js";
export { REGIONS, regionsInGeography, normalizeRegion } from "./geographies.js";
export type { RegionInfo } from "./geographies.js";
export { runEmulatorCli, emulatorCommand } from "./cli.js";
