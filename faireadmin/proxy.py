"""The reverse proxy in front of the application, and what it alone may say.

Only a peer listed in PROXIES_DE_CONFIANCE (addresses or networks; loopback by default) may
tell the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto): the same headers
from anyone else are removed before any other middleware reads them (``entetes_du_proxy``).
Otherwise whoever reaches the application directly chooses the address the lockout and the
security log see. gunicorn trusts the same list (``faireadmin/gunicorn.py``)."""

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ENTETES_DU_PROXY = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@cache
def _reseaux(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _ip(adresse: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, with the port some proxies add taken off (« 1.2.3.4:5678 »,
    « [2001:db8::1]:443 »)."""
    adresse = adresse.strip()
    if adresse.startswith("["):
        adresse = adresse[1:].partition("]")[0]
    elif adresse.count(":") == 1:
        adresse = adresse.partition(":")[0]
    try:
        return ipaddress.ip_address(adresse)
    except ValueError:
        return None


def de_confiance(adresse: str | None) -> bool:
    """Whether ``adresse`` is one of our reverse proxies."""
    ip = _ip(adresse or "")
    return ip is not None and any(ip in r for r in _reseaux(tuple(settings.PROXIES_DE_CONFIANCE)))


def adresse_client(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR; or, when that peer is one of our proxies, the
    address X-Forwarded-For ends with once the proxies' own are set aside (the earlier ones
    are the client's to forge)."""
    if request is None:
        return None
    pair = request.META.get("REMOTE_ADDR") or ""
    if de_confiance(pair):
        for adresse in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            if _ip(adresse) is None:
                break  # not an address: what follows cannot be trusted either
            if not de_confiance(adresse):
                return str(_ip(adresse))
    ip = _ip(pair)
    return str(ip) if ip is not None else None


def entetes_du_proxy(get_response: Callable[[HttpRequest], HttpResponse]):
    """First middleware: forwarded headers that do not come from our proxies are dropped."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not de_confiance(request.META.get("REMOTE_ADDR")):
            for entete in ENTETES_DU_PROXY:
                request.META.pop(entete, None)
        return get_response(request)

    return middleware
