/**
 * The CLI in-process, with fake clients: argument handling, output modes, exit codes, password
 * handling and progress. The spawned-binary tests against the emulator are in cli-emulator.test.ts.
 */
import { describe, expect, it } from "vitest";
import { ArmError, NotFoundError, ValidationError, ImageCredentialsError } from "../../src/index.js";
import { attached, fakeAccountClient, fakeLabClient, fakePoller, image } from "./fakes.js";
import { ACCOUNT_ID, GALLERY_ID, LAB_ID, PLAN_ID, SUB, runCli } from "./helpers.js";

const acct = ["--account", PLAN_ID];

describe("usage and help", () => {
  it("--help on every level exits 0 and prints to stdout", async () => {
    for (const argv of [[], ["gallery"], ["gallery", "attach"], ["images", "list"], ["export"], ["export", "resume"], ["labs", "create"]]) {
      const r = await runCli([...argv, "--help"], {});
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: lab-gallery/);
    }
  });

  it("--version prints the SDK version", async () => {
    const r = await runCli(["--version"], {});
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("no command, an unknown command, an unknown option or a bad choice is a usage error (2)", async () => {
    for (const argv of [[], ["nope"], ["images", "list", "--bogus"], ["images", "list", "--os-state", "frozen", ...acct], ["gallery"]]) {
      const r = await runCli(argv, {});
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
    }
  });

  it("with --json a usage error is also a JSON object on stdout", async () => {
    const r = await runCli(["--json", "images", "list", "--os-state", "frozen", ...acct], {});
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { name: "UsageError", exitCode: 2 } });
    expect(r.stderr).toContain("error:");
  });

  it("a missing account is a usage error naming what is missing", async () => {
    const r = await runCli(["gallery", "show"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--resource-group");
    expect(r.stderr).toContain("hint:");
  });

  it("an account id of the wrong kind is a usage error", async () => {
    const r = await runCli(["gallery", "show", "--account", GALLERY_ID], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--account: .*lab plan or a lab account/);
  });

  it("builds the account id from its parts, and from the environment", async () => {
    const { client } = fakeAccountClient();
    const seen: string[] = [];
    const deps = {
      accountClient: (id: string) => {
        seen.push(id);
        return client;
      },
    };
    expect((await runCli(["gallery", "show", "--subscription", SUB, "-g", "labs-rg", "--lab-plan", "plan-westus2"], deps)).code).toBe(0);
    expect((await runCli(["gallery", "show", "-g", "labs-rg", "--lab-account", "classic-account"], deps, { env: { AZURE_SUBSCRIPTION_ID: SUB } })).code).toBe(0);
    expect((await runCli(["gallery", "show"], deps, { env: { LAB_GALLERY_ACCOUNT: PLAN_ID } })).code).toBe(0);
    expect(seen).toEqual([PLAN_ID, ACCOUNT_ID, PLAN_ID]);
    const both = await runCli(["gallery", "show", "--account", PLAN_ID, "--lab-plan", "x"], deps);
    expect(both.code).toBe(2);
  });

  it("--endpoint on loopback uses the emulator credential and a short poll interval; env works too", async () => {
    const { client } = fakeAccountClient();
    const opts: unknown[] = [];
    const deps = {
      accountClient: (_id: string, o: unknown) => {
        opts.push(o);
        return client;
      },
    };
    await runCli(["--endpoint", "http://127.0.0.1:7071", "gallery", "show", ...acct], deps);
    await runCli(["gallery", "show", ...acct], deps, { env: { LAB_GALLERY_ENDPOINT: "http://localhost:9000", LAB_GALLERY_POLL_INTERVAL_MS: "20" } });
    await runCli(["gallery", "show", ...acct], deps);
    const [a, b, c] = opts as Array<{ endpoint?: string; credential?: { getToken(): Promise<{ token: string }> }; pollIntervalInMs?: number }>;
    expect(a?.endpoint).toBe("http://127.0.0.1:7071");
    expect(a?.pollIntervalInMs).toBe(500);
    expect((await a?.credential?.getToken())?.token).toBeTruthy();
    expect(b?.endpoint).toBe("http://localhost:9000");
    expect(b?.pollIntervalInMs).toBe(20);
    // No endpoint: the SDK's default (lazy DefaultAzureCredential), nothing overridden.
    expect(c?.endpoint).toBeUndefined();
    expect(c?.credential).toBeUndefined();
  });
});

describe("emulator", () => {
  it("forwards its arguments to the emulator's runner, prints the URL, stops on Ctrl-C", async () => {
    let interrupt: (() => void) | undefined;
    const seen: string[][] = [];
    let closed = false;
    const deps = {
      runEmulator: async (argv: string[], io: { out(l: string): void }) => {
        seen.push(argv);
        io.out("Emulator listening on http://127.0.0.1:7071");
        return { url: "http://127.0.0.1:7071", subscriptionId: SUB, close: async () => void (closed = true) };
      },
    };
    const pending = runCli(["--json", "emulator", "--port", "7071", "--seed", "demo", "--speed", "100"], deps, {
      onInterrupt: (cb) => {
        interrupt = cb;
        return () => (interrupt = undefined);
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    interrupt?.();
    const r = await pending;
    expect(r.code).toBe(0);
    expect(seen).toEqual([["--port", "7071", "--seed", "demo", "--speed", "100"]]);
    expect(JSON.parse(r.stdout)).toEqual({ url: "http://127.0.0.1:7071", subscriptionId: SUB });
    expect(r.stderr).toContain("Emulator listening");
    expect(closed).toBe(true);
  });
});

describe("gallery", () => {
  it("attach validates the gallery id, passes --replace and --no-preflight, prints a sentence or JSON", async () => {
    const { client, calls } = fakeAccountClient();
    const bad = await runCli(["gallery", "attach", "labgallery", ...acct], { accountClient: () => client });
    expect(bad.code).toBe(2);
    const human = await runCli(["gallery", "attach", GALLERY_ID, ...acct, "--replace", "--no-preflight"], { accountClient: () => client });
    expect(human.code).toBe(0);
    expect(human.stdout).toBe("Attached gallery labgallery to lab plan plan-westus2.\n");
    expect(calls[0]).toEqual(["attachGallery", [GALLERY_ID, { replace: true, preflight: false }]]);
    const json = await runCli(["--json", "gallery", "attach", GALLERY_ID, ...acct], { accountClient: () => client });
    expect(JSON.parse(json.stdout)).toEqual(attached);
    expect(json.stderr).toContain("Attaching labgallery");
  });

  it("show prints aligned details, or a sentence when nothing is attached; detach", async () => {
    const { client } = fakeAccountClient();
    const r = await runCli(["gallery", "show", ...acct], { accountClient: () => client });
    expect(r.stdout).toMatch(/^gallery: +labgallery\n/m);
    expect(r.stdout).toContain("attached to:");
    const none = fakeAccountClient({ getAttachedGallery: async () => undefined });
    const r2 = await runCli(["gallery", "show", ...acct], { accountClient: () => none.client });
    expect(r2.stdout).toBe("No gallery is attached to lab plan plan-westus2.\n");
    const r3 = await runCli(["--json", "gallery", "show", ...acct], { accountClient: () => none.client });
    expect(JSON.parse(r3.stdout)).toBeNull();
    const d = await runCli(["--json", "gallery", "detach", ...acct], { accountClient: () => client });
    expect(JSON.parse(d.stdout)).toEqual({ detached: true, account: PLAN_ID });
  });
});

describe("images", () => {
  it("list maps filters and prints a table", async () => {
    const { client, calls } = fakeAccountClient();
    const r = await runCli(["images", "list", ...acct, "--enabled", "--os-state", "specialized", "--os-type", "windows", "--source", "gallery"], {
      accountClient: () => client,
    });
    expect(r.code).toBe(0);
    expect(calls[0]).toEqual(["listImages", [{ enabled: true, osState: "Specialized", osType: "Windows", source: "gallery" }]]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +DISPLAY NAME +OS +OS STATE +ENABLED +SOURCE +REGIONS$/);
    expect(lines).toHaveLength(3);
    // Columns line up.
    expect(lines[1]?.indexOf("Windows")).toBe(lines[0]?.indexOf("OS "));
  });

  it("--enabled and --disabled conflict", async () => {
    const r = await runCli(["images", "list", ...acct, "--enabled", "--disabled"], {});
    expect(r.code).toBe(2);
  });

  it("enable/disable take several names", async () => {
    const { client, calls } = fakeAccountClient();
    const r = await runCli(["images", "enable", "a", "b", "a", ...acct], { accountClient: () => client });
    expect(r.stdout).toBe("Enabled a, b on lab plan plan-westus2.\n");
    expect(calls[0]).toEqual(["setImageEnabled", [["a", "b"], true]]);
    const j = await runCli(["--json", "images", "disable", "a", ...acct], { accountClient: () => client });
    expect(JSON.parse(j.stdout)[0]).toMatchObject({ name: "a", enabled: false });
    expect((await runCli(["images", "enable", ...acct], {})).code).toBe(2);
  });
});

describe("errors", () => {
  const armError = new NotFoundError({
    statusCode: 404,
    code: "ResourceNotFound",
    message: "The Resource 'Microsoft.LabServices/labPlans/nope' was not found.",
    requestId: "req-123",
    correlationId: "corr-456",
    hint: "Check the resource id, its subscription and resource group.",
  });

  it("a service error exits 1 with one line and the hint; --verbose adds the ids", async () => {
    const { client } = fakeAccountClient({
      getAttachedGallery: async () => {
        throw armError;
      },
    });
    const r = await runCli(["gallery", "show", ...acct], { accountClient: () => client });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error: ResourceNotFound: The Resource 'Microsoft.LabServices/labPlans/nope' was not found.\n");
    expect(r.stderr).toContain("hint: Check the resource id");
    expect(r.stderr).not.toContain("req-123");
    const v = await runCli(["gallery", "show", ...acct, "--verbose"], { accountClient: () => client });
    expect(v.stderr).toContain("request id: req-123");
    expect(v.stderr).toContain("correlation id: corr-456");
    expect(v.stderr).toContain("error class: NotFoundError");
    const j = await runCli(["--json", "gallery", "show", ...acct], { accountClient: () => client });
    expect(JSON.parse(j.stdout).error).toMatchObject({ name: "NotFoundError", statusCode: 404, code: "ResourceNotFound", requestId: "req-123", exitCode: 1 });
  });

  it("a generic ArmError without hint still gets one line", async () => {
    const { client } = fakeAccountClient({
      detachGallery: async () => {
        throw new ArmError({ statusCode: 500, code: "InternalServerError", message: "boom" });
      },
    });
    const r = await runCli(["gallery", "detach", ...acct], { accountClient: () => client });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: InternalServerError: boom");
  });

  it("an SDK ValidationError is a usage error (2) and lists its issues briefly", async () => {
    const { client } = fakeAccountClient({
      setImageEnabled: async () => {
        throw new ValidationError("Invalid setImageEnabled options:\n  - names[0]: bad name", [{ path: "names[0]", message: "bad name" }], { hint: "Use image names." });
      },
    });
    const r = await runCli(["images", "enable", "x y", ...acct], { accountClient: () => client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: Invalid setImageEnabled options: names[0]: bad name\n");
    expect(r.stderr).toContain("hint: Use image names.");
  });

  it("an unexpected exception exits 1 without a stack unless --verbose", async () => {
    const { client } = fakeAccountClient({
      getAttachedGallery: async () => {
        throw new TypeError("kaput");
      },
    });
    const r = await runCli(["gallery", "show", ...acct], { accountClient: () => client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: kaput\n");
  });
});

describe("labs", () => {
  const create = ["labs", "create", ...acct, "--image", "win11-base", "--name", "intro-101", "--sku", "Classic_Fsv2_2_4GB_128_S_SSD"];
  const SENTINEL = "S3ntinel-Pa55word!";

  it("creates with new admin credentials, the password from LAB_GALLERY_PASSWORD", async () => {
    const { client, calls } = fakeLabClient();
    const account = fakeAccountClient();
    const r = await runCli([...create, "--admin-user", "teacher", "--usage-quota-hours", "12", "--capacity", "3", "--title", "Intro"], { labClient: () => client, accountClient: () => account.client }, {
      env: { LAB_GALLERY_PASSWORD: SENTINEL },
    });
    expect(r.code).toBe(0);
    expect(calls[0]?.[1]).toEqual([
      {
        name: "intro-101",
        image: expect.objectContaining({ name: "win11-base" }),
        sku: "Classic_Fsv2_2_4GB_128_S_SSD",
        usageQuota: { hours: 12 },
        credentials: { kind: "new", adminUser: { username: "teacher", password: SENTINEL } },
        capacity: 3,
        title: "Intro",
      },
      {},
    ]);
    expect(r.stdout).toContain("Created lab intro-101 from win11-base.");
    expect(r.stderr).toContain("create intro-101: creating 10%");
    expect(r.stdout + r.stderr).not.toContain(SENTINEL);
  });

  it("creates with the image's credentials; --password-stdin", async () => {
    const { client, calls } = fakeLabClient();
    const r = await runCli([...create.map((a) => (a === "win11-base" ? `${PLAN_ID}/images/win11-base` : a)), "--credentials-from-image", "--username", "labadmin", "--password-stdin", "--enable-image"], { labClient: () => client }, { stdin: `${SENTINEL}\n` });
    expect(r.code).toBe(0);
    expect(calls[0]?.[1]).toMatchObject([{ credentials: { kind: "fromImage", username: "labadmin", password: SENTINEL }, usageQuota: { hours: 10 } }, { enableImage: true }]);
  });

  it("never accepts a password from argv and needs a password source without a terminal (exit 2)", async () => {
    expect((await runCli([...create, "--admin-user", "teacher", "--password", "x"], {})).code).toBe(2);
    const r = await runCli([...create, "--admin-user", "teacher"], { labClient: () => fakeLabClient().client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("LAB_GALLERY_PASSWORD");
  });

  it("credential flags: one kind required, not both, --username only with --credentials-from-image", async () => {
    for (const extra of [[], ["--admin-user", "a", "--credentials-from-image"], ["--credentials-from-image"], ["--admin-user", "a", "--username", "b"]]) {
      const r = await runCli([...create, ...extra], {}, { env: { LAB_GALLERY_PASSWORD: SENTINEL } });
      expect(r.code, extra.join(" ")).toBe(2);
    }
  });

  it("a credentials error from the SDK is shown with its hint and never leaks the password", async () => {
    const { client } = fakeLabClient({
      createFromGalleryImage: () =>
        fakePoller([{ status: "running", phase: "validating", percentComplete: 0, labId: "x" }], undefined, {
          error: new ImageCredentialsError(`Image biology-2026 is specialized; password ${SENTINEL} cannot be used`, [], { hint: "Use --credentials-from-image." }),
        }).poller as never,
    });
    const r = await runCli(["--json", ...create, "--admin-user", "teacher"], { labClient: () => client, accountClient: () => fakeAccountClient().client }, { env: { LAB_GALLERY_PASSWORD: SENTINEL } });
    expect(r.code).toBe(2);
    // The SDK's hint names SDK options; the CLI says which flags fix it.
    expect(r.stderr).toContain("hint: This image keeps the template VM's accounts: use --credentials-from-image --username <template admin>");
    expect(r.stdout + r.stderr).not.toContain(SENTINEL);
    expect(r.stdout).toContain("***");
  });

  it("a credentials error thrown at once (image given as a GalleryImage) gets the CLI hint too", async () => {
    const { client } = fakeLabClient({
      createFromGalleryImage: () => {
        throw new ImageCredentialsError("Image win11-base is Generalized: it needs new admin credentials.", []);
      },
    });
    const r = await runCli([...create, "--credentials-from-image", "--username", "labadmin"], { labClient: () => client, accountClient: () => fakeAccountClient().client }, { env: { LAB_GALLERY_PASSWORD: SENTINEL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hint: This image needs new credentials: use --admin-user <name>");
  });

  it("--no-wait returns after the request was accepted", async () => {
    const { client } = fakeLabClient();
    const r = await runCli(["--json", ...create, "--admin-user", "t", "--no-wait"], { labClient: () => client, accountClient: () => fakeAccountClient().client }, { env: { LAB_GALLERY_PASSWORD: SENTINEL } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "running", name: "intro-101" });
  });

  it("list, show and delete (delete needs --yes without a terminal)", async () => {
    const { client, calls } = fakeLabClient();
    const l = await runCli(["labs", "list", ...acct], { labClient: () => client });
    expect(l.stdout.split("\n")[0]).toMatch(/^NAME +TITLE +STATE +PROVISIONING +SKU +CAPACITY +IMAGE +LOCATION$/);
    expect(l.stdout).toContain("chemistry-201");
    const lj = await runCli(["--json", "labs", "list", ...acct], { labClient: () => client });
    expect(JSON.parse(lj.stdout)).toHaveLength(2);
    const s = await runCli(["labs", "show", "biology-101", ...acct], { labClient: () => client });
    expect(s.stdout).toMatch(/^name: +biology-101$/m);
    expect((await runCli(["labs", "delete", "biology-101", ...acct], { labClient: () => client })).code).toBe(2);
    const d = await runCli(["labs", "delete", "biology-101", ...acct, "--yes"], { labClient: () => client });
    expect(d.code).toBe(0);
    expect(calls.map((c) => c[0])).toEqual(["list", "list", "get", "delete"]);
  });
});

describe("export", () => {
  const states = [
    { status: "running", phase: "saving", percentComplete: 30, regions: [], labId: LAB_ID, imageName: "bio" },
    { status: "running", phase: "saving", percentComplete: 60, regions: [], labId: LAB_ID, imageName: "bio" },
    {
      status: "running",
      phase: "replicating",
      percentComplete: 80,
      regions: [
        { region: "westus2", state: "Completed", progress: 100 },
        { region: "eastus", state: "Replicating", progress: 40 },
      ],
      labId: LAB_ID,
      imageName: "bio",
    },
    {
      status: "succeeded",
      phase: "done",
      percentComplete: 100,
      regions: [
        { region: "westus2", state: "Completed", progress: 100 },
        { region: "eastus", state: "Completed", progress: 100 },
      ],
      labId: LAB_ID,
      imageName: "bio",
    },
  ];

  it("waits with plain progress lines, then prints the image", async () => {
    const calls: unknown[] = [];
    const deps = {
      templateClient: (id: string) => ({
        exportToGallery: (...a: unknown[]) => {
          calls.push(id, ...a);
          return fakePoller(states, image("bio", { osState: "Specialized" })).poller as never;
        },
      }),
    };
    const r = await runCli(["export", "--lab", LAB_ID, "--image-name", "bio", "--replicate-to", "geography"], deps);
    expect(r.code).toBe(0);
    expect(calls).toEqual([LAB_ID, { imageName: "bio", replicateTo: "geography" }, {}]);
    expect(r.stderr).toContain("export bio: saving 30%");
    expect(r.stderr).toContain("replicate eastus: replicating 40%");
    expect(r.stderr).toContain("replicate eastus: completed 100%");
    expect(r.stdout).toMatch(/^Exported bio\./);
  });

  it("--replicate-to takes a region list; a lab name needs its resource group; classic flag passes through", async () => {
    const calls: unknown[] = [];
    const deps = {
      templateClient: (id: string) => ({
        exportToGallery: (...a: unknown[]) => {
          calls.push(id, ...a);
          return fakePoller(states, image("bio")).poller as never;
        },
      }),
    };
    const r = await runCli(
      ["export", "--lab", "chemistry-201", "--subscription", SUB, "-g", "labs-rg", "--lab-account", "classic-account", "--image-name", "bio", "--replicate-to", "eastus, westus2", "--experimental-classic-save-image"],
      deps,
    );
    expect(r.code).toBe(0);
    expect(calls).toEqual([`${ACCOUNT_ID}/labs/chemistry-201`, { imageName: "bio", replicateTo: ["eastus", "westus2"] }, { experimentalClassicSaveImage: true }]);
    expect((await runCli(["export", "--lab", "chemistry-201", "--image-name", "bio"], deps)).code).toBe(2);
    expect((await runCli(["export", "--lab", LAB_ID, "--image-name", "bad name"], deps)).code).toBe(2);
    expect((await runCli(["export", "--lab", LAB_ID, "--image-name", "bio", "--replicate-to", "east us!"], deps)).code).toBe(2);
  });

  it("--no-wait prints the resume token; resume follows it to the end", async () => {
    const deps = {
      templateClient: () => ({ exportToGallery: () => fakePoller(states, image("bio"), { token: "lgpoll1.abc" }).poller as never }),
      resumeExport: (t: string) => {
        expect(t).toBe("lgpoll1.abc");
        return fakePoller(states, image("bio")).poller as never;
      },
    };
    const r = await runCli(["--json", "export", "--lab", LAB_ID, "--image-name", "bio", "--no-wait"], deps);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: "running", resumeToken: "lgpoll1.abc", imageName: "bio", labId: LAB_ID });
    const h = await runCli(["export", "--lab", LAB_ID, "--image-name", "bio", "--no-wait"], deps);
    expect(h.stdout).toContain("lab-gallery export resume lgpoll1.abc");
    const resumed = await runCli(["--json", "export", "resume", out.resumeToken], deps);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ name: "bio" });
    const fromStdin = await runCli(["export", "resume", "-"], deps, { stdin: "lgpoll1.abc\n" });
    expect(fromStdin.code).toBe(0);
  });

  it("Ctrl-C stops waiting, prints the resume token and exits 130", async () => {
    let interrupt: (() => void) | undefined;
    const deps = { templateClient: () => ({ exportToGallery: () => fakePoller(states.slice(0, 2), image("bio"), { hang: true, token: "lgpoll1.xyz" }).poller as never }) };
    const pending = runCli(["--json", "export", "--lab", LAB_ID, "--image-name", "bio"], deps, {
      onInterrupt: (cb) => {
        interrupt = cb;
        return () => (interrupt = undefined);
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    interrupt?.();
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("lab-gallery export resume lgpoll1.xyz");
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { name: "InterruptedError", exitCode: 130, status: "running", resumeToken: "lgpoll1.xyz" } });
  });
});
