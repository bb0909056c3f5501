"""CSV for exports: a header row, then one line per row, times as ISO-8601 UTC.

Lines are produced one at a time so a large export streams instead of being built in
memory. Quoting is the csv module's (RFC 4180: fields with commas, quotes or newlines are
quoted, quotes doubled), so what Python's csv reader, a spreadsheet or pandas reads back is
exactly what was stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import datetime

from chiron.kit.time import as_utc

MEDIA_TYPE = "text/csv; charset=utf-8"


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return as_utc(value).isoformat().replace("+00:00", "Z")
    if value is None:
        return ""
    return value


async def csv_lines(
    header: Sequence[str], rows: AsyncIterable[Sequence[object]]
) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Sequence[object]) -> str:
        writer.writerow([_cell(value) for value in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(header)
    async for row in rows:
        yield line(row)
