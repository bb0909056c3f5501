"""Development seed data (filled in with the domain)."""

from chiron.db import Database


async def seed_if_empty(db: Database) -> bool:
    return False
