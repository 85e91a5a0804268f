import { defineConfig } from "tsup";

export default defineConfig({
  // `cli` is the `lab-gallery` bin (dist/cli.js); `demo` is `npm run demo`. Only the library entry
  // gets declarations.
  entry: { index: "src/index.ts", cli: "src/cli/bin.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
  // Runtime dependencies stay external so a consumer's bundler dedupes them.
  skipNodeModulesBundle: true,
});
