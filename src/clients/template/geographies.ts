/**
 * Azure geographies and the regions in each, as data. A geography is Microsoft's data-residency
 * boundary ("United States", "Europe", …); lab accounts replicate a saved image to the other
 * regions of their geography by themselves (rest-api.md A.2), and `replicateTo: "geography"` does
 * the same for lab plans.
 *
 * Source: the public list of Azure geographies and regions (azure.microsoft.com "Azure
 * geographies", region names as `az account list-locations` prints them). Only regions that
 * customers can deploy to are listed; restricted regions (e.g. sovereign or partner-only ones) are
 * left out. Review when Azure opens a region; an unknown region is not an error for a region list
 * (`replicateTo: ["newregion"]` is sent as given), only for `"geography"`.
 */

export interface AzureRegion {
  /** ARM name, e.g. `westus2`. */
  readonly name: string;
  /** Display name, e.g. `West US 2` (the form the gallery's replicationStatus uses). */
  readonly displayName: string;
}

export interface AzureGeography {
  readonly name: string;
  readonly regions: readonly AzureRegion[];
}

const r = (name: string, displayName: string): AzureRegion => ({ name, displayName });

export const GEOGRAPHIES: readonly AzureGeography[] = [
  {
    name: "United States",
    regions: [
      r("eastus", "East US"),
      r("eastus2", "East US 2"),
      r("centralus", "Central US"),
      r("northcentralus", "North Central US"),
      r("southcentralus", "South Central US"),
      r("westcentralus", "West Central US"),
      r("westus", "West US"),
      r("westus2", "West US 2"),
      r("westus3", "West US 3"),
    ],
  },
  { name: "Canada", regions: [r("canadacentral", "Canada Central"), r("canadaeast", "Canada East")] },
  { name: "Mexico", regions: [r("mexicocentral", "Mexico Central")] },
  { name: "Brazil", regions: [r("brazilsouth", "Brazil South")] },
  { name: "Europe", regions: [r("northeurope", "North Europe"), r("westeurope", "West Europe")] },
  { name: "United Kingdom", regions: [r("uksouth", "UK South"), r("ukwest", "UK West")] },
  { name: "France", regions: [r("francecentral", "France Central")] },
  { name: "Germany", regions: [r("germanywestcentral", "Germany West Central")] },
  { name: "Switzerland", regions: [r("switzerlandnorth", "Switzerland North")] },
  { name: "Norway", regions: [r("norwayeast", "Norway East")] },
  { name: "Sweden", regions: [r("swedencentral", "Sweden Central")] },
  { name: "Poland", regions: [r("polandcentral", "Poland Central")] },
  { name: "Italy", regions: [r("italynorth", "Italy North")] },
  { name: "Spain", regions: [r("spaincentral", "Spain Central")] },
  { name: "Asia Pacific", regions: [r("eastasia", "East Asia"), r("southeastasia", "Southeast Asia")] },
  {
    name: "Australia",
    regions: [r("australiaeast", "Australia East"), r("australiasoutheast", "Australia Southeast"), r("australiacentral", "Australia Central")],
  },
  { name: "Japan", regions: [r("japaneast", "Japan East"), r("japanwest", "Japan West")] },
  { name: "Korea", regions: [r("koreacentral", "Korea Central"), r("koreasouth", "Korea South")] },
  { name: "India", regions: [r("centralindia", "Central India"), r("southindia", "South India"), r("westindia", "West India")] },
  { name: "United Arab Emirates", regions: [r("uaenorth", "UAE North")] },
  { name: "Qatar", regions: [r("qatarcentral", "Qatar Central")] },
  { name: "Israel", regions: [r("israelcentral", "Israel Central")] },
  { name: "South Africa", regions: [r("southafricanorth", "South Africa North")] },
];

/** `West US 2`, `westus2` and `WestUS2` all normalise to `westus2`. */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

/** The geography a region belongs to, or `undefined` when the table does not know the region. */
export function geographyOf(region: string): AzureGeography | undefined {
  const n = normalizeRegion(region);
  return GEOGRAPHIES.find((g) => g.regions.some((x) => x.name === n));
}

/** Every region (ARM names) of the geography of `region`, or `undefined` when unknown. */
export function regionsOfGeography(region: string): string[] | undefined {
  return geographyOf(region)?.regions.map((x) => x.name);
}
