# syntax=docker/dockerfile:1.7
# Chiron web image. Build from the repository root:
#   docker build -f deploy/web.Dockerfile -t chiron-web .
# `turbo prune` cuts the workspace down to the web app and the packages it uses,
# the install layer depends only on manifests + lock, and the runtime stage
# carries Next's standalone server (apps/web builds with `output: "standalone"` when
# CHIRON_WEB_STANDALONE=1, set below).

ARG NODE_VERSION=20

# ---------------------------------------------------------------- base
FROM node:${NODE_VERSION}-alpine AS base
# libc6-compat: prebuilt native modules (turbo, swc) that expect glibc symbols.
RUN apk add --no-cache libc6-compat \
    && npm install -g --no-fund --no-audit pnpm@12.4.2 turbo@2.11.11
ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    CI=1
WORKDIR /app

# ---------------------------------------------------------------- prune
FROM base AS prune
COPY . .
RUN turbo prune web --docker

# ---------------------------------------------------------------- build
FROM base AS build
# Manifests and lock only: this layer survives source edits.
COPY --from=prune /app/out/json/ ./
COPY --from=prune /app/out/pnpm-lock.yaml ./pnpm-lock.yaml
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile
COPY --from=prune /app/out/full/ ./
# The product version (read by next.config.ts); turbo prune leaves root files out.
COPY --from=prune /app/VERSION ./VERSION
# Next's standalone server, what the runtime stage runs (next.config.ts reads this).
ENV CHIRON_WEB_STANDALONE=1
RUN pnpm turbo run build --filter=web \
    && mkdir -p apps/web/public

# ---------------------------------------------------------------- runtime
FROM node:${NODE_VERSION}-alpine AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
WORKDIR /app

# The standalone tree mirrors the monorepo: server.js lands in apps/web/.
# Static assets and public/ are not traced into it and are copied beside it.
COPY --from=build --chown=node:node /app/apps/web/.next/standalone ./
COPY --from=build --chown=node:node /app/apps/web/.next/static ./apps/web/.next/static
COPY --from=build --chown=node:node /app/apps/web/public ./apps/web/public

# `node` (uid 1000) ships with the official image.
USER 1000:1000
EXPOSE 3000

# Liveness of the Node server itself: any non-5xx answer (a redirect to the
# login page included) means it is serving.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:3000/', {redirect: 'manual'}).then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]

CMD ["node", "apps/web/server.js"]
