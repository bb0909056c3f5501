import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The product version: one file at the repository root, read by the API's package too. */
const version = readFileSync(path.join(root, "VERSION"), "utf8").trim();

const config: NextConfig = {
  // `pnpm budget` analyzes into its own directory so it never races a `next build`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The SSE proxy (src/app/api/[...path]) must not be gzip-buffered by Next.
  compress: false,
  // The Docker image runs Next's standalone server (deploy/web.Dockerfile sets this);
  // `next start` (make run, e2e) refuses to serve a standalone build without a warning.
  output: process.env.CHIRON_WEB_STANDALONE === "1" ? "standalone" : undefined,
  outputFileTracingRoot: root,
  turbopack: { root },
  env: { CHIRON_VERSION: version },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
