"""API keys: list, create and revoke (admin)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from application.access import Role
from corpus.store import KeyRecord
from service.dependencies import AdministeringDep, CanManageKeys
from service.schemas import CreatedKey, KeyInfo, NewKey

router = APIRouter(tags=["keys"])
KeyId = Annotated[str, Path(description="key id, as jcm keys list shows", examples=["a1b2c3d4e5f6"])]


@router.get("/keys", response_model=list[KeyInfo])
def list_keys(viewer: CanManageKeys, admin: AdministeringDep) -> list[KeyInfo]:
    """API keys (never the keys themselves: only their hashes are kept) (admin)."""
    return [key_info(record) for record in admin.api_keys()]


@router.post("/keys", status_code=201, response_model=CreatedKey)
def new_key(request: NewKey, viewer: CanManageKeys, admin: AdministeringDep) -> CreatedKey:
    """Create a key; the response is the only place the key is ever shown (admin)."""
    record, key = admin.create_key(request.role, request.name)
    return CreatedKey(**key_info(record).model_dump(), key=key)


@router.delete("/keys/{key_id}", status_code=204, response_class=Response)
def revoke_key(key_id: KeyId, viewer: CanManageKeys, admin: AdministeringDep) -> Response:
    """Revoke a key: requests with it get 401 from now on (admin)."""
    if not admin.revoke_key(key_id):
        raise HTTPException(404, f"no key {key_id}")
    return Response(status_code=204)


def key_info(record: KeyRecord) -> KeyInfo:
    return KeyInfo(
        id=record.id, name=record.name, role=Role(record.role), created_at=record.created_at,
        revoked_at=record.revoked_at,
    )
