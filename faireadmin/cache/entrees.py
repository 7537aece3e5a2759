"""Cached entries: figures and parts of pages computed once, until the data they are made of
changes (the versions of their scopes, in their keys), or for ``DUREE`` at most."""

import dataclasses
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_started
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from faireadmin.cache.redis_sans_attente import en_panne
from faireadmin.cache.versions import EpoqueAbsenteError, versions
from faireadmin.context_processors import reglages

logger = logging.getLogger("faireadmin.cache")

DUREE = 60 * 60  # figures are recomputed at least hourly: "sans nouvelles" depends on the clock

# While one process computes an entry, the others wait for it this long at most (then compute
# it themselves): eight requests arriving together compute an expensive page once.
ATTENTE_MAX = 10.0
PAS_D_ATTENTE = 0.05

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# The clock of ``fraicheur`` (wall time: shared by every process; the tests move it).
horloge = time.time


class _Absente:
    """What the cache answers for a key it does not hold (None is a value like any other)."""


ABSENTE = _Absente()


class _Memoire:
    """The entries this process read or computed lately, in front of Redis (a page served
    twice by one worker is read once from Redis). A key carries the exact versions of its
    scopes, so the value under it never changes: the copy here cannot be staler than Redis's,
    and it is kept ``duree`` seconds at most, so that an entry lives ``DUREE`` plus that at
    most. The ``taille`` latest ones, per process; immutable values only (HTML, numbers,
    frozen dataclasses of them), since every request of the process gets the same object:
    a model instance or a list, which a caller could change, is read from Redis each time
    (a copy of its own)."""

    def __init__(self, taille: int, duree: float) -> None:
        self.taille, self.duree = taille, duree
        self._entrees: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._verrou = threading.Lock()  # (a threaded server: runserver)

    def lire(self, cle: str) -> Any:
        with self._verrou:
            instant, valeur = self._entrees.get(cle, (0.0, ABSENTE))
            if valeur is ABSENTE:
                return ABSENTE
            if time.monotonic() - instant > self.duree:
                del self._entrees[cle]
                return ABSENTE
            self._entrees.move_to_end(cle)
            return valeur

    def garder(self, cle: str, valeur: Any) -> None:
        if not _immuable(valeur):
            return
        with self._verrou:
            self._entrees[cle] = (time.monotonic(), valeur)
            self._entrees.move_to_end(cle)
            while len(self._entrees) > self.taille:
                self._entrees.popitem(last=False)

    def vider(self) -> None:
        with self._verrou:
            self._entrees.clear()


memoire = _Memoire(taille=500, duree=60.0)


def _immuable(valeur: Any) -> bool:
    if valeur is None or isinstance(valeur, str | bytes | int | float):
        return True
    if isinstance(valeur, tuple | frozenset):
        return all(_immuable(v) for v in valeur)
    parametres = getattr(type(valeur), "__dataclass_params__", None)
    return bool(parametres and parametres.frozen) and all(
        _immuable(getattr(valeur, champ.name)) for champ in dataclasses.fields(valeur)
    )


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


def _compter(*, lues: int = 0, calculees: int = 0) -> None:
    if (courant := _bilan.get()) is not None:
        courant.lues += lues
        courant.calculees += calculees


def en_cache(
    cle: str,
    calcul: Callable[[], T],
    *,
    portees: Iterable[str],
    partage: bool = True,
    fraicheur: int = 0,
    tolerees: Iterable[str] = (),
    compte: bool = True,
) -> T:
    """``calcul()``, cached until the data of ``portees`` changes (or for an hour at most).
    Without a working cache, computed every time. ``partage``: while one process computes it,
    the others wait for its result (an expensive entry); otherwise each computes it (a cheap
    one). ``fraicheur``: after a change of the ``tolerees`` scopes only, the latest result is
    still served while it is at most that many seconds old (figures that say when they were
    computed: under a stream of writes, an expensive entry is computed at most that often);
    a change of its other scopes (names, an erased agent) shows at once. ``compte``: whether
    it counts in the request's tally (``bilan``: what the page's content came from; not the
    navigation read on every page). A result of None is kept like any other."""
    portees = tuple(portees)
    if not portees:
        raise ValueError(f"en_cache({cle!r}) : nommez les portées dont l'entrée est faite.")
    tolerees = set(tolerees)
    if (fraicheur and not tolerees) or not tolerees <= set(portees):
        raise ValueError(f"en_cache({cle!r}) : la fraîcheur tolère certaines de ses portées.")
    exactes = tuple(p for p in portees if p not in tolerees)
    try:
        numero, exact = versions(portees, exactes)
    except EpoqueAbsenteError:
        logger.warning("Époque du cache absente : calcul sans cache.")
        return calcul()
    complete = f"{cle}:v{numero}"
    # The latest result whatever the tolerated scopes' versions, with its time.
    recente = f"{cle}:r{exact}" if fraicheur else None
    ancienne: Any = ABSENTE
    try:
        valeur: Any = memoire.lire(complete)
        if valeur is ABSENTE and (valeur := cache.get(complete, ABSENTE)) is not ABSENTE:
            memoire.garder(complete, valeur)
        if valeur is ABSENTE and recente is not None:  # (read only then: it is as large)
            instant, ancienne = cache.get(recente, (0.0, ABSENTE))
            if horloge() - instant <= fraicheur:
                valeur = ancienne
        if (
            valeur is ABSENTE
            and partage
            and not cache.add(f"{complete}:calcul", 1, timeout=int(ATTENTE_MAX))
        ):
            # Another process is computing it: its latest result meanwhile, else wait.
            valeur = ancienne if ancienne is not ABSENTE else _attendre(complete)
    except Exception:
        logger.warning("Cache indisponible : calcul sans cache.", exc_info=not en_panne())
        if compte:
            _compter(calculees=1)
        return calcul()
    if compte:
        _compter(lues=int(valeur is not ABSENTE), calculees=int(valeur is ABSENTE))
    if valeur is ABSENTE:
        try:
            valeur = calcul()
            memoire.garder(complete, valeur)
            try:
                if recente is None:
                    cache.set(complete, valeur, timeout=DUREE)
                else:
                    cache.set_many({complete: valeur, recente: (horloge(), valeur)}, DUREE)
            except Exception:
                logger.warning("Cache indisponible : résultat non conservé.")
        finally:
            try:
                if partage:
                    cache.delete(f"{complete}:calcul")
            except Exception:
                logger.warning("Cache indisponible : verrou non levé.")
    return valeur


def en_cache_par_objet(
    prefixe: str,
    objets: Sequence[K],
    calcul: Callable[[list[K]], Mapping[K, T]],
    *,
    portees: Callable[[K], Iterable[str]],
) -> dict[K, T]:
    """The entry of each of ``objets`` (a page made of one part per sujet, per journée…),
    each cached until the data of its ``portees(objet)`` changes: a change on one object
    leaves the others' entries cached. ``calcul(manquants)`` computes the missing ones at
    once (each process its own: a part is cheap). One query for every version, one round
    trip to Redis to read the entries, one to keep the new ones. An object ``calcul`` leaves
    out (deleted meanwhile) is left out of the result."""
    objets = list(dict.fromkeys(objets))
    if not objets:
        return {}
    groupes = [tuple(portees(objet)) for objet in objets]
    if not all(groupes):
        raise ValueError(f"en_cache_par_objet({prefixe!r}) : nommez les portées de chaque objet.")
    try:
        cles = {
            objet: f"{prefixe}:{objet}:v{numero}"
            for objet, numero in zip(objets, versions(*groupes), strict=True)
        }
    except EpoqueAbsenteError:
        logger.warning("Époque du cache absente : calcul sans cache.")
        return dict(calcul(objets))
    trouves = {
        objet: valeur for objet, cle in cles.items() if (valeur := memoire.lire(cle)) is not ABSENTE
    }
    try:
        a_lire = [cle for objet, cle in cles.items() if objet not in trouves]
        lues = cache.get_many(a_lire) if a_lire else {}
    except Exception:
        logger.warning("Cache indisponible : calcul sans cache.", exc_info=not en_panne())
        lues = {}
        cles = {}
    for objet, cle in cles.items():
        if cle in lues:
            trouves[objet] = lues[cle]
            memoire.garder(cle, lues[cle])
    manquants = [objet for objet in objets if objet not in trouves]
    _compter(lues=len(trouves), calculees=len(manquants))
    if manquants:
        nouveaux = dict(calcul(manquants))
        for objet in manquants:
            if objet in nouveaux and objet in cles:
                memoire.garder(cles[objet], nouveaux[objet])
        if cles:
            try:
                cache.set_many({cles[o]: nouveaux[o] for o in manquants if o in nouveaux}, DUREE)
            except Exception:
                logger.warning("Cache indisponible : résultats non conservés.")
        trouves |= nouveaux
    return {objet: trouves[objet] for objet in objets if objet in trouves}


def rendu(
    cle: str | None,
    template: str,
    contexte: Callable[[], dict[str, Any]],
    *,
    portees: Iterable[str] = (),
    partage: bool = True,
    fraicheur: int = 0,
    tolerees: Iterable[str] = (),
) -> SafeString:
    """A part of a page, rendered once until the data of ``portees`` changes (``en_cache``,
    with ``partage``, ``fraicheur`` and ``tolerees``), or every time when ``cle`` is None.
    It is rendered without the request: it must read nothing of the user, and hold no form
    that posts (no CSRF token). ``contexte()`` is only called when it has to be rendered."""

    def rendre() -> str:
        return _rendre(template, contexte())

    html = (
        rendre()
        if cle is None
        else en_cache(
            f"rendu:{cle}",
            rendre,
            portees=portees,
            partage=partage,
            fraicheur=fraicheur,
            tolerees=tolerees,
        )
    )
    return mark_safe(html)  # noqa: S308 (our own templates, rendered with autoescaping)


def rendus(
    prefixe: str,
    objets: Sequence[K],
    template: str,
    contextes: Callable[[list[K]], Mapping[K, dict[str, Any]]],
    *,
    portees: Callable[[K], Iterable[str]],
) -> dict[K, SafeString]:
    """The part of each of ``objets`` (``en_cache_par_objet``), rendered with ``template``
    from ``contextes(manquants)``, under the same rules as ``rendu``."""

    def rendre(manquants: list[K]) -> dict[K, str]:
        return {objet: _rendre(template, c) for objet, c in contextes(manquants).items()}

    return {
        objet: mark_safe(html)  # noqa: S308 (our own templates, rendered with autoescaping)
        for objet, html in en_cache_par_objet(
            f"rendu:{prefixe}", objets, rendre, portees=portees
        ).items()
    }


def _rendre(template: str, contexte: dict[str, Any]) -> str:
    return str(render_to_string(template, reglages() | contexte))


def _attendre(complete: str) -> Any:
    limite = time.monotonic() + ATTENTE_MAX
    while time.monotonic() < limite:
        time.sleep(PAS_D_ATTENTE)
        valeur = cache.get(complete, ABSENTE)
        if valeur is not ABSENTE:
            return valeur
    return ABSENTE
