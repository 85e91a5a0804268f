/**
 * Azure regions grouped by geography (Microsoft "Azure geographies" list). Used to auto-replicate images
 * saved from a classic lab account "to other regions available in the same geography" (rest-api.md A.2).
 * Region names are ARM location names (lower case, no spaces); `display` is the form Compute echoes.
 */
export interface RegionInfo {
  name: string;
  display: string;
  geography: string;
}

export const REGIONS: readonly RegionInfo[] = [
  { name: "eastus", display: "East US", geography: "United States" },
  { name: "eastus2", display: "East US 2", geography: "United States" },
  { name: "centralus", display: "Central US", geography: "United States" },
  { name: "northcentralus", display: "North Central US", geography: "United States" },
  { name: "southcentralus", display: "South Central US", geography: "United States" },
  { name: "westcentralus", display: "West Central US", geography: "United States" },
  { name: "westus", display: "West US", geography: "United States" },
  { name: "westus2", display: "West US 2", geography: "United States" },
  { name: "westus3", display: "West US 3", geography: "United States" },
  { name: "northeurope", display: "North Europe", geography: "Europe" },
  { name: "westeurope", display: "West Europe", geography: "Europe" },
  { name: "canadacentral", display: "Canada Central", geography: "Canada" },
  { name: "canadaeast", display: "Canada East", geography: "Canada" },
  { name: "uksouth", display: "UK South", geography: "United Kingdom" },
  { name: "ukwest", display: "UK West", geography: "United Kingdom" },
  { name: "australiaeast", display: "Australia East", geography: "Australia" },
  { name: "australiasoutheast", display: "Australia Southeast", geography: "Australia" },
  { name: "japaneast", display: "Japan East", geography: "Japan" },
  { name: "japanwest", display: "Japan West", geography: "Japan" },
  { name: "southeastasia", display: "Southeast Asia", geography: "Asia Pacific" },
  { name: "eastasia", display: "East Asia", geography: "Asia Pacific" },
];

/** Normalises "West US 2", "westus2", "WestUS2" to "westus2". */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

export function regionInfo(region: string): RegionInfo | undefined {
  const n = normalizeRegion(region);
  return REGIONS.find((r) => r.name === n);
}

export function regionDisplayName(region: string): string {
  return regionInfo(region)?.display ?? region;
}

/** All regions of the geography `region` belongs to (just `[region]` when the region is not in the table). */
export function regionsInGeography(region: string): string[] {
  const info = regionInfo(region);
  if (!info) return [normalizeRegion(region)];
  return REGIONS.filter((r) => r.geography === info.geography).map((r) => r.name);
}
