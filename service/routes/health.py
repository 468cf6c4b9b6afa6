"""Liveness."""

from fastapi import APIRouter

router = APIRouter(tags=["service"])


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: answers without a key."""
    return {"status": "ok"}
