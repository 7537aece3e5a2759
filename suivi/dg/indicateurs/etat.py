"""The propositions of a scope as they stood at the end of a day, rebuilt from the journal: the
last statut, avancement and météo written before that day's end, else the value the first later
change started from, else today's value (never changed since)."""

import datetime as dt
from typing import Any

from django.db.models import CharField, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from suivi.dg.indicateurs.perimetre import Perimetre
from suivi.models import PointAvancement, Proposition


def _derniere_valeur(champ: str, avant: dt.datetime) -> Subquery:
    """The value written last for this field before ``avant``."""
    return Subquery(
        PointAvancement.objects.filter(
            proposition=OuterRef("pk"), cree_le__lt=avant, changements__has_key=champ
        )
        .order_by("-cree_le", "-id")
        .values(valeur=KT(f"changements__{champ}__apres"))[:1]
    )


def _valeur_anterieure(champ: str, avant: dt.datetime) -> Subquery:
    """The value this field had before its first change at or after ``avant``."""
    return Subquery(
        PointAvancement.objects.filter(
            proposition=OuterRef("pk"), cree_le__gte=avant, changements__has_key=champ
        )
        .order_by("cree_le", "id")
        .values(valeur=KT(f"changements__{champ}__avant"))[:1]
    )


def _valeur_a(champ: str, avant: dt.datetime, entier: bool = False) -> Coalesce:
    """A field's value at ``avant``, rebuilt from the journal: the last value written before,
    else the value the first later change started from, else (never changed since) today's."""
    if entier:
        return Coalesce(
            Cast(_derniere_valeur(champ, avant), IntegerField()),
            Cast(_valeur_anterieure(champ, avant), IntegerField()),
            F(champ),
            output_field=IntegerField(),
        )
    return Coalesce(
        _derniere_valeur(champ, avant),
        _valeur_anterieure(champ, avant),
        F(champ),
        output_field=CharField(),
    )


# Propositions annotated by ``etat_a_la_fin`` (the annotations are beyond the type checker).
Etat = QuerySet[Any]

# The propositions an avancement averages, in an ``Etat``.
COMPTEE = Q(statut_alors__in=Proposition.STATUTS_COMPTES)


def etat_a_la_fin(perimetre: Perimetre, fin: dt.date, aujourd_hui: dt.date) -> Etat:
    """The propositions of the scope as they stood at the end of ``fin``, annotated with
    ``statut_alors``, ``avancement_alors``, ``meteo_alors`` and ``meteo_explication_alors``:
    today's state for a period that ends today (or later), the state rebuilt from the journal
    for a past one."""
    propositions = perimetre.propositions()
    if fin >= aujourd_hui:
        return propositions.annotate(
            statut_alors=F("statut"),
            avancement_alors=F("avancement"),
            meteo_alors=F("meteo"),
            meteo_explication_alors=F("meteo_explication"),
        )
    avant = timezone.make_aware(dt.datetime.combine(fin + dt.timedelta(days=1), dt.time()))
    return propositions.filter(cree_le__lt=avant).annotate(
        statut_alors=_valeur_a("statut", avant),
        avancement_alors=_valeur_a("avancement", avant, entier=True),
        meteo_alors=_valeur_a("meteo", avant),
        meteo_explication_alors=_valeur_a("meteo_explication", avant),
    )
