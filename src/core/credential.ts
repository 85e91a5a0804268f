import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * `DefaultAzureCredential`, loaded on first use: importing the SDK must not load `@azure/identity`
 * (its import cost is most of a cold start), and callers that pass a credential never load it.
 */
export function lazyDefaultCredential(): TokenCredential {
  let inner: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      inner ??= import("@azure/identity").then((m) => new m.DefaultAzureCredential());
      return (await inner).getToken(scopes, options);
    },
  };
}
