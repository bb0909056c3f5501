// Flat config: typescript-eslint type-checked rules (projectService), the rules of hooks, and the
// web app's boundaries (test/lint-boundaries.test.ts shows each one failing on a violation).
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Where features get data from instead: the query factories and SDK wiring in src/lib. */
const VIA_LIB = "Features reach the API through src/lib (queries.ts, api.ts): the generated SDK, one wiring.";

export default tseslint.config(
  {
    ignores: [".next", ".next-analyze", "node_modules", "next-env.d.ts", "test-results", "playwright-report", "test/lint-fixtures"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // An event handler may start async work; a promise handed to one is not a bug.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // Plain JS (this file, scripts) is outside the TypeScript project: syntax rules only.
    files: ["**/*.{js,mjs}"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["scripts/**/*.mjs", "e2e/**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
  {
    // Boundaries of a feature: no HTTP of its own, no reaching into routes.
    files: ["src/features/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: VIA_LIB },
        { name: "EventSource", message: "The SSE transport lives in src/lib/stream (manager.ts)." },
        { name: "XMLHttpRequest", message: VIA_LIB },
      ],
      "no-restricted-properties": [
        "error",
        { object: "window", property: "fetch", message: VIA_LIB },
        { object: "globalThis", property: "fetch", message: VIA_LIB },
        { object: "self", property: "fetch", message: VIA_LIB },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@/app(/|$)", message: "Routes compose features; a feature never imports src/app." },
            { regex: "^(\\.\\./)+app(/|$)", message: "Routes compose features; a feature never imports src/app." },
            { regex: "^@chiron/api-client/", message: `${VIA_LIB} Types and schemas come from "@chiron/api-client".` },
          ],
        },
      ],
    },
  },
);
