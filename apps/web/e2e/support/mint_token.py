"""Mint a Chiron service token with the API's own code and the stack's secret (e2e only).

    CHIRON_SECRET_KEY=... python mint_token.py SUBJECT TTL_SECONDS [NAME]

TTL may be negative (an already expired token). Prints the token alone.
"""

import sys
from datetime import timedelta

from chiron.auth import tokens
from chiron.config import get_settings
from chiron.kit.time import utcnow

subject, ttl = sys.argv[1], int(sys.argv[2])
name = sys.argv[3] if len(sys.argv) > 3 else None
token, _ = tokens.issue(
    get_settings(),
    subject,
    ["read"],
    name=name,
    auth_time=utcnow(),
    ttl=timedelta(seconds=ttl),
)
print(token)
