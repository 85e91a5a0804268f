import { defineConfig } from "tsup";

export default defineConfig({
  // `cli` is the `lab-gallery` bin (dist/cli.js); `demo` is `npm run demo` (dist/demo.js). Only the
  // library entries get declarations.
  entry: {
    index: "src/index.ts",
    "emulator/index": "src/emulator/index.ts",
    "emulator/msw": "src/emulator/msw.ts",
    "emulator-cli": "src/emulator/bin.ts",
    cli: "src/cli/bin.ts",
    demo: "src/demo/index.ts",
  },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", "emulator/index": "src/emulator/index.ts", "emulator/msw": "src/emulator/msw.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
  // Runtime dependencies stay external so a consumer's bundler dedupes them.
  skipNodeModulesBundle: true,
});
