# syntax=docker/dockerfile:1.7
# Chiron API image. Build from the repository root:
#   docker build -f deploy/api.Dockerfile -t chiron-api .
# The builder resolves the locked dependencies with uv; the runtime stage carries
# only the virtualenv and the code, runs as an unprivileged user and never migrates
# on its own (the compose `migrate` service runs `chiron db upgrade` once).
# The development tools (apps/api/src/chiron/dev: seed, simulator, mock sign-in, OTLP
# receiver) are not in the image: api.Dockerfile.dockerignore leaves them out of the
# build context, and scripts/check-deploy.sh checks that it does.

ARG PYTHON_VERSION=3.12

FROM ghcr.io/astral-sh/uv:0.13 AS uv

# ---------------------------------------------------------------- builder
FROM python:${PYTHON_VERSION}-slim AS builder
COPY --from=uv /uv /bin/uv
# UV_PYTHON pins the image's interpreter even if apps/api/.python-version names another.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app

# Dependencies first: this layer changes only when the lock does.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=apps/api/uv.lock,target=uv.lock \
    --mount=type=bind,source=apps/api/pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself. The image keeps the apps/api layout under /app
# (src/, migrations/, alembic.ini) so `chiron db upgrade` finds Alembic's files
# exactly as it does in a checkout.
COPY apps/api/ /app/
# The product version: pyproject.toml reads it from ../../VERSION (the repository root).
COPY VERSION /VERSION
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev \
    && test ! -e /app/src/chiron/dev

# ---------------------------------------------------------------- runtime
FROM python:${PYTHON_VERSION}-slim AS runtime

# A bare `docker run` gets production behaviour: it refuses a missing or default
# secret and has no development token issuer. Compose overrides via .env.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CHIRON_ENV=production \
    CHIRON_LOG_FORMAT=json

RUN groupadd --system --gid 10001 chiron \
    && useradd --system --uid 10001 --gid chiron --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin chiron

WORKDIR /app
# Code and venv stay root-owned (read-only to the service); only var/ is writable,
# for the embedded SQLite default when no CHIRON_DATABASE_URL is given.
COPY --from=builder /app /app
RUN mkdir -p /app/var && chown chiron:chiron /app/var

USER 10001:10001
EXPOSE 8000

# slim has no curl: probe liveness with the interpreter we already ship.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["chiron", "serve", "--host", "0.0.0.0", "--port", "8000"]
