"""What every response's content security policy must say (inspectorate/settings/base.py)."""

from __future__ import annotations

from django.http import HttpResponseBase


def directives(response: HttpResponseBase) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict_policy(response: HttpResponseBase, url: str) -> None:
    """No inline or evaluated script or style, scripts from the site only, framed by no one."""
    policy = directives(response)
    assert policy, f"{url} sends no Content-Security-Policy"
    assert policy.get("frame-ancestors") == ["'none'"], url
    assert policy.get("script-src") == ["'self'"], url
    assert policy.get("style-src") == ["'self'"], url
    assert policy.get("object-src") == ["'none'"], url
    assert policy.get("default-src") == ["'self'"], url
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
