"""The cache: figures and parts of pages computed once, until the data they show changes.

**Versions, never deletions.** An entry's key carries the version of the data it was computed
from. A change moves that version on once its transaction has committed (once per
transaction, however many rows it wrote): the next request computes afresh, and the old
entries are simply never read again (they expire within ``DUREE``). Model saves and deletions
move it automatically (signals, connected in ``FaireAdminConfig.ready``); services that change
rows with ``QuerySet.update()`` or bulk operations call ``invalider()`` themselves.

**The versions live in the database** (``VersionCache``), not in Redis: a change made while
Redis is stopped, frozen or restarted (append-only file or not) moves the version all the
same, so that no page can come back stale once Redis answers again. Reading them costs one
small query per request (kept for the rest of the request, and dropped when this process
moves a version on).

**Redis that fails costs nothing.** The backend (``RedisSansAttente``) waits ``socket_timeout``
at most (0.15 s in production), and after a failure leaves Redis alone for
``PAUSE_APRES_PANNE`` seconds: every call fails at once, and the pages are computed without
the cache, as if it did not exist. The cache is Redis in production (shared by every web
process), memory with ``make run``.
"""

import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

from faireadmin.context_processors import reglages

logger = logging.getLogger(__name__)

DUREE = 60 * 60  # figures are recomputed at least hourly: "sans nouvelles" depends on the clock
# The data every cached entry depends on today (one scope; see VersionCache).
DONNEES = "donnees"

T = TypeVar("T")


# --- The backend ----------------------------------------------------------------------------
class CacheIndisponibleError(Exception):
    """Redis did not answer, now or a moment ago: compute without the cache."""


# After a failure, this process leaves Redis alone this long (its threads included).
PAUSE_APRES_PANNE = 5.0
_en_panne_jusqua = 0.0


def en_panne() -> bool:
    return time.monotonic() < _en_panne_jusqua


def repartir() -> None:
    """Forgets a past failure (tests, and the fault benchmark)."""
    global _en_panne_jusqua
    _en_panne_jusqua = 0.0


def _sans_attente(operation: Callable[..., T]) -> Callable[..., T]:
    """``operation`` of Django's Redis client, failing at once while Redis is known to be
    down, and marking it down at its first error (a timeout, a refused connection)."""

    @functools.wraps(operation)
    def sans_attente(client: RedisCacheClient, *args: Any, **kwargs: Any) -> T:
        global _en_panne_jusqua
        if en_panne():
            raise CacheIndisponibleError("Redis en panne il y a un instant.")
        try:
            return operation(client, *args, **kwargs)
        except RedisError as erreur:  # ConnectionError, TimeoutError…
            _en_panne_jusqua = time.monotonic() + PAUSE_APRES_PANNE
            logger.warning(
                "Cache indisponible (%s) : laissé de côté %s s.", erreur, PAUSE_APRES_PANNE
            )
            raise CacheIndisponibleError(str(erreur)) from erreur

    return sans_attente


class _ClientSansAttente(RedisCacheClient):
    add = _sans_attente(RedisCacheClient.add)
    get = _sans_attente(RedisCacheClient.get)
    set = _sans_attente(RedisCacheClient.set)
    touch = _sans_attente(RedisCacheClient.touch)
    delete = _sans_attente(RedisCacheClient.delete)
    get_many = _sans_attente(RedisCacheClient.get_many)
    has_key = _sans_attente(RedisCacheClient.has_key)
    incr = _sans_attente(RedisCacheClient.incr)
    set_many = _sans_attente(RedisCacheClient.set_many)
    delete_many = _sans_attente(RedisCacheClient.delete_many)
    clear = _sans_attente(RedisCacheClient.clear)


class RedisSansAttente(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the back-off above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientSansAttente


# --- Versions -------------------------------------------------------------------------------
# The versions read by this request (as they go into keys), until it ends or this process
# moves one on; None outside a request (a task reads them afresh each time).
_lues: ContextVar[dict[str, str] | None] = ContextVar("versions_lues", default=None)


def _debut_de_requete(**kwargs: Any) -> None:
    _lues.set({})


def _fin_de_requete(**kwargs: Any) -> None:
    _lues.set(None)


request_started.connect(_debut_de_requete, dispatch_uid="cache:debut")
request_finished.connect(_fin_de_requete, dispatch_uid="cache:fin")


class EpoqueAbsenteError(Exception):
    """The epoch of the database is missing (a table emptied by hand, or by the tests): the
    keys cannot be told apart from those of another database, so nothing is cached."""


def version(portee: str = DONNEES) -> str:
    """The version of ``portee``, as it goes into keys: the epoch of the database (a database
    created again under the same Redis never meets the entries of the old one), then the
    number of the scope (0 until its first change)."""
    from faireadmin.models import VersionCache

    lues = _lues.get()
    if lues is not None and portee in lues:
        return lues[portee]
    numeros = dict(
        VersionCache.objects.filter(portee__in=[VersionCache.EPOQUE, portee]).values_list(
            "portee", "numero"
        )
    )
    if VersionCache.EPOQUE not in numeros:
        raise EpoqueAbsenteError("Époque du cache absente (voir la migration faireadmin 0008).")
    lue = f"{numeros[VersionCache.EPOQUE]}.{numeros.get(portee, 0)}"
    if lues is not None:
        lues[portee] = lue
    return lue


def _avancer(portee: str) -> None:
    from faireadmin.models import VersionCache

    table = connection.ops.quote_name(VersionCache._meta.db_table)
    try:
        with connection.cursor() as curseur:
            curseur.execute(
                f"INSERT INTO {table} (portee, numero) VALUES (%s, 1) "  # noqa: S608 (our table)
                f"ON CONFLICT (portee) DO UPDATE SET numero = {table}.numero + 1",
                [portee],
            )
    except Exception:  # the commit went through: entries expire within DUREE at worst
        logger.exception("Version du cache « %s » non avancée.", portee)
    if (lues := _lues.get()) is not None:
        lues.clear()  # this request reads the new version from now on


class _Lot:
    """The invalidations of one scope in one transaction: the first that runs moves it."""

    fait = False


class _Avancer:
    """An on-commit callback moving ``portee`` on, unless another of its ``lot`` did."""

    def __init__(self, portee: str, lot: _Lot) -> None:
        self.portee, self.lot = portee, lot

    def __call__(self) -> None:
        if not self.lot.fait:
            self.lot.fait = True
            _avancer(self.portee)


def invalider(portee: str = DONNEES) -> None:
    """The data of ``portee`` changed: cached entries are stale from the commit on. Called
    many times in one transaction, the version moves once. (Each call still registers its
    callback: one rolled back with its savepoint leaves the others.)"""
    # From the latest: in a transaction that saves many rows, the previous one is the match.
    rappels = (entree[1] for entree in reversed(connection.run_on_commit))
    lot = next(
        (
            rappel.lot
            for rappel in rappels
            if isinstance(rappel, _Avancer) and rappel.portee == portee and not rappel.lot.fait
        ),
        None,
    )
    transaction.on_commit(_Avancer(portee, lot or _Lot()), robust=True)


# --- Entries --------------------------------------------------------------------------------
# While one process computes an entry, the others wait for it this long at most (then compute
# it themselves): eight requests arriving together compute an expensive page once.
ATTENTE_MAX = 10.0
PAS_D_ATTENTE = 0.05


def en_cache(cle: str, calcul: Callable[[], T], *, partage: bool = True) -> T:
    """``calcul()``, cached until the data changes (or for an hour at most). Without a
    working cache, computed every time. ``partage``: while one process computes it, the others
    wait for its result (an expensive entry); otherwise each computes it (a cheap one)."""
    try:
        complete = f"{cle}:v{version()}"
    except EpoqueAbsenteError:
        logger.warning("Époque du cache absente : calcul sans cache.")
        return calcul()
    try:
        valeur: Any = cache.get(complete)
        if (
            valeur is None
            and partage
            and not cache.add(f"{complete}:calcul", 1, timeout=int(ATTENTE_MAX))
        ):
            valeur = _attendre(complete)  # another process is computing it
    except Exception:
        logger.warning("Cache indisponible : calcul sans cache.", exc_info=not en_panne())
        return calcul()
    if valeur is None:
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
