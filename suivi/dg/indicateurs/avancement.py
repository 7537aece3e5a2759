"""Where the propositions stand at the end of the period: their mean avancement (over the scope
and one level down), how many are at each step of the lifecycle, the météo of those in
progress."""

from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.urls import reverse

from axes.models import Axe
from suivi.dg.indicateurs.etat import COMPTEE, Etat
from suivi.dg.indicateurs.nombres import moyenne, taux
from suivi.dg.indicateurs.perimetre import Perimetre
from suivi.models import Proposition
from sujets.models import Sujet

Statut = Proposition.Statut
Meteo = Proposition.Meteo


def avancement(etat: Etat) -> dict[str, Any]:
    chiffres = etat.aggregate(
        moyenne=Avg("avancement_alors", filter=COMPTEE), nombre=Count("pk", filter=COMPTEE)
    )
    return {"moyenne": moyenne(chiffres["moyenne"]), "nombre": chiffres["nombre"]}


def avancement_par_element(perimetre: Perimetre, etat: Etat) -> list[dict[str, Any]]:
    """One level down: the axes of the programme, the sujets of an axe, the propositions of a
    sujet; each with its mean progress and how many propositions it averages."""
    if perimetre.sujet:
        rangs = {statut: rang for rang, statut in enumerate(Statut.values)}
        propositions = sorted(etat, key=lambda p: (rangs[p.statut_alors], p.titre))
        return [
            {
                "libelle": p.titre,
                "lien": p.get_absolute_url(),
                "moyenne": (
                    float(p.avancement_alors)
                    if p.statut_alors in Proposition.STATUTS_COMPTES
                    else None
                ),
                "nombre": 1 if p.statut_alors in Proposition.STATUTS_COMPTES else 0,
                "note": Statut(p.statut_alors).label,
            }
            for p in propositions
        ]
    elements: QuerySet[Sujet] | QuerySet[Axe]
    if perimetre.axe:
        elements = perimetre.sujets().order_by("ordre", "titre")
        groupe, lien = "sujet_id", "tableau_de_bord_sujet"
    else:
        elements = Axe.objects.order_by("numero")
        groupe, lien = "sujet__axe_id", "tableau_de_bord_axe"
    chiffres = {
        ligne[groupe]: ligne
        for ligne in etat.order_by()
        .values(groupe)
        .annotate(
            moyenne=Avg("avancement_alors", filter=COMPTEE), nombre=Count("pk", filter=COMPTEE)
        )
    }
    return [
        {
            "libelle": str(element) if isinstance(element, Axe) else element.titre,
            "lien": reverse(lien, kwargs={"slug": element.slug}),
            "moyenne": moyenne(chiffres.get(element.pk, {}).get("moyenne")),
            "nombre": chiffres.get(element.pk, {}).get("nombre", 0),
            "couleur": getattr(element, "couleur", ""),
        }
        for element in elements
    ]


def entonnoir(etat: Etat) -> list[dict[str, Any]]:
    nombres = dict(
        etat.order_by()
        .values("statut_alors")
        .annotate(n=Count("pk"))
        .values_list("statut_alors", "n")
    )
    etapes = []
    for rang, statut in enumerate(Proposition.ETAPES):
        etapes.append(
            {
                "statut": statut,
                "libelle": Statut(statut).label,
                "nombre": nombres.get(statut, 0),
                "au_moins": sum(nombres.get(s, 0) for s in Proposition.ETAPES[rang:]),
            }
        )
    etapes.append(
        {
            "statut": Statut.ABANDONNEE,
            "libelle": Statut.ABANDONNEE.label,
            "nombre": nombres.get(Statut.ABANDONNEE, 0),
            "au_moins": None,
        }
    )
    return etapes


def meteo(etat: Etat) -> list[dict[str, Any]]:
    nombres = dict(
        etat.filter(statut_alors__in=Proposition.STATUTS_ACTIFS)
        .order_by()
        .values("meteo_alors")
        .annotate(n=Count("pk"))
        .values_list("meteo_alors", "n")
    )
    total = sum(nombres.values())
    return [
        {
            "meteo": valeur,
            "libelle": str(Meteo(valeur).label),
            "nombre": nombres.get(valeur, 0),
            "part": taux(nombres.get(valeur, 0), total),
        }
        for valeur in Meteo.values
    ]
