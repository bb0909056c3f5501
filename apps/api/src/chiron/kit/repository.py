"""Repository base: a session and the dialect-specific bits every repository needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson
from sqlalchemy import Insert, Integer, cast, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from chiron.kit.driver import driver_connection
from chiron.observability.instrument import driver_statement

T = TypeVar("T")

# Statements built once per dialect (values go in as bind parameters): on the hot paths,
# constructing a statement costs more than executing it.
_STATEMENTS: dict[tuple[str, str], Any] = {}


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def flush(self) -> None:
        await self.session.flush()

    def statement(self, name: str, build: Callable[[], T]) -> T:
        """`build()` once per dialect and `name`; the same statement object after that."""
        key = (self.dialect, name)
        statement = _STATEMENTS.get(key)
        if statement is None:
            statement = _STATEMENTS[key] = build()
        return statement

    async def _on_driver(self, name: str, call: str, *args: Any) -> Any:
        """`driver.<call>(*args)` on the session's connection, inside its transaction,
        traced as `name`: the hot paths' raw statements (SQLAlchemy's events never see
        them)."""
        driver = await driver_connection(self.session)
        with driver_statement(name, self.dialect):
            return await getattr(driver, call)(*args)

    async def _fetch_for_series(
        self, name: str, postgres: str, sqlite: str, keys: Sequence[tuple[str, str]]
    ) -> Sequence[Sequence[Any]]:
        """The rows of a raw statement that takes series keys as one JSON parameter:
        `[{source, metric}, ...]` for PostgreSQL's json_to_recordset, `[[source, metric],
        ...]` for SQLite's json_each."""
        if self.is_postgres:
            wanted = orjson.dumps([{"source": s, "metric": m} for s, m in keys]).decode()
            return await self._on_driver(name, "fetch", postgres, wanted)  # type: ignore[no-any-return]
        params = (orjson.dumps(list(keys)).decode(),)
        return await self._on_driver(name, "execute_fetchall", sqlite, params)  # type: ignore[no-any-return]

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

    def epoch_us(self, column: Any) -> ColumnElement[int]:
        """Whole microseconds since the Unix epoch of a UTC timestamp column, exactly.

        Integer arithmetic keeps bucket edges exact: SQLite's julianday() is a double
        with ~10 us of error, enough to drop a sample into the previous bucket.
        """
        if self.is_postgres:
            # extract() returns numeric (exact) on PostgreSQL 14+.
            return func.floor(func.extract("epoch", column) * 1_000_000)
        # SQLAlchemy stores SQLite timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff'.
        # Whole seconds from the text without its fraction: strftime rounds fractions.
        seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
        micros = cast(func.substr(column, 21, 6), Integer)
        return seconds * 1_000_000 + micros


__all__ = ["Insert", "Repository"]
