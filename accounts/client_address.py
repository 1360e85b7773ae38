"""Who is asking: the client's address, as seen through the proxies this deployment trusts.

Behind the TLS proxy that production assumes, ``REMOTE_ADDR`` is the proxy's. The proxy appends the
address it received the request from to ``X-Forwarded-For``. Reading that header from the right,
past every address in ``TRUSTED_PROXIES``, gives the first address no trusted proxy vouches for: the
client. A request that does not come from a trusted proxy is its own client, whatever it claims in
the header, so nobody can choose the address that throttles count against.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed hop: count against the proxy that sent it, not a made-up name
    return remote


def client_address_for_axes(request: HttpRequest, *args: Any) -> str:
    """django-axes asks through ``AXES_CLIENT_IP_CALLABLE`` with the request."""
    return client_address(request)
