"""Repository base: a session and the dialect-specific bits every repository needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def insert(self, table: Any) -> postgresql.Insert | sqlite.Insert:
        """INSERT with ON CONFLICT support on both stores."""
        if self.is_postgres:
            return postgresql.insert(table)
        return sqlite.insert(table)

    def least(self, a: Any, b: Any) -> ColumnElement[Any]:
        return func.least(a, b) if self.is_postgres else func.min(a, b)

    def greatest(self, a: Any, b: Any) -> ColumnElement[Any]:
        return func.greatest(a, b) if self.is_postgres else func.max(a, b)

    def epoch(self, column: Any) -> ColumnElement[float]:
        """Seconds since the Unix epoch of a UTC timestamp column."""
        if self.is_postgres:
            return func.extract("epoch", column)  # type: ignore[return-value]
        return (func.julianday(column) - 2440587.5) * 86400.0


__all__ = ["Insert", "Repository"]
