"""Webhook HTTP (scope `admin`): create, list, delete, ping, and each one's delivery log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from chiron.auth.deps import AdminPrincipal
from chiron.deps import DatabaseDep, StateDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES, ErrorResponse
from chiron.notify import service
from chiron.notify.outbox import Notifier
from chiron.notify.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
)

router = APIRouter(tags=["webhooks"])
WebhookId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": ErrorResponse, "description": "`webhook_not_found`: no such webhook"},
}


@router.post(
    "/api/v1/webhooks",
    status_code=201,
    response_model=WebhookCreated,
    operation_id="webhooks-create",
    responses=ERROR_RESPONSES,
)
async def create_webhook(
    data: WebhookCreate, principal: AdminPrincipal, uow: UnitOfWorkDep
) -> WebhookCreated:
    """Subscribe a URL to events (`alarm`, `gate`, `poll`, `log`). The secret that signs
    deliveries is generated when absent, and returned only in this answer."""
    return await service.create(uow, data, principal.actor())


@router.get(
    "/api/v1/webhooks",
    response_model=WebhookList,
    operation_id="webhooks-list",
    responses=ERROR_RESPONSES,
)
async def list_webhooks(_: AdminPrincipal, db: DatabaseDep) -> WebhookList:
    async with db.readers() as session:
        return await service.list_webhooks(session)


@router.delete(
    "/api/v1/webhooks/{webhook_id}",
    status_code=204,
    operation_id="webhooks-delete",
    responses=_NOT_FOUND,
)
async def delete_webhook(webhook_id: WebhookId, _: AdminPrincipal, uow: UnitOfWorkDep) -> Response:
    """Unsubscribe; its deliveries not yet sent are dropped with it."""
    await service.delete(uow, webhook_id)
    return Response(status_code=204)


@router.post(
    "/api/v1/webhooks/{webhook_id}/ping",
    status_code=202,
    response_model=DeliveryOut,
    operation_id="webhooks-ping",
    responses=_NOT_FOUND,
)
async def ping_webhook(
    webhook_id: WebhookId, _: AdminPrincipal, uow: UnitOfWorkDep, state: StateDep
) -> DeliveryOut:
    """Queue a test delivery (event `ping`), signed and retried like any other."""
    notifier = state.extras.get("notify.notifier")
    assert notifier is None or isinstance(notifier, Notifier)
    return await service.ping(uow, webhook_id, notifier)


@router.get(
    "/api/v1/webhooks/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    operation_id="webhooks-deliveries",
    responses=_NOT_FOUND,
)
async def list_deliveries(
    webhook_id: WebhookId,
    _: AdminPrincipal,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
) -> DeliveryPage:
    """Newest first: status, attempts, the last error and the receiver's answer."""
    async with db.readers() as session:
        return await service.deliveries(session, webhook_id, limit, before)
