import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");

const config: NextConfig = {
  // `pnpm budget` analyzes into its own directory so it never races a `next build`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The SSE proxy (src/app/api/[...path]) must not be gzip-buffered by Next.
  compress: false,
  output: "standalone",
  outputFileTracingRoot: root,
  turbopack: { root },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
