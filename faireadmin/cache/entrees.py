"""Cached entries: figures and parts of pages computed once, until the data they are made of
changes (the versions of their scopes, in their keys), or for ``DUREE`` at most."""

import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_started
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from faireadmin.cache.redis_sans_attente import en_panne
from faireadmin.cache.versions import EpoqueAbsenteError, version
from faireadmin.context_processors import reglages

logger = logging.getLogger("faireadmin.cache")

DUREE = 60 * 60  # figures are recomputed at least hourly: "sans nouvelles" depends on the clock

# While one process computes an entry, the others wait for it this long at most (then compute
# it themselves): eight requests arriving together compute an expensive page once.
ATTENTE_MAX = 10.0
PAS_D_ATTENTE = 0.05

T = TypeVar("T")


class _Absente:
    """What the cache answers for a key it does not hold (None is a value like any other)."""


ABSENTE = _Absente()


@dataclass
class Bilan:
    """What this request's entries were: read from the cache, or computed."""

    lues: int = 0
    calculees: int = 0

    @property
    def servie_du_cache(self) -> bool | None:
        """Every entry read from the cache; None when the request read none."""
        return None if not (self.lues or self.calculees) else not self.calculees


_bilan: ContextVar[Bilan | None] = ContextVar("bilan_du_cache", default=None)


def _nouveau_bilan(**kwargs: Any) -> None:
    _bilan.set(Bilan())


request_started.connect(_nouveau_bilan, dispatch_uid="cache:bilan")


def bilan() -> Bilan:
    """This request's tally (a fresh one outside a request)."""
    return _bilan.get() or Bilan()


def _compter(*, lue: bool) -> None:
    if (courant := _bilan.get()) is not None:
        if lue:
            courant.lues += 1
        else:
            courant.calculees += 1


def en_cache(
    cle: str, calcul: Callable[[], T], *, portees: Iterable[str], partage: bool = True
) -> T:
    """``calcul()``, cached until the data of ``portees`` changes (or for an hour at most).
    Without a working cache, computed every time. ``partage``: while one process computes it,
    the others wait for its result (an expensive entry); otherwise each computes it (a cheap
    one). A result of None is kept like any other."""
    portees = tuple(portees)
    if not portees:
        raise ValueError(f"en_cache({cle!r}) : nommez les portées dont l'entrée est faite.")
    try:
        complete = f"{cle}:v{version(*portees)}"
    except EpoqueAbsenteError:
        logger.warning("Époque du cache absente : calcul sans cache.")
        return calcul()
    try:
        valeur: Any = cache.get(complete, ABSENTE)
        if (
            valeur is ABSENTE
            and partage
            and not cache.add(f"{complete}:calcul", 1, timeout=int(ATTENTE_MAX))
        ):
            valeur = _attendre(complete)  # another process is computing it
    except Exception:
        logger.warning("Cache indisponible : calcul sans cache.", exc_info=not en_panne())
        _compter(lue=False)
        return calcul()
    _compter(lue=valeur is not ABSENTE)
    if valeur is ABSENTE:
        try:
            valeur = calcul()
            try:
                cache.set(complete, valeur, timeout=DUREE)
            except Exception:
                logger.warning("Cache indisponible : résultat non conservé.")
        finally:
            try:
                if partage:
                    cache.delete(f"{complete}:calcul")
            except Exception:
                logger.warning("Cache indisponible : verrou non levé.")
    return valeur


def rendu(
    cle: str | None,
    template: str,
    contexte: Callable[[], dict[str, Any]],
    *,
    portees: Iterable[str] = (),
    partage: bool = True,
) -> SafeString:
    """A part of a page, rendered once until the data of ``portees`` changes (``en_cache``,
    with ``partage``), or every time when ``cle`` is None. It is rendered without the
    request: it must read nothing of the user, and hold no form that posts (no CSRF token).
    ``contexte()`` is only called when the part has to be rendered."""

    def rendre() -> str:
        return str(render_to_string(template, reglages() | contexte()))

    html = (
        rendre()
        if cle is None
        else en_cache(f"rendu:{cle}", rendre, portees=portees, partage=partage)
    )
    return mark_safe(html)  # noqa: S308 (our own templates, rendered with autoescaping)


def _attendre(complete: str) -> Any:
    limite = time.monotonic() + ATTENTE_MAX
    while time.monotonic() < limite:
        time.sleep(PAS_D_ATTENTE)
        valeur = cache.get(complete, ABSENTE)
        if valeur is not ABSENTE:
            return valeur
    return ABSENTE
