"""The cache's scopes: which change makes which cached entries stale, in one place.

A cached entry names the scopes it is made of (``en_cache(cle, calcul, portees=…)``); a
change moves the scopes it touches on, through the functions below. Services call them
explicitly (``QuerySet.update()`` and bulk writes send no signal); each app's
``AppConfig.ready`` connects its models' saves and deletions to them too, the safety net for
the admin and the shell.

=================  ===========================================  ==============================
Scope              What it holds                                Moved by
=================  ===========================================  ==============================
``programme``      axes, sujets, their pilotes (names,          ``programme_change``
                   directions), directions, agents' roles
``propositions``   every proposition, jalon, journal entry and  ``proposition_changee``,
                   retour de test (programme-wide figures)      ``propositions_creees``
``sujet:<id>``     the propositions of one sujet                the same, for their sujet(s)
``proposition:<id>`` one proposition, its jalons, journal,       ``proposition_changee``
                   retours
``journees``       the journées themselves (title, date,        ``journee_changee``
                   place, capacity, sujets, bilan)
``inscriptions``   every registration (participation figures)   ``inscriptions_changees``
``journee:<id>``   one journée's registrations (its seats)      the same, for their journée
(programme and     an agent erased                              ``agent_anonymise``
inscriptions)
=================  ===========================================  ==============================

So a registration leaves the proposition pages, the feuille de route and the journées list
cached; a point d'étape leaves the other propositions' pages (of its sujet and of the others),
the other sujets' tables and the journées list cached. The DG's figures are made of every
programme-wide scope (``FIGURES_DG``).
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

PROGRAMME = "programme"
PROPOSITIONS = "propositions"
JOURNEES = "journees"
INSCRIPTIONS = "inscriptions"
# Read together, in the first query of a request (an object's scope is read when needed).
GLOBALES = (PROGRAMME, PROPOSITIONS, JOURNEES, INSCRIPTIONS)
# What the direction générale's figures and dashboard are made of: all of them.
FIGURES_DG = GLOBALES
# Scopes of which there are few (one per sujet): each process reads those it has met along
# with the programme-wide ones, in that first query (a page made of every sujet reads them).
PEU_NOMBREUSES = ("sujet:",)


def sujet(pk: int) -> str:
    return f"sujet:{pk}"


def proposition(pk: int) -> str:
    return f"proposition:{pk}"


def journee(pk: int) -> str:
    return f"journee:{pk}"


# --- Changes ----------------------------------------------------------------------------------
def _invalider(*portees: str) -> None:
    from faireadmin.cache.versions import invalider

    invalider(*portees)


def programme_change() -> None:
    """An axe, a sujet, a pilotage, a direction, an agent (name, direction, groups) or a group
    changed."""
    _invalider(PROGRAMME)


def proposition_changee(proposition_id: int, *sujet_ids: int) -> None:
    """A proposition changed (its state, a jalon, its journal, a retour), in ``sujet_ids``
    (both, when it moved from one sujet to another; none when nothing its sujet's parts show
    changed, such as a second text of the day)."""
    _invalider(PROPOSITIONS, proposition(proposition_id), *(sujet(pk) for pk in sujet_ids))


def propositions_creees(sujet_ids: Iterable[int]) -> None:
    """New propositions (no page of theirs is cached yet) in ``sujet_ids``."""
    _invalider(PROPOSITIONS, *(sujet(pk) for pk in sorted(set(sujet_ids))))


def journee_changee() -> None:
    """A journée was created, changed or deleted (not its registrations)."""
    _invalider(JOURNEES)


def inscriptions_changees(*journee_ids: int) -> None:
    """Registrations were made, moved, cancelled or ticked present/absent, on ``journee_ids``
    (their seats; none: what changed shows on no journée's card, such as erased needs)."""
    _invalider(INSCRIPTIONS, *(journee(pk) for pk in sorted(set(journee_ids))))


def agent_anonymise() -> None:
    """An agent erased: their name wherever it was shown, their registrations' private needs."""
    _invalider(PROGRAMME, INSCRIPTIONS)


# Saves that change nothing a page shows: a login stamps the agent's last_login.
CHAMPS_SANS_EFFET = frozenset({"last_login"})


def sans_effet(champs: Iterable[str] | None) -> bool:
    """A save of only these fields (``update_fields``) changes nothing cached."""
    if not champs:
        return False
    return set(champs) <= CHAMPS_SANS_EFFET


_explicites: ContextVar[bool] = ContextVar("portees_explicites", default=False)


@contextmanager
def explicites() -> Iterator[None]:
    """The writes of the block have named their scopes exactly (a service that knows what a
    page shows of them): the safety net does not move more."""
    jeton = _explicites.set(True)
    try:
        yield
    finally:
        _explicites.reset(jeton)


def relier(modele: type[Model], changement: Callable[..., None], *, relations: bool = True) -> None:
    """The safety net: every save and deletion of ``modele`` (and, with ``relations``, every
    change of its many-to-many relations) calls ``changement(instance, created=…)``; a save
    of only ``CHAMPS_SANS_EFFET`` does not, nor one made under ``explicites()``."""

    def recepteur(sender: Any, instance: Model, **kwargs: Any) -> None:
        if not _explicites.get() and not sans_effet(kwargs.get("update_fields")):
            changement(instance, created=kwargs.get("created", False))

    uid = f"cache:{modele._meta.label}"
    post_save.connect(recepteur, sender=modele, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(recepteur, sender=modele, weak=False, dispatch_uid=f"{uid}:delete")
    if relations:
        for champ in modele._meta.local_many_to_many:
            m2m_changed.connect(
                recepteur,
                sender=champ.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}:{champ.name}",
            )
