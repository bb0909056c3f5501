"""Development tooling: the demo fleet and its seed data, the device simulator, the mock
identity provider and a local OTLP receiver.

Not part of the runtime: the production image leaves this package out
(deploy/api.Dockerfile.dockerignore; `scripts/check-deploy.sh` checks it), and no runtime
module imports it. Only the CLI (`chiron db seed`, `chiron simulate`) and the app factory,
outside production, load it, lazily, and carry on without it where it is absent.
"""

from __future__ import annotations

import importlib.util

MISSING = (
    "the development tools (chiron.dev) are not installed here: this is a production "
    "image; run `{command}` from a source checkout"
)


def available() -> bool:
    """Whether this installation has the development tools (a checkout, not the image)."""
    return importlib.util.find_spec("chiron.dev.fleet") is not None
