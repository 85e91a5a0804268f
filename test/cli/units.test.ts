/** Output formatting, redaction, colour rules, the hidden prompt and the progress views. */
import { describe, expect, it } from "vitest";
import { readPassword } from "../../src/cli/credentials.js";
import { describeError, UsageError } from "../../src/cli/errors.js";
import { formatKeyValues, formatTable, Output, redact, wantsColor } from "../../src/cli/output.js";
import { createProgress } from "../../src/cli/progress.js";
import { buildClientOptions, type GlobalOptions } from "../../src/cli/context.js";
import { fakeStreams } from "./helpers.js";

describe("output", () => {
  it("formats aligned tables with - for empty cells and right-aligned numbers", () => {
    const t = formatTable(
      [
        { a: "x", n: 5, b: true },
        { a: "longer", n: 12, b: undefined },
      ],
      [
        { header: "A", value: (r) => r.a },
        { header: "N", value: (r) => r.n, align: "right" },
        { header: "B", value: (r) => r.b },
      ],
    );
    expect(t).toBe(["A        N  B", "x        5  yes", "longer  12  -"].join("\n"));
    expect(formatKeyValues([["a", 1], ["long key", undefined]])).toBe("a:         1\nlong key:  -");
  });

  it("redacts every occurrence of a secret", () => {
    expect(redact("pw=abc and abc", ["abc"])).toBe("pw=*** and ***");
    expect(redact("nothing", [""])).toBe("nothing");
  });

  it("colour only on a TTY, NO_COLOR wins, FORCE_COLOR forces, TERM=dumb disables", () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColor({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("results go to stdout, logs to stderr, --quiet silences logs, secrets never pass", () => {
    const f = fakeStreams();
    const out = new Output(f.streams, { json: false, verbose: false, quiet: false, color: true });
    out.addSecret("hunter2");
    out.result({ a: 1 }, () => "done hunter2");
    out.info("working hunter2");
    out.debug("hidden");
    expect(f.out()).toBe("done ***\n");
    expect(f.err()).toBe("working ***\n");
    out.options.quiet = true;
    out.options.json = true;
    out.info("silenced");
    out.result({ a: "hunter2" }, () => "x");
    expect(f.err()).toBe("working ***\n");
    expect(JSON.parse(f.out().slice("done ***\n".length))).toEqual({ a: "***" });
  });

  it("maps errors to exit codes", () => {
    expect(describeError(new UsageError("u")).exitCode).toBe(2);
    const abort = new Error("a");
    abort.name = "AbortError";
    expect(describeError(abort).exitCode).toBe(130);
    expect(describeError("string thrown").exitCode).toBe(1);
  });
});

describe("password input", () => {
  const opts = { prompt: "New password for teacher", confirm: true, fromStdin: false, what: "admin password" };

  it("prefers LAB_GALLERY_PASSWORD", async () => {
    const f = fakeStreams({ env: { LAB_GALLERY_PASSWORD: "from-env" } });
    expect(await readPassword(f.streams, opts)).toBe("from-env");
  });

  it("without a terminal and without the env var: a usage error", async () => {
    const f = fakeStreams();
    await expect(readPassword(f.streams, opts)).rejects.toBeInstanceOf(UsageError);
  });

  it("prompts on a terminal without echoing, and confirms a new password", async () => {
    const f = fakeStreams({ tty: true });
    const p = readPassword(f.streams, opts);
    const stdin = f.streams.stdin as NodeJS.ReadWriteStream;
    await new Promise((r) => setTimeout(r, 10));
    stdin.write("Typed-Secret1\r");
    await new Promise((r) => setTimeout(r, 10));
    stdin.write("Typed-Secret1\r");
    expect(await p).toBe("Typed-Secret1");
    expect(f.err()).toContain("New password for teacher: ");
    expect(f.err()).toContain("Confirm new password for teacher: ");
    expect(f.err()).not.toContain("Typed-Secret1");
  });

  it("a mismatched confirmation is a usage error", async () => {
    const f = fakeStreams({ tty: true });
    const p = readPassword(f.streams, opts);
    const stdin = f.streams.stdin as NodeJS.ReadWriteStream;
    await new Promise((r) => setTimeout(r, 10));
    stdin.write("one\r");
    await new Promise((r) => setTimeout(r, 10));
    stdin.write("two\r");
    await expect(p).rejects.toThrow(/do not match/);
  });

  it("--password-stdin reads the piped password without its newline", async () => {
    const f = fakeStreams({ stdin: "piped-pw\n" });
    expect(await readPassword(f.streams, { ...opts, fromStdin: true })).toBe("piped-pw");
  });
});

describe("progress", () => {
  it("plain lines: at start, on status change, every 25 % and at 100 %, never backwards", () => {
    const f = fakeStreams();
    const out = new Output(f.streams, { json: false, verbose: false, quiet: false, color: true });
    const p = createProgress(out);
    for (const n of [0, 5, 10, 26, 30, 20, 55, 99, 100, 100]) p.update("save", "save img", n, "saving");
    p.update("save", "save img", 100, "saved");
    expect(f.err().trim().split("\n")).toEqual(["save img: saving 0%", "save img: saving 26%", "save img: saving 55%", "save img: saving 99%", "save img: saving 100%", "save img: saved 100%"]);
    expect(f.out()).toBe("");
  });

  it("bars on a TTY are drawn on stderr; --quiet draws nothing", () => {
    const f = fakeStreams({ tty: true });
    const out = new Output(f.streams, { json: false, verbose: false, quiet: false, color: false });
    const p = createProgress(out);
    p.update("save", "save img", 40, "saving");
    p.update("region:eastus", "replicate eastus", 10, "replicating");
    p.stop();
    expect(f.err()).toContain("save img");
    expect(f.err()).toContain("replicate eastus");
    expect(f.out()).toBe("");
    const q = fakeStreams({ tty: true });
    const quiet = createProgress(new Output(q.streams, { json: false, verbose: false, quiet: true, color: false }));
    quiet.update("save", "x", 50);
    quiet.stop();
    expect(q.err()).toBe("");
  });
});

describe("client options from --endpoint", () => {
  it("keeps an origin and picks the emulator credential on loopback", () => {
    const o = buildClientOptions({ endpoint: "http://127.0.0.1:7071/" } as GlobalOptions, {});
    expect(o.endpoint).toBe("http://127.0.0.1:7071");
    expect(o.credential).toBeDefined();
  });
  it.each(["https://evil.example/..?x=1", "http://127.0.0.1:7071/subscriptions", "https://u:p@management.azure.com", "https://management.azure.com/#x"])(
    "refuses %s with a usage error instead of silently dropping parts",
    (endpoint) => {
      expect(() => buildClientOptions({ endpoint } as GlobalOptions, {})).toThrow(UsageError);
    },
  );
});

describe("SDK hints on the command line", () => {
  it("rewrites the SDK option and method names it knows into flags and commands", async () => {
    const { cliHint } = await import("../../src/cli/errors.js");
    expect(cliHint("Pass { experimentalClassicSaveImage: true } after reading docs/export.md.")).toBe("Add --experimental-classic-save-image after reading docs/export.md.");
    expect(cliHint("Pass { enableImage: true } as the second argument to enable it first, or LabAccountClient.setImageEnabled(name, true).")).toBe(
      "Add --enable-image to enable it first, or run lab-gallery images enable <name>.",
    );
    expect(cliHint("List the images with listImages(). A gallery image is missing when …")).toBe("List the images with lab-gallery images list. A gallery image is missing when …");
    expect(cliHint("Check the resource id.")).toBe("Check the resource id.");
  });
});
