/**
 * Request bodies for the two generations, with the documented defaults (docs/create-lab.md):
 *
 * - connection: RDP from clients for Windows, SSH from clients for Linux, both when the OS type is
 *   unknown; web access off.
 * - auto-shutdown: shut down 15 min after disconnect and 15 min after a VM started without anyone
 *   connecting; on idle (user absence, 15 min) for Windows only: some Linux distributions do not
 *   support idle detection and the creation fails late (azure-devtestlab#779).
 * - security: open access off (only users added to the lab can register).
 * - `useSharedPassword` off, GPU drivers off, `createOption` TemplateVM.
 *
 * Passwords are put into the body here and nowhere else; the body is sent once and never stored.
 */
import type { AccountId } from "../../core/resource-id.js";
import type { OsType } from "../../models/gallery-image.js";
import type { CreateLabRequest } from "./backend.js";
import { hoursToIsoDuration, minutesToIsoDuration, type CreateLabInput } from "./schemas.js";

/** `defaults`, overridden by the values the caller gave (an explicit `undefined` keeps the default). */
function withDefaults<T extends object>(defaults: T, given: { [K in keyof T]?: T[K] | undefined } | undefined): T {
  const out: T = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export interface ResolvedConnection {
  clientRdpAccess: "Public" | "Private" | "None";
  clientSshAccess: "Public" | "Private" | "None";
  webRdpAccess: "Public" | "Private" | "None";
  webSshAccess: "Public" | "Private" | "None";
}

export function resolveConnection(input: CreateLabInput, osType: OsType | undefined): ResolvedConnection {
  return withDefaults<ResolvedConnection>(
    {
      clientRdpAccess: osType === "Linux" ? "None" : "Public",
      clientSshAccess: osType === "Windows" ? "None" : "Public",
      webRdpAccess: "None",
      webSshAccess: "None",
    },
    input.connection,
  );
}

export interface ResolvedAutoShutdown {
  shutdownOnDisconnect: boolean;
  disconnectDelayMinutes: number;
  shutdownWhenNotConnected: boolean;
  noConnectDelayMinutes: number;
  shutdownOnIdle: "None" | "UserAbsence" | "LowUsage";
  idleDelayMinutes: number;
}

export function resolveAutoShutdown(input: CreateLabInput, osType: OsType | undefined): ResolvedAutoShutdown {
  return withDefaults<ResolvedAutoShutdown>(
    {
      shutdownOnDisconnect: true,
      disconnectDelayMinutes: 15,
      shutdownWhenNotConnected: true,
      noConnectDelayMinutes: 15,
      shutdownOnIdle: osType === "Windows" ? "UserAbsence" : "None",
      idleDelayMinutes: 15,
    },
    input.autoShutdown,
  );
}

const enabled = (b: boolean) => (b ? "Enabled" : "Disabled");

/** `PUT labs/{name}` body (Labs.json `Lab`, rest-api.md B.5). */
export function buildLabPlanBody(request: CreateLabRequest, labPlanId: AccountId): unknown {
  const { input } = request;
  const conn = resolveConnection(input, request.osType);
  const shut = resolveAutoShutdown(input, request.osType);
  const creds = input.credentials;
  const adminUser = creds.kind === "new" ? creds.adminUser : { username: creds.username, password: creds.password };
  const vm: Record<string, unknown> = {
    createOption: input.createOption,
    imageReference: { id: request.galleryImageId },
    sku: { name: input.sku, ...(input.capacity !== undefined ? { capacity: input.capacity } : {}) },
    usageQuota: hoursToIsoDuration(input.usageQuota),
    useSharedPassword: enabled(creds.kind === "new" && creds.useSharedPassword === true),
    additionalCapabilities: { installGpuDrivers: enabled(input.installGpuDrivers) },
    adminUser: { username: adminUser.username, password: adminUser.password },
  };
  if (creds.kind === "new" && creds.nonAdminUser) vm["nonAdminUser"] = { username: creds.nonAdminUser.username, password: creds.nonAdminUser.password };
  const properties: Record<string, unknown> = {
    labPlanId,
    connectionProfile: conn,
    autoShutdownProfile: {
      shutdownOnDisconnect: enabled(shut.shutdownOnDisconnect),
      shutdownWhenNotConnected: enabled(shut.shutdownWhenNotConnected),
      shutdownOnIdle: shut.shutdownOnIdle,
      disconnectDelay: minutesToIsoDuration(shut.disconnectDelayMinutes),
      noConnectDelay: minutesToIsoDuration(shut.noConnectDelayMinutes),
      idleDelay: minutesToIsoDuration(shut.idleDelayMinutes),
    },
    securityProfile: { openAccess: enabled(input.security?.openAccess === true) },
    virtualMachineProfile: vm,
  };
  if (input.title !== undefined) properties["title"] = input.title;
  if (input.description !== undefined) properties["description"] = input.description;
  return { location: request.location, properties };
}

/**
 * `POST labaccounts/{a}/createLab` body as Microsoft's Az.LabServices module sends it against
 * `2019-01-01-preview` (rest-api.md A.4): the shared gallery image goes in `sharedImageResourceId`.
 */
export function buildClassicCreateBody(request: CreateLabRequest): unknown {
  const { input } = request;
  const shut = resolveAutoShutdown(input, request.osType);
  const conn = resolveConnection(input, request.osType);
  const creds = input.credentials;
  const admin = creds.kind === "new" ? creds.adminUser : { username: creds.username, password: creds.password };
  const linuxRdp = request.osType === "Linux" && conn.clientRdpAccess !== "None";
  return {
    name: input.name,
    labParameters: {
      sharedImageResourceId: request.accountImageId,
      linuxRdpState: enabled(linuxRdp),
      username: admin.username,
      password: admin.password,
      userQuota: hoursToIsoDuration(input.usageQuota),
      vmSize: input.sku,
      sharedPasswordState: enabled(creds.kind === "new" && creds.useSharedPassword === true),
      templateVmState: enabled(input.createOption === "TemplateVM"),
      // The module sends the disconnect pair only when Linux RDP is off (A.4).
      ...(linuxRdp
        ? {}
        : { idleShutdownMode: shut.shutdownOnDisconnect ? "OnDisconnect" : "None", idleGracePeriod: minutesToIsoDuration(shut.disconnectDelayMinutes) }),
      enableDisconnectOnIdle: enabled(shut.shutdownOnIdle !== "None"),
      idleOsGracePeriod: minutesToIsoDuration(shut.idleDelayMinutes),
      enableNoConnectShutdown: enabled(shut.shutdownWhenNotConnected),
      idleNoConnectGracePeriod: minutesToIsoDuration(shut.noConnectDelayMinutes),
      installGpuDriverEnabled: enabled(input.installGpuDrivers),
    },
  };
}
