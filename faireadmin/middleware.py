import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# A session's expiry is pushed back (SESSION_COOKIE_AGE from now) at most this often, so that
# an active agent stays logged in without a database write on every request.
RAFRAICHIR_APRES = 300


def a_la_connexion(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """The session is new: its expiry is fresh (saved with the login, no extra write)."""
    request.session["vu"] = int(time.time())


def session_glissante(get_response: Callable[[HttpRequest], HttpResponse]):
    """Sessions end after SESSION_COOKIE_AGE of inactivity, not after a fixed time."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            maintenant = int(time.time())
            if maintenant - session.get("vu", 0) > RAFRAICHIR_APRES:
                session["vu"] = maintenant  # modified: saved with a new expiry
        return response

    return middleware


def vary_htmx(get_response: Callable[[HttpRequest], HttpResponse]):
    """Pages answer HTMX requests with a part of themselves: caches (the browser's included)
    must keep the two apart."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response

    return middleware


def entete_du_cache(get_response: Callable[[HttpRequest], HttpResponse]):
    """With ``CACHE_SERVER_TIMING`` (make bench), each answer says whether its cached parts
    were all read from the cache (``Server-Timing: cache;desc=hit``) or some computed
    (``miss``); nothing when the page reads none. Off in production: nobody needs it there."""
    from faireadmin.cache import bilan

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.FAIREADMIN["ENTETE_DU_CACHE"]:
            servie = bilan().servie_du_cache
            if servie is not None:
                response["Server-Timing"] = f"cache;desc={'hit' if servie else 'miss'}"
        return response

    return middleware
