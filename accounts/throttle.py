"""Counting what one address or account asks for in a window of time, in the shared cache, so every
web process counts together: password reset requests, and failed sign-ins across accounts (password
spraying: django-axes counts per account and address; this counts per address across accounts)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

SIGN_IN_WINDOW_SECONDS = 15 * 60


def within(key: str, limit: int, *, seconds: int) -> bool:
    """Count one more against ``key`` in its window; whether it is still within ``limit``."""
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit


def sign_ins_blocked(address: str) -> bool:
    """Whether ``address`` has failed to sign in too often lately, whichever accounts it tried."""
    return int(cache.get(f"sign-in-failures:{address}", 0)) >= settings.SIGN_IN_FAILURES_PER_ADDRESS


def sign_in_failed(address: str) -> None:
    within(f"sign-in-failures:{address}", settings.SIGN_IN_FAILURES_PER_ADDRESS, seconds=SIGN_IN_WINDOW_SECONDS)
