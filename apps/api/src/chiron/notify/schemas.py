"""Webhook and delivery shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from chiron.kit.schema import InputSchema, Schema

WebhookEvent = Literal["alarm", "gate", "poll", "log"]
DeliveryStatus = Literal["pending", "delivered", "failed", "superseded"]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if any(c.isspace() for c in value):
        raise ValueError("must not contain whitespace")
    return value


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("events must be distinct")
    return value


WebhookUrl = Annotated[str, Field(min_length=8, max_length=2048), AfterValidator(_http_url)]


class WebhookCreate(InputSchema):
    url: WebhookUrl = Field(description="Where deliveries are POSTed (http or https)")
    events: Annotated[
        list[WebhookEvent], Field(min_length=1, max_length=4), AfterValidator(_distinct)
    ]
    secret: (
        Annotated[str, Field(min_length=16, max_length=255, pattern=r"^[\x21-\x7e]+$")] | None
    ) = Field(None, description="Signs deliveries; generated when absent")


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    created_by: dict[str, str | None] | None = None


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: keep it to verify `Chiron-Signature`")


class WebhookList(Schema):
    items: list[WebhookOut]


class DeliveryOut(Schema):
    id: str = Field(description="The `Chiron-Delivery` header: the same on every retry")
    event: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None = None
    response: str | None = None
    created_at: datetime
    next_attempt_at: datetime
    attempted_at: datetime | None = None
    delivered_at: datetime | None = None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None = None
