"""One definition of a gate: the ORM model is the source; the hot-path row, the API shapes
and the raw statements are held to it here."""

from __future__ import annotations

import types
import typing
from dataclasses import fields

from chiron.gates.repository import COLUMNS, STATE, GateRow
from chiron.gates.schemas import Gate, GateUpsert
from chiron.models import HeroGate

MODEL_COLUMNS = {c.name: c for c in HeroGate.__table__.columns}


def test_the_hot_path_row_has_exactly_the_models_columns() -> None:
    assert set(COLUMNS) == set(MODEL_COLUMNS)
    hints = typing.get_type_hints(GateRow)
    for f in fields(GateRow):
        optional = isinstance(hints[f.name], types.UnionType) and type(None) in typing.get_args(
            hints[f.name]
        )
        assert optional == MODEL_COLUMNS[f.name].nullable, f.name


def test_what_stepping_writes_is_state_not_definition() -> None:
    definition = set(GateUpsert.model_fields)
    assert set(STATE) <= set(COLUMNS)
    assert not set(STATE) & definition
    assert definition <= set(COLUMNS)


def test_the_api_shape_is_the_models_columns() -> None:
    # Internal: the row id and the pending-worsening count. (`stale_after_s` is the gate's
    # setting in the store and its effective value, the cadence default filled in, in the API;
    # `no_data` is derived from `last_seen_at`.)
    # The `alarm_*` columns are shown as one `alarm` object (gates/alarms.py).
    hidden = {"id", "violations"} | {c for c in MODEL_COLUMNS if c.startswith("alarm_")}
    assert set(Gate.model_fields) - {"no_data", "alarm"} == set(MODEL_COLUMNS) - hidden
