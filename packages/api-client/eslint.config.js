// Flat config for the package's hand-written source (src/index.ts; the generated src/generated/
// is checked by `make check-client` instead, and openapi-ts.config.ts is the generator's Node
// config, outside the package's TypeScript project): typescript-eslint type-checked rules, and
// the boundary that the client depends on nothing of the apps or the UI package.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const STANDALONE = "The API client is generated from the OpenAPI document alone: it imports nothing of the apps or packages/ui.";

export default tseslint.config(
  { ignores: ["node_modules", "src/generated", "openapi-ts.config.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(@chiron/ui|web|@/)", message: STANDALONE }, { regex: "^(\\.\\./)+(apps|ui)(/|$)", message: STANDALONE }] },
      ],
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
