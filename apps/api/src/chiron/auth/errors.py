"""Credential failures: a specific `error.code`, an RFC 6750 `WWW-Authenticate` challenge.

`error.code` tells the client exactly what went wrong (`expired_token`, `revoked_token`, …);
the challenge's `error=` stays within the RFC's registered values so generic OAuth clients
understand it. Messages never contain the credential itself.
"""

from __future__ import annotations

from chiron.errors import Forbidden, ServiceUnavailable, Unauthorized

REALM = "chiron"


def _challenge(error: str, description: str, **extra: str) -> str:
    params = {"realm": REALM, "error": error, "error_description": description, **extra}
    return "Bearer " + ", ".join(f'{k}="{v}"' for k, v in params.items())


class CredentialRejected(Unauthorized):
    """401. `code` is one of: invalid_request, invalid_token, expired_token, revoked_token."""

    def __init__(self, message: str, *, code: str = "invalid_token") -> None:
        super().__init__(message, reason=code)
        challenge_error = "invalid_request" if code == "invalid_request" else "invalid_token"
        self.headers = {"WWW-Authenticate": _challenge(challenge_error, message)}


def missing_credentials() -> CredentialRejected:
    return CredentialRejected(
        "Authentication required: send 'Authorization: Bearer <token>'", code="invalid_request"
    )


class InsufficientScope(Forbidden):
    def __init__(self, scope: str) -> None:
        message = f"This credential lacks the '{scope}' scope"
        super().__init__(message, code="insufficient_scope", details={"required_scope": scope})
        self.headers = {"WWW-Authenticate": _challenge("insufficient_scope", message, scope=scope)}


class IdentityProviderUnavailable(ServiceUnavailable):
    code = "identity_provider_unavailable"
