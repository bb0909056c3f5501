// @vitest-environment node
/**
 * The web app's ESLint boundaries fail on a violation: each fixture in test/lint-fixtures is
 * linted with the real eslint.config.js as if it were a file under src/features/, and the rule
 * ids reported are asserted (the allowed fixture, and the same code outside features, report
 * none). Type-aware rules are off here: the boundaries are syntactic, and the fixtures are not
 * part of the TypeScript project.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const root = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

// The first lint loads the TypeScript parser and the configs' plugins: seconds on a busy machine,
// so it happens once here rather than inside the first test's timeout.
beforeAll(() => eslint.lintText("export {};\n", { filePath: path.join(root, "src/features/warm-up.ts") }), 120_000);

/** Rule ids ESLint reports for `fixture`, linted as if it lived at `as` (relative to apps/web). */
async function ruleIds(fixture: string, as: string): Promise<(string | null)[]> {
  const code = readFileSync(path.join(root, "test/lint-fixtures", fixture), "utf8");
  const [result] = await eslint.lintText(code, { filePath: path.join(root, as) });
  return result!.messages.map((m) => m.ruleId);
}

describe("web lint boundaries", () => {
  it("a feature may not call fetch, on its own or through window", async () => {
    expect(await ruleIds("feature-fetch.ts", "src/features/dashboard/load.ts")).toEqual(["no-restricted-globals", "no-restricted-properties"]);
  });

  it("a feature may not open an EventSource (the SSE transport is lib/stream's)", async () => {
    expect(await ruleIds("feature-event-source.ts", "src/features/stream/open.ts")).toEqual(["no-restricted-globals"]);
  });

  it("a feature may not import routes (src/app) or the SDK around src/lib", async () => {
    expect(await ruleIds("feature-imports-app.ts", "src/features/gates/reach.ts")).toEqual([
      "no-restricted-imports",
      "no-restricted-imports",
      "no-restricted-imports",
    ]);
  });

  it("allows types, schemas and the query factories; the rules bind features only", async () => {
    expect(await ruleIds("feature-allowed.ts", "src/features/gates/ok.ts")).toEqual([]);
    expect(await ruleIds("feature-fetch.ts", "src/lib/load.ts")).toEqual([]);
  });
});
