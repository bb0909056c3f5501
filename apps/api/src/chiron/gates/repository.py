"""Every query of gates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select

from chiron.kit.repository import Repository
from chiron.kit.time import from_store, sqlite_text
from chiron.models import HeroGate

# GateRow's columns, in its order. One lock order everywhere (slug): no deadlocks.
_PG_WATCHING = """
SELECT id, slug, title, description, source, metric, warn, critical, direction, hysteresis,
       min_violations, stale_after_s, position, status, value, threshold, unit, violations,
       since, updated_at, last_seen_at, stale
FROM hero_gates g
JOIN json_to_recordset($1::json) AS k(source text, metric text) USING (source, metric)
ORDER BY g.slug
FOR UPDATE OF g
"""
_SQLITE_WATCHING = """
SELECT g.id, g.slug, g.title, g.description, g.source, g.metric, g.warn, g.critical,
       g.direction, g.hysteresis, g.min_violations, g.stale_after_s, g.position, g.status,
       g.value, g.threshold, g.unit, g.violations, g.since, g.updated_at, g.last_seen_at,
       g.stale
FROM hero_gates g
JOIN json_each(?) AS k ON g.source = k.value ->> 0 AND g.metric = k.value ->> 1
ORDER BY g.slug
"""
_PG_SAVE_STATE = """
UPDATE hero_gates AS g SET
    status = r.status, value = r.value, unit = r.unit, threshold = r.threshold,
    violations = r.violations, since = r.since, updated_at = r.updated_at,
    last_seen_at = r.last_seen_at, stale = r.stale
FROM json_to_recordset($1::json) AS r(
    id int, status text, value float8, unit text, threshold float8, violations int,
    since timestamptz, updated_at timestamptz, last_seen_at timestamptz, stale bool
)
WHERE g.id = r.id
"""
_SQLITE_SAVE_STATE = """
UPDATE hero_gates SET
    status = ?, value = ?, unit = ?, threshold = ?, violations = ?, since = ?,
    updated_at = ?, last_seen_at = ?, stale = ?
WHERE id = ?
"""


@dataclass(slots=True)
class GateRow:
    """A gate as ingest reads and steps it: `HeroGate`'s columns, without the ORM."""

    id: int
    slug: str
    title: str
    description: str
    source: str
    metric: str
    warn: float
    critical: float
    direction: str
    hysteresis: float
    min_violations: int
    stale_after_s: float | None
    position: int
    status: str
    value: float | None
    threshold: float | None
    unit: str | None
    violations: int
    since: datetime
    updated_at: datetime
    last_seen_at: datetime | None
    stale: bool

    @classmethod
    def from_store(cls, row: Sequence[Any]) -> GateRow:
        gate = cls(*row)
        gate.since = from_store(gate.since)
        gate.updated_at = from_store(gate.updated_at)
        if gate.last_seen_at is not None:
            gate.last_seen_at = from_store(gate.last_seen_at)
        gate.stale = bool(gate.stale)
        return gate

    def state(self) -> dict[str, Any]:
        """The columns evaluation writes, with the id."""
        return {name: getattr(self, name) for name in _STATE}


_STATE = (
    "id", "status", "value", "unit", "threshold", "violations", "since", "updated_at",
    "last_seen_at", "stale",
)  # fmt: skip


class GateRepository(Repository):
    async def all(self) -> Sequence[HeroGate]:
        statement = self.statement(
            "all_gates", lambda: select(HeroGate).order_by(HeroGate.position, HeroGate.slug)
        )
        return (await self.session.scalars(statement)).all()

    async def by_slug(self, slug: str, *, lock: bool = False) -> HeroGate | None:
        statement = select(HeroGate).where(HeroGate.slug == slug)
        if lock and self.is_postgres:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def watching(self, keys: Iterable[tuple[str, str]]) -> list[GateRow]:
        """The gates watching these series, locked until the commit in slug order
        (PostgreSQL; on SQLite the writer lock serializes writers), as plain rows: ingest
        steps them on every batch, where ORM objects and their flush cost ~1 ms of Python
        and, on SQLite, five more calls into its thread under the writer lock."""
        keys = sorted(set(keys))
        if not keys:
            return []
        rows = await self._fetch_for_series(
            "SELECT hero_gates", _PG_WATCHING, _SQLITE_WATCHING, keys
        )
        return [GateRow.from_store(row) for row in rows]

    async def save_state(self, gates: Iterable[GateRow]) -> None:
        """Write back what evaluation changes: status, value, counters and times."""
        rows = [g.state() for g in gates]
        if not rows:
            return
        if self.is_postgres:
            payload = orjson.dumps(rows, option=orjson.OPT_UTC_Z).decode()
            await self._on_driver("UPDATE hero_gates", "execute", _PG_SAVE_STATE, payload)
            return
        params = [
            (
                r["status"],
                r["value"],
                r["unit"],
                r["threshold"],
                r["violations"],
                sqlite_text(r["since"]),
                sqlite_text(r["updated_at"]),
                None if r["last_seen_at"] is None else sqlite_text(r["last_seen_at"]),
                r["stale"],
                r["id"],
            )
            for r in rows
        ]
        await self._on_driver("UPDATE hero_gates", "executemany", _SQLITE_SAVE_STATE, params)

    def add(self, gate: HeroGate) -> None:
        self.session.add(gate)
