from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.state import AppState
from tests.fixtures.factories import INGEST, sample, store_counts


async def test_a_retried_batch_is_stored_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    body = {"samples": [sample(1.0), sample(2.0, metric="velocity")]}
    headers = {**auth_headers, "Idempotency-Key": "batch-0001"}
    first = await client.post(INGEST, json=body, headers=headers)
    second = await client.post(INGEST, json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["accepted"] == 2
    assert second.json()["accepted"] == 0
    assert second.json()["duplicates"] == 2
    assert (await store_counts(db))["telemetry_samples"] == 2


async def test_the_same_key_with_another_body_is_409(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    headers = {**auth_headers, "Idempotency-Key": "batch-0002"}
    await client.post(INGEST, json={"samples": [sample(1.0)]}, headers=headers)
    response = await client.post(INGEST, json={"samples": [sample(9.0)]}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert (await store_counts(db))["telemetry_samples"] == 1


async def test_a_failed_batch_does_not_burn_its_key(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    headers = {**auth_headers, "Idempotency-Key": "batch-0003", "content-type": "application/json"}
    bad = await client.post(
        INGEST, content=b'{"samples":[{"source":"a","metric":"m","value":"x"}]}', headers=headers
    )
    assert bad.status_code == 422
    good = await client.post(
        INGEST, content=json.dumps({"samples": [sample(1.0)]}), headers=headers
    )
    assert good.status_code == 202
    assert good.json()["accepted"] == 1


async def test_keys_are_scoped_per_client(
    client: httpx.AsyncClient,
    make_token,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    a = {
        "Authorization": f"Bearer {await make_token(['ingest'], name='a')}",
        "Idempotency-Key": "k",
    }
    b = {
        "Authorization": f"Bearer {await make_token(['ingest'], name='b')}",
        "Idempotency-Key": "k",
    }
    await client.post(INGEST, json={"samples": [sample(1.0)]}, headers=a)
    response = await client.post(INGEST, json={"samples": [sample(1.0)]}, headers=b)
    assert response.json()["accepted"] == 1
    assert (await store_counts(db))["telemetry_samples"] == 2


async def test_a_retry_storm_stores_each_batch_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    batches = {
        f"storm-{i}": {"samples": [sample(float(i)), sample(float(i), metric="velocity")]}
        for i in range(8)
    }

    async def send(key: str) -> httpx.Response:
        return await client.post(
            INGEST, json=batches[key], headers={**auth_headers, "Idempotency-Key": key}
        )

    responses = await asyncio.gather(*(send(key) for key in list(batches) * 5))
    assert {r.status_code for r in responses} == {202}
    assert sum(r.json()["accepted"] for r in responses) == 16
    assert (await store_counts(db))["telemetry_samples"] == 16
    assert (await store_counts(db))["idempotency_keys"] == 8


async def test_a_retry_gets_its_original_answer_even_after_its_times_aged(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    """The clock check runs after the replay: a batch accepted 4 minutes ahead of the clock is
    replayed, not refused, when the tolerance has since shrunk to 1 minute."""
    ahead = utcnow() + timedelta(minutes=4)
    body = {"samples": [sample(1.0, ts=ahead)]}
    headers = {**auth_headers, "Idempotency-Key": "batch-aged"}
    first = await client.post(INGEST, json=body, headers=headers)
    assert first.status_code == 202, first.text
    state.settings = state.settings.model_copy(update={"future_tolerance_s": 60})
    retry = await client.post(INGEST, json=body, headers=headers)
    assert retry.status_code == 202, retry.text
    assert retry.json()["duplicates"] == 1
    fresh = await client.post(INGEST, json=body, headers={**auth_headers, "Idempotency-Key": "x"})
    assert fresh.status_code == 422
    assert fresh.json()["error"]["details"][0]["type"] == "ts_in_future"
    assert (await store_counts(db))["telemetry_samples"] == 1
