"""The versions of the scopes (``portees.py``), which the keys of the cached entries carry.

They live in the database (``VersionCache``), not in Redis: a change made while Redis is
stopped, frozen or restarted moves them all the same, so that no page can come back stale
once Redis answers again. A request reads the epoch and every programme-wide scope in one
small query, then an object's scope the first time it needs it; it keeps what it read until
it ends or this process moves a version on.
"""

import logging
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connection, transaction

from faireadmin.cache.portees import GLOBALES, PEU_NOMBREUSES

logger = logging.getLogger("faireadmin.cache")

# The numbers read by this request, until it ends or this process moves one on; None outside
# a request (a task reads them afresh each time).
_lus: ContextVar[dict[str, int] | None] = ContextVar("versions_lues", default=None)
# The few object scopes this process has met (``PEU_NOMBREUSES``), read with the others.
_rencontrees: set[str] = set()


def _debut_de_requete(**kwargs: Any) -> None:
    _lus.set({})


def _fin_de_requete(**kwargs: Any) -> None:
    _lus.set(None)


request_started.connect(_debut_de_requete, dispatch_uid="cache:debut")
request_finished.connect(_fin_de_requete, dispatch_uid="cache:fin")


class EpoqueAbsenteError(Exception):
    """The epoch of the database is missing (a table emptied by hand, or by the tests): the
    keys cannot be told apart from those of another database, so nothing is cached."""


def version(*portees: str) -> str:
    """The version of the data made of ``portees``, as it goes into keys: the epoch of the
    database (a database created again under the same Redis never meets the entries of the
    old one), then the number of each scope (0 until its first change), in the given order."""
    return versions(portees)[0]


def versions(*groupes: tuple[str, ...]) -> list[str]:
    """The versions of several entries at once (``groupes``: the scopes of each), in one
    query for every scope this request has not read yet."""
    from faireadmin.models import VersionCache

    lus = _lus.get()
    connus = lus if lus is not None else {}
    demandees = {p for groupe in groupes for p in groupe}
    _rencontrees.update(p for p in demandees if p.startswith(PEU_NOMBREUSES))
    manquantes = {VersionCache.EPOQUE, *demandees} - connus.keys()
    if manquantes:
        if lus is not None and VersionCache.EPOQUE in manquantes:
            # The first read of the request: every programme-wide scope, and the few met.
            manquantes |= {*GLOBALES, *_rencontrees}
        numeros = _lire(sorted(manquantes))
        connus = {**connus, **{p: numeros.get(p, 0) for p in manquantes}}
        if VersionCache.EPOQUE not in numeros and VersionCache.EPOQUE in manquantes:
            raise EpoqueAbsenteError("Époque du cache absente (voir la migration faireadmin 0008).")
        if lus is not None:
            lus.update(connus)
    return [".".join(str(connus[p]) for p in (VersionCache.EPOQUE, *g)) for g in groupes]


def _lire(portees: list[str]) -> dict[str, int]:
    """The numbers of ``portees`` that have one. Read on nearly every request: the query is
    written once here rather than compiled by the ORM each time (which cost more than running
    it)."""
    from faireadmin.models import VersionCache

    table = connection.ops.quote_name(VersionCache._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT portee, numero FROM {table} WHERE portee IN ("  # noqa: S608 (our table)
            + ", ".join(["%s"] * len(portees))
            + ")",
            portees,
        )
        return dict(curseur.fetchall())


def _avancer(portees: Iterable[str]) -> None:
    """Moves ``portees`` on, in one statement (in a fixed order: two of them at once never
    wait for each other)."""
    from faireadmin.models import VersionCache

    portees = sorted(portees)
    table = connection.ops.quote_name(VersionCache._meta.db_table)
    try:
        with connection.cursor() as curseur:
            curseur.execute(
                f"INSERT INTO {table} (portee, numero) VALUES "  # noqa: S608 (our table)
                + ", ".join(["(%s, 1)"] * len(portees))
                + f" ON CONFLICT (portee) DO UPDATE SET numero = {table}.numero + 1",
                portees,
            )
    except Exception:  # the commit went through: entries expire within DUREE at worst
        logger.exception("Versions du cache %s non avancées.", portees)
    if (lus := _lus.get()) is not None:
        lus.clear()  # this request reads the new versions from now on


class _Lot:
    """The callbacks of one transaction: the scopes they moved on so far. Once one has run,
    the transaction is over (committed): a later change starts a new lot."""

    def __init__(self) -> None:
        self.avancees: set[str] = set()
        self.ouvert = True


class _Avancer:
    """An on-commit callback moving ``portees`` on, but those another of its ``lot`` moved."""

    def __init__(self, portees: frozenset[str], lot: _Lot) -> None:
        self.portees, self.lot = portees, lot

    def __call__(self) -> None:
        self.lot.ouvert = False
        if restantes := self.portees - self.lot.avancees:
            self.lot.avancees |= restantes
            _avancer(restantes)


def invalider(*portees: str) -> None:
    """The data of ``portees`` changed: the entries made of them are stale from the commit on.
    However many calls one transaction makes, each scope moves once. (Each call still
    registers its callback: one rolled back with its savepoint leaves the others.)"""
    if not portees:
        raise ValueError("invalider() : nommez les portées changées (faireadmin.cache.portees).")
    # The transaction's lot, from its latest callback (after a commit the list is empty).
    lot = next(
        (
            entree[1].lot
            for entree in reversed(connection.run_on_commit)
            if isinstance(entree[1], _Avancer) and entree[1].lot.ouvert
        ),
        None,
    )
    transaction.on_commit(_Avancer(frozenset(portees), lot or _Lot()), robust=True)
