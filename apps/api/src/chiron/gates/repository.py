"""Every query of gates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, tuple_, update

from chiron.gates.rules import Direction, GateStatus
from chiron.kit.repository import Repository
from chiron.kit.time import from_store, sqlite_text
from chiron.models import HeroGate, MetricLatest


@dataclass(slots=True)
class GateRow:
    """A gate as ingest reads and steps it: `HeroGate`'s columns without the ORM (a test
    holds the two to the same columns). The raw statements below are written from these
    fields, so the column list exists once."""

    id: int
    slug: str
    title: str
    description: str
    source: str
    metric: str
    warn: float
    critical: float
    direction: Direction
    hysteresis: float
    min_violations: int
    stale_after_s: float | None
    position: int
    status: GateStatus
    value: float | None
    threshold: float | None
    unit: str | None
    violations: int
    since: datetime
    updated_at: datetime
    last_seen_at: datetime | None
    stale: bool
    alarm_state: str
    alarm_trigger: str | None
    alarm_latched: str | None
    alarm_peak_value: float | None
    alarm_peak_at: datetime | None
    alarm_since: datetime | None
    alarm_acked_by: dict[str, Any] | None
    alarm_acked_at: datetime | None
    alarm_comment: str | None
    alarm_shelved_until: datetime | None
    alarm_shelved_by: dict[str, Any] | None

    @classmethod
    def from_store(cls, row: Sequence[Any]) -> GateRow:
        gate = cls(**dict(zip(COLUMNS, row, strict=True)))
        for name in _TIMES:
            value = getattr(gate, name)
            if value is not None:
                setattr(gate, name, from_store(value))
        for name in _JSONS:
            value = getattr(gate, name)
            if isinstance(value, str | bytes):  # both drivers hand JSON over as text
                setattr(gate, name, orjson.loads(value))
        gate.stale = bool(gate.stale)
        return gate

    def state(self) -> dict[str, Any]:
        """The columns evaluation writes, with the id."""
        return {name: getattr(self, name) for name in ("id", *STATE)}


COLUMNS = tuple(f.name for f in fields(GateRow))
# What stepping a gate changes (everything else is the gate's definition).
ALARM = (
    "alarm_state", "alarm_trigger", "alarm_latched", "alarm_peak_value", "alarm_peak_at",
    "alarm_since", "alarm_acked_by", "alarm_acked_at", "alarm_comment", "alarm_shelved_until",
    "alarm_shelved_by",
)  # fmt: skip
STATE = (
    "status", "value", "unit", "threshold", "violations", "since", "updated_at",
    "last_seen_at", "stale", *ALARM,
)  # fmt: skip
_PG_TYPES = {"status": "text", "value": "float8", "unit": "text", "threshold": "float8",
             "violations": "int", "since": "timestamptz", "updated_at": "timestamptz",
             "last_seen_at": "timestamptz", "stale": "bool",
             "alarm_state": "text", "alarm_trigger": "text", "alarm_latched": "text",
             "alarm_peak_value": "float8", "alarm_peak_at": "timestamptz",
             "alarm_since": "timestamptz", "alarm_acked_by": "jsonb",
             "alarm_acked_at": "timestamptz", "alarm_comment": "text",
             "alarm_shelved_until": "timestamptz", "alarm_shelved_by": "jsonb"}  # fmt: skip
_SELECT = ", ".join(f"g.{c}" for c in COLUMNS)
# One lock order everywhere (slug): no deadlocks.
_PG_WATCHING = f"""
SELECT {_SELECT}
FROM hero_gates g
JOIN json_to_recordset($1::json) AS k(source text, metric text) USING (source, metric)
ORDER BY g.slug
FOR UPDATE OF g
"""  # noqa: S608 - column names from GateRow, never input
_SQLITE_WATCHING = f"""
SELECT {_SELECT}
FROM hero_gates g
JOIN json_each(?) AS k ON g.source = k.value ->> 0 AND g.metric = k.value ->> 1
ORDER BY g.slug
"""  # noqa: S608 - column names from GateRow, never input
_PG_SAVE_STATE = f"""
UPDATE hero_gates AS g SET {", ".join(f"{c} = r.{c}" for c in STATE)}
FROM json_to_recordset($1::json) AS r(id int, {", ".join(f"{c} {_PG_TYPES[c]}" for c in STATE)})
WHERE g.id = r.id
"""  # noqa: S608 - column names from GateRow, never input
_SQLITE_SAVE_STATE = f"""
UPDATE hero_gates SET {", ".join(f"{c} = ?" for c in STATE)} WHERE id = ?
"""  # noqa: S608 - column names from GateRow, never input
_TIMES = frozenset(
    {"since", "updated_at", "last_seen_at", "alarm_peak_at", "alarm_since", "alarm_acked_at",
     "alarm_shelved_until"}
)  # fmt: skip
_JSONS = frozenset({"alarm_acked_by", "alarm_shelved_by"})


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
        params = [(*(_sqlite_param(c, r[c]) for c in STATE), r["id"]) for r in rows]
        await self._on_driver("UPDATE hero_gates", "executemany", _SQLITE_SAVE_STATE, params)

    def add(self, gate: HeroGate) -> None:
        self.session.add(gate)

    async def latest_of(self, source: str, metric: str) -> MetricLatest | None:
        """The latest value of the series a gate watches."""
        return await self.session.get(MetricLatest, (source, metric))

    async def latest_for(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], MetricLatest]:
        """The latest values of the series these gates watch."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        statement = select(MetricLatest).where(
            tuple_(MetricLatest.source, MetricLatest.metric).in_(wanted)
        )
        return {(m.source, m.metric): m for m in await self.session.scalars(statement)}

    async def fresh(self) -> Sequence[HeroGate]:
        """Gates not yet marked stale (those never heard from included): the staleness
        sweep's candidates."""
        statement = select(HeroGate).where(HeroGate.stale.is_(False))
        return (await self.session.scalars(statement)).all()

    async def mark_stale(self, gate: HeroGate, now: datetime) -> bool:
        """Mark `gate` stale unless it already is; False when another replica won."""
        won = await self.session.execute(
            update(HeroGate)
            .where(HeroGate.id == gate.id, HeroGate.stale.is_(False))
            .values(stale=True, updated_at=now)
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            return False
        await self.session.refresh(gate)
        return True

    async def set_alarm(self, gate: HeroGate, expected: str, values: dict[str, Any]) -> bool:
        """Write the alarm only if it is still in the `expected` state (another replica may
        have acted between the read and this write); refresh `gate` from the row."""
        won = await self.session.execute(
            update(HeroGate)
            .where(HeroGate.id == gate.id, HeroGate.alarm_state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(gate)
        return bool(won.rowcount)  # type: ignore[attr-defined]

    async def claim_due_shelf(self, now: datetime) -> HeroGate | None:
        """Claim one shelved alarm whose time is up: the conditional UPDATE ... RETURNING
        clears its `shelved_until`, so a replica racing for the same row (blocked on its
        lock, then re-checking the condition) gets nothing. The alarm stays `shelved` for
        the caller to resume."""
        due = (
            select(HeroGate.id)
            .where(HeroGate.alarm_state == "shelved", HeroGate.alarm_shelved_until <= now)
            .order_by(HeroGate.alarm_shelved_until, HeroGate.id)
            .limit(1)
            .scalar_subquery()
        )
        claimed = await self.session.execute(
            update(HeroGate)
            .where(
                HeroGate.id == due,
                HeroGate.alarm_state == "shelved",
                HeroGate.alarm_shelved_until <= now,
            )
            .values(alarm_shelved_until=None)
            .returning(HeroGate.id)
            .execution_options(synchronize_session=False)
        )
        gate_id = claimed.scalar_one_or_none()
        if gate_id is None:
            return None
        gate = await self.session.get(HeroGate, gate_id, populate_existing=True)
        return gate


def _sqlite_param(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _TIMES:
        return sqlite_text(value)
    if column in _JSONS:
        return orjson.dumps(value).decode()
    return value
