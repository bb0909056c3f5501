/**
 * packages/ui's ESLint boundary fails on a violation: each fixture in test/lint-fixtures is
 * linted with the real eslint.config.js as if it were a chart primitive, and the rule ids
 * reported are asserted. Type-aware rules are off here: the boundary is syntactic.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const root = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

// The first lint loads the TypeScript parser and the configs' plugins: seconds on a busy machine,
// so it happens once here rather than inside the first test's timeout.
beforeAll(() => eslint.lintText("export {};\n", { filePath: path.join(root, "src/charts/WarmUp.tsx") }), 120_000);

async function ruleIds(fixture: string): Promise<(string | null)[]> {
  const code = readFileSync(path.join(root, "test/lint-fixtures", fixture), "utf8");
  const [result] = await eslint.lintText(code, { filePath: path.join(root, "src/charts/Fixture.tsx") });
  return result!.messages.map((m) => m.ruleId);
}

describe("ui lint boundary", () => {
  it("a primitive imports nothing of the API client (not even types) or of an app", async () => {
    expect(await ruleIds("imports-api-client.ts")).toEqual(["no-restricted-imports", "no-restricted-imports", "no-restricted-imports"]);
  });

  it("allows React, visx, motion and the package's own modules", async () => {
    expect(await ruleIds("allowed.ts")).toEqual([]);
  });
});
