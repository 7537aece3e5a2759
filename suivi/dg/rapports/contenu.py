"""What a report holds besides the dashboard's figures: its period (the last complete week or
month, for the periodic ones), what changed during it, how the headline figures moved since the
previous report of its series; and the context its pages and e-mails are rendered with."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from journees.models import Inscription
from suivi.dg.indicateurs import Perimetre
from suivi.models import Jalon, PointAvancement, Rapport, StatutProposition

Type = Rapport.Type


def periode_precedente(type_: str, jour: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete week (Monday to Sunday) or month before ``jour``."""
    if type_ == Type.HEBDOMADAIRE:
        fin = jour - dt.timedelta(days=jour.isoweekday())
        return fin - dt.timedelta(days=6), fin
    fin = jour.replace(day=1) - dt.timedelta(days=1)
    return fin.replace(day=1), fin


def _bornes(debut: dt.date, fin: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(debut, dt.time())),
        timezone.make_aware(dt.datetime.combine(fin + dt.timedelta(days=1), dt.time())),
    )


def changements(perimetre: Perimetre, debut: dt.date, fin: dt.date) -> dict[str, Any]:
    """What happened in the scope between ``debut`` and ``fin`` (included)."""
    depuis, jusqua = _bornes(debut, fin)
    propositions = perimetre.propositions()
    nouvelles = propositions.filter(cree_le__gte=depuis, cree_le__lt=jusqua).select_related("sujet")
    statuts = (
        PointAvancement.objects.filter(
            proposition__in=propositions,
            cree_le__gte=depuis,
            cree_le__lt=jusqua,
            changements__has_key="statut",
        )
        .select_related("proposition", "auteur")
        .order_by("cree_le", "id")
    )
    jalons_atteints = Jalon.objects.filter(
        proposition__in=propositions, fait_le__gte=debut, fait_le__lte=fin
    ).select_related("proposition")
    journees = perimetre.journees().filter(date__gte=debut, date__lte=fin)
    presents = Inscription.objects.filter(
        statut=Inscription.Statut.CONFIRMEE, presence=Inscription.Presence.PRESENT
    )
    premiere_fois = (
        presents.filter(journee__in=perimetre.journees())
        .values("agent")
        .annotate(premiere=Min("journee__date"))
        .filter(premiere__gte=debut, premiere__lte=fin)
    )
    return {
        "nouvelles_propositions": [
            {"titre": p.titre, "lien": p.get_absolute_url(), "sujet": p.sujet.titre}
            for p in nouvelles.order_by("sujet__titre", "titre")
        ],
        "changements_de_statut": [
            {
                "proposition": point.proposition.titre,
                "lien": point.proposition.get_absolute_url(),
                "avant": str(StatutProposition(point.changements["statut"]["avant"]).label),
                "apres": str(StatutProposition(point.changements["statut"]["apres"]).label),
                "date": timezone.localtime(point.cree_le).date().isoformat(),
            }
            for point in statuts
        ],
        "jalons_atteints": [
            {
                "titre": j.titre,
                "proposition": j.proposition.titre,
                "lien": j.proposition.get_absolute_url(),
                "fait_le": j.fait_le.isoformat() if j.fait_le else None,
            }
            for j in jalons_atteints.order_by("fait_le", "id")
        ],
        "journees": [
            {
                "titre": j.titre,
                "lien": j.get_absolute_url(),
                "date": j.date.isoformat(),
                "participants": j.participants,  # type: ignore[attr-defined]
            }
            for j in journees.annotate(
                participants=Count(
                    "inscriptions",
                    filter=Q(
                        inscriptions__statut=Inscription.Statut.CONFIRMEE,
                        inscriptions__presence=Inscription.Presence.PRESENT,
                    ),
                )
            ).order_by("date")
        ],
        "nouveaux_participants": premiere_fois.count(),
    }


def ecarts(actuels: dict[str, Any], precedents: dict[str, Any] | None) -> dict[str, Any]:
    """How the headline figures moved since the previous report of the same series."""
    if not precedents:
        return {}

    def difference(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return {
        "avancement": difference(
            actuels["avancement"]["moyenne"], precedents["avancement"]["moyenne"]
        ),
        "propositions_comptees": actuels["avancement"]["nombre"]
        - precedents["avancement"]["nombre"],
        "participants": actuels["participation"]["participants"]
        - precedents["participation"]["participants"],
        "precedent_du": precedents["date"],
    }


def contexte(rapport: Rapport) -> dict[str, Any]:
    return {
        "rapport": rapport,
        "d": rapport.donnees,
        "site": settings.FAIREADMIN["SITE_URL"],
        "lien": settings.FAIREADMIN["SITE_URL"] + rapport.get_absolute_url(),
    }
