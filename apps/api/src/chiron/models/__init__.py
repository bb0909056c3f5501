"""ORM tables, one file each; importing this module registers them all on `Base.metadata`."""

from chiron.models.base import Base
from chiron.models.client import ApiClient
from chiron.models.gate import HeroGate
from chiron.models.idempotency import IdempotencyRecord
from chiron.models.log import LogEntry, LogEntryEdit, LogEntryTag
from chiron.models.notification import NotificationOutbox, Webhook
from chiron.models.poll import Poll, PollAnswer
from chiron.models.sample import MetricLatest, SampleRollup, TelemetrySample
from chiron.models.signing_key import SigningKey
from chiron.models.timeline import TimelineEvent

__all__ = [
    "ApiClient",
    "Base",
    "HeroGate",
    "IdempotencyRecord",
    "LogEntry",
    "LogEntryEdit",
    "LogEntryTag",
    "MetricLatest",
    "NotificationOutbox",
    "Poll",
    "PollAnswer",
    "SampleRollup",
    "SigningKey",
    "TelemetrySample",
    "TimelineEvent",
    "Webhook",
]
