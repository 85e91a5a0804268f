/** Azure clouds the SDK can reach: the ARM endpoint and the token audience of each. */
export type CloudName = "AzurePublicCloud" | "AzureUSGovernment" | "AzureChinaCloud";

export interface CloudSettings {
  readonly endpoint: string;
  /** Scope requested from the credential. */
  readonly scope: string;
}

export const CLOUDS: Readonly<Record<CloudName, CloudSettings>> = {
  AzurePublicCloud: { endpoint: "https://management.azure.com", scope: "https://management.azure.com/.default" },
  AzureUSGovernment: { endpoint: "https://management.usgovcloudapi.net", scope: "https://management.usgovcloudapi.net/.default" },
  AzureChinaCloud: { endpoint: "https://management.chinacloudapi.cn", scope: "https://management.chinacloudapi.cn/.default" },
};
