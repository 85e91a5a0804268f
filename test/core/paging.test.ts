import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { collect, listPaged } from "../../src/core/paging.js";
import { UnexpectedResponseError, UntrustedUrlError } from "../../src/core/errors.js";
import { ARM, RG_PATH, TOKEN, routeTable, transport, useMsw } from "./harness.js";

const msw = useMsw();
const LIST_PATH = `${RG_PATH}/providers/Microsoft.LabServices/labPlans/p/images`;
const LIST_URL = `${ARM}${LIST_PATH}`;
const item = (n: string) => ({ id: `${LIST_PATH}/${n}`, name: n });
// §G.3: the live nextLink carries an explicit :443 and a $skipToken, and no $filter.
const NEXT1 = `https://management.azure.com:443${LIST_PATH}?api-version=2023-06-07&$skipToken=200`;
const NEXT2 = `https://management.azure.com:443${LIST_PATH}?api-version=2023-06-07&$skipToken=400`;
const first = { path: LIST_PATH, api: "labPlans" as const, query: { $filter: "Properties/DisplayName eq 'x'" } };

/** The path and query of each request, so `:443` (dropped by URL normalisation) does not matter. */
const requested = () => msw.seen.map((r) => new URL(r.url).pathname + new URL(r.url).search);
const pq = (u: string) => new URL(u).pathname + new URL(u).search;

describe("listPaged", () => {
  it("follows nextLink verbatim (explicit :443, $skipToken) and never re-adds the first request's query", async () => {
    routeTable(msw.server, {
      [`GET ${LIST_URL}?api-version=2023-06-07&%24filter=Properties%2FDisplayName+eq+%27x%27`]: [{ status: 200, body: { value: [item("a")], nextLink: NEXT1 } }],
      [`GET ${ARM}${pq(NEXT1)}`]: [{ status: 200, body: { value: [item("b")], nextLink: NEXT2 } }],
      [`GET ${ARM}${pq(NEXT2)}`]: [{ status: 200, body: { value: [item("c")] } }],
    });
    const names = (await collect(listPaged(transport(), first, (r: { name: string }) => r.name))).sort();
    expect(names).toEqual(["a", "b", "c"]);
    const urls = requested();
    expect(urls).toHaveLength(3);
    expect(new URL(`${ARM}${urls[0]}`).searchParams.get("$filter")).toBe("Properties/DisplayName eq 'x'");
    expect(urls[1]).toBe(pq(NEXT1));
    expect(urls[2]).toBe(pq(NEXT2));
    expect(urls.slice(1).every((u) => !u.includes("filter"))).toBe(true);
    expect(msw.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("de-duplicates items by id across pages, case-insensitively, and drops what map rejects", async () => {
    routeTable(msw.server, {
      [`GET ${LIST_URL}`]: [{ status: 200, body: { value: [item("a"), item("b"), { name: "no-id" }], nextLink: NEXT1 } }],
      [`GET ${ARM}${pq(NEXT1)}`]: [{ status: 200, body: { value: [{ ...item("A"), id: item("a").id.toUpperCase() }, item("c"), item("skip")] } }],
    });
    const got = await collect(listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: { name: string }) => (r.name === "skip" ? undefined : r.name)));
    expect(got).toEqual(["a", "b", "no-id", "c"]);
  });

  it("stops when a nextLink repeats instead of looping", async () => {
    const hits = routeTable(msw.server, {
      [`GET ${LIST_URL}?api-version=2023-06-07`]: [{ status: 200, body: { value: [item("a")], nextLink: NEXT1 } }],
      [`GET ${ARM}${pq(NEXT1)}`]: [{ status: 200, body: { value: [item("b")], nextLink: NEXT1 } }],
    });
    const got = await collect(listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: { name: string }) => r.name));
    expect(got).toEqual(["a", "b"]);
    expect(hits[`GET ${ARM}${pq(NEXT1)}`]).toBe(1);
  });

  it("stops on an empty or null nextLink", async () => {
    for (const nextLink of ["", null]) {
      const hits = routeTable(msw.server, { [`GET ${LIST_URL}`]: [{ status: 200, body: { value: [item("a")], nextLink } }] });
      expect(await collect(listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: { name: string }) => r.name))).toEqual(["a"]);
      expect(hits[`GET ${LIST_URL}`]).toBe(1);
    }
  });

  it("byPage exposes continuation tokens and resumes from one without re-reading earlier pages", async () => {
    const hits = routeTable(msw.server, {
      [`GET ${LIST_URL}?api-version=2023-06-07`]: [{ status: 200, body: { value: [item("a")], nextLink: NEXT1 } }],
      [`GET ${ARM}${pq(NEXT1)}`]: [{ status: 200, body: { value: [item("b")], nextLink: NEXT2 } }],
      [`GET ${ARM}${pq(NEXT2)}`]: [{ status: 200, body: { value: [item("c")] } }],
    });
    const map = (r: { name: string }) => r.name;
    const pages = listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, map).byPage();
    const p1 = (await pages.next()).value as string[] & { continuationToken?: string };
    expect([...p1]).toEqual(["a"]);
    expect(p1.continuationToken).toBe(NEXT1);
    msw.seen.length = 0;

    const resumed: string[][] = [];
    let lastToken: string | undefined = "unset";
    for await (const page of listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, map).byPage({ continuationToken: p1.continuationToken as string })) {
      resumed.push([...page]);
      lastToken = page.continuationToken;
    }
    expect(resumed).toEqual([["b"], ["c"]]);
    expect(lastToken).toBeUndefined();
    expect(requested()).toEqual([pq(NEXT1), pq(NEXT2)]);
    expect(hits[`GET ${LIST_URL}?api-version=2023-06-07`]).toBe(1);
  });

  it.each([
    "https://evil.example/list?$skipToken=1",
    "https://management.azure.com.evil.com/list",
    "https://management.azure.com:8443/list",
    "https://u:p@management.azure.com/list",
  ])("a nextLink on another origin (%s) is refused and never requested", async (nextLink) => {
    msw.server.use(http.all("*", ({ request }) => (new URL(request.url).hostname === "management.azure.com" && new URL(request.url).port === "" ? undefined : HttpResponse.json({ value: [] }))));
    routeTable(msw.server, { [`GET ${LIST_URL}`]: [{ status: 200, body: { value: [item("a")], nextLink } }] });
    const iter = listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: { name: string }) => r.name);
    await expect(collect(iter)).rejects.toBeInstanceOf(UntrustedUrlError);
    expect(msw.hosts()).toEqual(["management.azure.com"]);
    expect(msw.seen).toHaveLength(1);
  });

  it("a continuation token on another origin is refused too", async () => {
    const pages = listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: unknown) => r).byPage({ continuationToken: "https://evil.example/x" });
    await expect(pages.next()).rejects.toBeInstanceOf(UntrustedUrlError);
    expect(msw.seen).toHaveLength(0);
  });

  it("an answer without a value array is an UnexpectedResponseError", async () => {
    routeTable(msw.server, { [`GET ${LIST_URL}`]: [{ status: 200, body: { items: [] } }] });
    await expect(collect(listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: unknown) => r))).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it("is lazy: nothing is sent until iteration starts", async () => {
    routeTable(msw.server, { [`GET ${LIST_URL}`]: [{ status: 200, body: { value: [] } }] });
    const iter = listPaged(transport(), { path: LIST_PATH, api: "labPlans" }, (r: unknown) => r);
    await new Promise((r) => setImmediate(r));
    expect(msw.seen).toHaveLength(0);
    await collect(iter);
    expect(msw.seen).toHaveLength(1);
  });
});
