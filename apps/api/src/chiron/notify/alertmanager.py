"""An alarm's state as Alertmanager should know it, and sending it there (API v2).

Each Alertmanager row carries a gate's whole alarm (`GateAlarm`), so delivering one makes
Alertmanager agree with it, whatever was missed before: the alert firing (re-posted with
`endsAt` a few resend intervals ahead, as Prometheus does) or resolved (`endsAt` now),
and a silence while the alarm is acknowledged (until far ahead) or shelved (until the
shelf ends), expired otherwise. Silences are found by their matchers, so nothing is lost
if an id is: a replayed delivery creates no second silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from chiron.config import Settings
from chiron.kit.time import as_utc

ALERTNAME = "ChironAlarm"
SEVERITIES = {"no-go": "critical", "hold": "warning", "go": "warning"}
# An acknowledgement silences until the alarm clears; Alertmanager needs an end regardless.
ACK_SILENCE = timedelta(days=365)
RESEND_INTERVALS_AHEAD = 4


class DeliveryError(Exception):
    """The receiver did not take it: retried later."""


@dataclass(frozen=True, slots=True)
class Silence:
    created_by: str
    comment: str
    ends_at: datetime


def _when(text: str | None) -> datetime | None:
    return None if text is None else as_utc(datetime.fromisoformat(text))


def _label(actor: dict[str, Any] | None) -> str:
    if not actor:
        return "chiron"
    name = actor.get("name") or actor.get("subject") or "chiron"
    station = actor.get("station")
    return f"{name} ({station})" if station else str(name)


def matchers(alarm: dict[str, Any]) -> dict[str, str]:
    return {
        "alertname": ALERTNAME,
        "gate": alarm["gate"],
        "source": alarm["source"],
        "metric": alarm["metric"],
    }


def severity(alarm: dict[str, Any]) -> str:
    latched = alarm["alarm"].get("latched_status") or alarm["status"]
    return SEVERITIES.get(latched, "warning")


def alerts(alarm: dict[str, Any], settings: Settings, now: datetime) -> list[dict[str, Any]]:
    """The gate's alert under each severity: the one it has now firing (while the alarm is
    not `normal`), the others resolved (the latch moving HOLD -> NO-GO changes the label
    set, so the old one is ended rather than left to time out)."""
    state = alarm["alarm"]["state"]
    active = state != "normal"
    # Never after now: `since` is device time, which may run a little ahead of ours.
    since = min(_when(alarm["alarm"].get("since")) or now, now)
    current = severity(alarm)
    latched = alarm["alarm"].get("latched_status") or alarm["status"]
    peak = alarm["alarm"].get("peak") or {}
    unit = alarm.get("unit") or ""
    value = peak.get("value", alarm.get("value"))
    shown = "no data" if value is None else f"{value:g}{unit}"
    trigger = "input stale" if alarm["alarm"].get("trigger") == "stale" else "threshold"
    annotations = {
        "summary": f"{alarm['title']}: {str(latched).upper()} ({state})",
        "description": (
            f"{alarm['metric']} on {alarm['source']}: {trigger}, worst {shown}; "
            f"gate now {alarm['status'].upper()}{' (stale)' if alarm.get('stale') else ''}"
        ),
        "dashboard_url": f"{settings.public_url.rstrip('/')}/?gate={quote(alarm['gate'])}",
    }
    ahead = now + timedelta(seconds=settings.alertmanager_resend_s * RESEND_INTERVALS_AHEAD)
    out = []
    for level in sorted(set(SEVERITIES.values())):
        firing = active and level == current
        out.append(
            {
                "labels": {**matchers(alarm), "severity": level},
                "annotations": annotations,
                "startsAt": since.isoformat(),
                "endsAt": (ahead if firing else now).isoformat(),
                "generatorURL": annotations["dashboard_url"],
            }
        )
    return out


def wanted_silence(alarm: dict[str, Any]) -> Silence | None:
    state = alarm["alarm"]
    if state["state"] == "acked":
        acked_at = _when(state.get("acked_at")) or _when(state.get("since"))
        assert acked_at is not None
        return Silence(
            created_by=_label(state.get("acked_by")),
            comment=state.get("comment") or "Acknowledged in Chiron",
            ends_at=acked_at + ACK_SILENCE,
        )
    if state["state"] == "shelved" and state.get("shelved_until"):
        until = _when(state["shelved_until"])
        assert until is not None
        return Silence(
            created_by=_label(state.get("shelved_by")),
            comment=state.get("comment") or "Shelved in Chiron",
            ends_at=until,
        )
    return None


async def _call(http: httpx.AsyncClient, method: str, url: str, **kw: Any) -> httpx.Response:
    try:
        response = await http.request(method, url, **kw)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{method} {url}: {type(exc).__name__} {exc}".strip()) from None
    if response.status_code >= 300:
        raise DeliveryError(f"{method} {url}: HTTP {response.status_code} {response.text[:200]}")
    return response


async def deliver(
    http: httpx.AsyncClient, alarm: dict[str, Any], settings: Settings, now: datetime
) -> str:
    """Make every Alertmanager agree with the alarm. Alerts go to every URL (as Prometheus
    does; delivered when at least one took them); the silence to the first URL that
    answers (a cluster shares its silences). Returns what was done, for the delivery log;
    raises DeliveryError to be retried."""
    body = alerts(alarm, settings, now)
    posted, errors = 0, []
    for base in settings.alertmanager_url:
        try:
            await _call(http, "POST", f"{base}/api/v2/alerts", json=body)
            posted += 1
        except DeliveryError as exc:
            errors.append(str(exc))
    if not posted:
        raise DeliveryError("; ".join(errors))
    # One member down does not hold the others (nor the silence) back: the periodic
    # re-post brings it up to date when it is back, as Prometheus' next evaluation would.
    done = [
        f"alerts posted to {posted}/{len(settings.alertmanager_url)} ({alarm['alarm']['state']})"
    ]
    done += [f"not taken: {e}" for e in errors]
    errors = []
    for base in settings.alertmanager_url:
        try:
            done.append(await _sync_silence(http, base, alarm, now))
            break
        except DeliveryError as exc:
            errors.append(str(exc))
    else:
        raise DeliveryError("; ".join(errors))
    return "; ".join(d for d in done if d)


async def _sync_silence(
    http: httpx.AsyncClient, base: str, alarm: dict[str, Any], now: datetime
) -> str:
    want = wanted_silence(alarm)
    ours = matchers(alarm)
    params = [
        ("filter", f'{k}="{v}"') for k, v in (("alertname", ALERTNAME), ("gate", alarm["gate"]))
    ]
    listed = (await _call(http, "GET", f"{base}/api/v2/silences", params=params)).json()
    active = [
        s
        for s in listed
        if s.get("status", {}).get("state") in ("active", "pending")
        and {m["name"]: m["value"] for m in s.get("matchers", [])} == ours
    ]
    keep = None
    if want is not None:
        for s in active:
            ends = _when(s.get("endsAt"))
            if (
                s.get("createdBy") == want.created_by
                and s.get("comment") == want.comment
                and ends is not None
                and abs((ends - want.ends_at).total_seconds()) < 2
            ):
                keep = s["id"]
                break
    expired = []
    for s in active:
        if s["id"] != keep:
            await _call(http, "DELETE", f"{base}/api/v2/silence/{s['id']}")
            expired.append(s["id"])
    note = f"silence {', '.join(expired)} expired" if expired else ""
    if want is not None and keep is None and want.ends_at > now:
        created = await _call(
            http,
            "POST",
            f"{base}/api/v2/silences",
            json={
                "matchers": [
                    {"name": k, "value": v, "isRegex": False, "isEqual": True}
                    for k, v in ours.items()
                ],
                "startsAt": now.isoformat(),
                "endsAt": want.ends_at.isoformat(),
                "createdBy": want.created_by,
                "comment": want.comment,
            },
        )
        keep = created.json().get("silenceID")
        note = f"silence {keep} created" + (f"; {note}" if note else "")
    elif keep is not None:
        note = f"silence {keep} kept" + (f"; {note}" if note else "")
    return note
