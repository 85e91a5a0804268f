import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".tmp/**", "docs/api/**", "bench/results.json", "bench/.cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // `let { a, b } = …` where only `b` is reassigned is clearer than splitting the destructuring.
      "prefer-const": ["error", { destructuring: "all" }],
      // Tests and examples use the public entry, never internals by package self-reference.
      "no-restricted-imports": ["error", { patterns: [{ group: ["azure-lab-gallery/src/*"], message: "Import from the package entry." }] }],
    },
  },
  {
    files: ["**/*.cjs", "scripts/**", ".ci/**"],
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Benchmarks: plain Node ES modules (npm run bench).
    files: ["bench/**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", performance: "readonly", fetch: "readonly", Request: "readonly", Headers: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
  },
);
