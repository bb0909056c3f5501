"""Private signing keys kept in the store, so every replica signs with the same key.

Today only the development identity provider (chiron.dev.issuer) keeps its RSA key here;
a production store leaves the table empty.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, UTCDateTime


class SigningKey(Base):
    __tablename__ = "signing_keys"

    # What the key signs, e.g. `dev-issuer`: one key per purpose.
    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    kid: Mapped[str] = mapped_column(String(64))
    # PKCS#8 PEM, unencrypted: whoever can read the store can already mint development
    # sign-ins, and no production path trusts this key.
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
