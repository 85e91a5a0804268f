import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "emulator/index": "src/emulator/index.ts",
    "emulator/msw": "src/emulator/msw.ts",
    "emulator-cli": "src/emulator/bin.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
  // Runtime dependencies stay external so a consumer's bundler dedupes them.
  skipNodeModulesBundle: true,
});
