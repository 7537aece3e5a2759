"""Cached figures that are never stale.

Pages that cost many queries (the DG dashboard) cache their figures under a key that contains
a *generation* number. Any change to the data the figures are made of moves the generation on,
once the transaction has committed: the next request computes fresh figures. Model saves and
deletions move it automatically (signals, connected in ``FaireAdminConfig.ready``); services
that change rows with ``QuerySet.update()`` or bulk operations call ``invalider()`` themselves.

The cache is Redis in production (shared by every web process), memory with ``make run``.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from faireadmin.context_processors import reglages

logger = logging.getLogger(__name__)

CLE_GENERATION = "fraicheur:generation"
DUREE = 60 * 60  # figures are recomputed at least hourly: "sans nouvelles" depends on the clock

T = TypeVar("T")


def generation() -> int:
    valeur = cache.get(CLE_GENERATION)
    if valeur is None:
        # Starts from the clock, not from 1: a counter lost (evicted, cache restarted) must
        # not come back to a number whose entries are still cached.
        cache.add(CLE_GENERATION, time.time_ns(), timeout=None)
        valeur = cache.get(CLE_GENERATION, 0)
    return int(valeur)


def _avancer() -> None:
    try:
        try:
            cache.incr(CLE_GENERATION)
        except ValueError:  # the key was evicted: a new one starts from the clock
            generation()
    except Exception:  # the cache is down: entries expire within DUREE anyway
        logger.warning("Cache indisponible : invalidation impossible.", exc_info=True)


def invalider() -> None:
    """The data changed: cached figures are stale from the commit on."""
    transaction.on_commit(_avancer)


# While one process computes an entry, the others wait for it this long at most (then compute
# it themselves): eight requests arriving together compute an expensive page once.
ATTENTE_MAX = 10.0
PAS_D_ATTENTE = 0.05


def en_cache(cle: str, calcul: Callable[[], T], *, partage: bool = True) -> T:
    """``calcul()``, cached until the data changes (or for an hour at most). Without a
    working cache, computed every time. ``partage``: while one process computes it, the others
    wait for its result (an expensive entry); otherwise each computes it (a cheap one)."""
    try:
        complete = f"{cle}:g{generation()}"
        valeur: Any = cache.get(complete)
        if (
            valeur is None
            and partage
            and not cache.add(f"{complete}:calcul", 1, timeout=int(ATTENTE_MAX))
        ):
            valeur = _attendre(complete)  # another process is computing it
    except Exception:
        logger.warning("Cache indisponible : calcul sans cache.", exc_info=True)
        return calcul()
    if valeur is None:
        try:
            valeur = calcul()
            try:
                cache.set(complete, valeur, timeout=DUREE)
            except Exception:
                logger.warning("Cache indisponible : résultat non conservé.", exc_info=True)
        finally:
            try:
                if partage:
                    cache.delete(f"{complete}:calcul")
            except Exception:
                logger.warning("Cache indisponible : verrou non levé.", exc_info=True)
    return valeur


def rendu(
    cle: str | None,
    template: str,
    contexte: Callable[[], dict[str, Any]],
    *,
    partage: bool = True,
) -> SafeString:
    """A part of a page, rendered once until the data changes (``en_cache``, with
    ``partage``), or every time when ``cle`` is None. It is rendered without the request: it
    must read nothing of the user, and hold no form that posts (no CSRF token).
    ``contexte()`` is only called when the part has to be rendered."""

    def rendre() -> str:
        return str(render_to_string(template, reglages() | contexte()))

    html = rendre() if cle is None else en_cache(f"rendu:{cle}", rendre, partage=partage)
    return mark_safe(html)  # noqa: S308 (our own templates, rendered with autoescaping)


def _attendre(complete: str) -> Any:
    limite = time.monotonic() + ATTENTE_MAX
    while time.monotonic() < limite:
        time.sleep(PAS_D_ATTENTE)
        valeur = cache.get(complete)
        if valeur is not None:
            return valeur
    return None


# Saves that change nothing a page shows: a login stamps the agent's last_login.
CHAMPS_SANS_EFFET = frozenset({"last_login"})


def au_changement(sender: Any, **kwargs: Any) -> None:
    """Receiver of post_save, post_delete and m2m_changed."""
    champs = kwargs.get("update_fields")
    if champs and set(champs) <= CHAMPS_SANS_EFFET:
        return
    invalider()
