"""Development tooling: the demo fleet and its seed data, the device simulator, the mock
identity provider and a local OTLP receiver.

Not part of the runtime: the production image leaves this package out
(deploy/api.Dockerfile.dockerignore; `scripts/check-deploy.sh` checks it), and no runtime
module imports it. Only the CLI (`chiron db seed`, `chiron simulate`) and the app factory,
outside production, load it, lazily, and carry on without it where it is absent.
"""
