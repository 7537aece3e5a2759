"""The trend: the mean avancement at the end of each month, its last point the headline figure.

A past month-end never changes (the journal only grows), so its state is frozen once, by the
nightly job (``suivi.dg.services.etats_mensuels_figer``), as ``suivi.EtatMensuel`` rows: the
trend reads them. A month-end the job has not frozen yet is computed from the journal, and not
saved: serving figures never writes."""

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from suivi.dg.indicateurs.avancement import avancement
from suivi.dg.indicateurs.etat import etat_a_la_fin
from suivi.dg.indicateurs.nombres import moyenne
from suivi.dg.indicateurs.perimetre import Perimetre, Periode
from suivi.models import EtatMensuel, Proposition

MOIS_DE_TENDANCE = 12


def _fin_du_mois(jour: dt.date) -> dt.date:
    return (jour.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _fins_de_mois(periode: Periode) -> list[dt.date]:
    """The last days of the months of the period (at most the last 12), the current month
    ending on the period's end."""
    fins: list[dt.date] = []
    jour = periode.fin
    while len(fins) < MOIS_DE_TENDANCE:
        if periode.debut and jour < periode.debut:
            break
        fins.append(jour)
        jour = jour.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(fins))


def est_passee(fin: dt.date, aujourd_hui: dt.date) -> bool:
    """Whether the state at the end of ``fin`` is final: the day is over, for the computation
    (``aujourd_hui``) and in fact (a computation dated ahead never freezes the future)."""
    return fin < min(aujourd_hui, timezone.localdate())


def _figees(fins: list[dt.date]) -> set[dt.date]:
    """Those of ``fins`` the nightly job has frozen (all of a month-end, or none of it)."""
    return set(EtatMensuel.objects.filter(fin__in=fins).values_list("fin", flat=True).distinct())


def fins_de_mois_a_figer(*, aujourd_hui: dt.date) -> list[dt.date]:
    """The past month-ends not frozen yet, from the month of the first proposition (no state to
    freeze before it) to the last month-end before ``aujourd_hui``."""
    premiere = Proposition.objects.order_by("cree_le").values_list("cree_le", flat=True).first()
    if premiere is None:
        return []
    fins = []
    fin = _fin_du_mois(timezone.localdate(premiere))
    while est_passee(fin, aujourd_hui):
        fins.append(fin)
        fin = _fin_du_mois(fin + dt.timedelta(days=1))
    figees = _figees(fins)
    return [fin for fin in fins if fin not in figees]


def tendance(perimetre: Perimetre, periode: Periode, aujourd_hui: dt.date) -> list[dict[str, Any]]:
    """The mean progress at the end of each month, from the state rebuilt from the journal
    (read from the frozen states where the nightly job wrote them): its last point is the
    headline figure."""
    fins = _fins_de_mois(periode)
    figees = _figees([fin for fin in fins if est_passee(fin, aujourd_hui)])
    comptee = Q(statut__in=Proposition.STATUTS_COMPTES)
    chiffres_figes = {
        ligne["fin"]: ligne
        for ligne in EtatMensuel.objects.filter(
            fin__in=figees, proposition__in=perimetre.propositions()
        )
        .values("fin")
        .annotate(moyenne=Avg("avancement", filter=comptee), nombre=Count("pk", filter=comptee))
    }
    points = []
    for fin in fins:
        if fin in figees:
            ligne = chiffres_figes.get(fin, {})
            chiffres = {"moyenne": moyenne(ligne.get("moyenne")), "nombre": ligne.get("nombre", 0)}
        else:
            chiffres = avancement(etat_a_la_fin(perimetre, fin, aujourd_hui))
        points.append({"fin": fin.isoformat(), "libelle": f"{fin:%m/%Y}", **chiffres})
    return points
