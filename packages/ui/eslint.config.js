// Flat config: typescript-eslint type-checked rules (projectService), the rules of hooks, and the
// package's boundary: chart primitives draw what they are given, so they import nothing of the API
// client or of an app (test/lint-boundaries.test.ts shows the rule failing on a violation).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const DRAWS_ONLY = "packages/ui draws what it is given (a value, a severity): it knows nothing of the API or the apps.";

export default tseslint.config(
  { ignores: ["node_modules", "dist", "coverage", "test/lint-fixtures"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@chiron/api-client(/|$)", message: DRAWS_ONLY },
            { regex: "^(web|@chiron/web)(/|$)", message: DRAWS_ONLY },
            { regex: "^@/", message: DRAWS_ONLY },
            { regex: "^(\\.\\./)+(apps|api-client)(/|$)", message: DRAWS_ONLY },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.d.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
