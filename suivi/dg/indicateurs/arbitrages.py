"""What needs a decision of the direction générale: propositions in « orage », overdue
milestones, sujets without news; each with the pilotes to turn to."""

import datetime as dt
from typing import Any

from django.utils import timezone

from suivi import rappels
from suivi.dg.indicateurs.perimetre import Perimetre
from suivi.models import Jalon, Proposition
from sujets.models import Pilotage, Sujet


def _pilotes(sujet: Sujet) -> list[dict[str, str]]:
    return [
        {"nom": p.agent.get_full_name(), "email": p.agent.email}
        for p in sujet.pilotages.all()
        if p.role == Pilotage.Role.PILOTE
    ] or [{"nom": p.agent.get_full_name(), "email": p.agent.email} for p in sujet.pilotages.all()]


def a_arbitrer(perimetre: Perimetre, maintenant: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """What needs a decision: propositions in « orage », overdue milestones, silent sujets."""
    pilotes = "sujet__pilotages__agent"
    orages = (
        perimetre.propositions()
        .filter(meteo=Proposition.Meteo.ORAGE, statut__in=Proposition.STATUTS_ACTIFS)
        .select_related("sujet")
        .prefetch_related(pilotes)
        .order_by("sujet__titre", "titre")
    )
    aujourd_hui = timezone.localdate(maintenant)
    jalons = (
        Jalon.objects.filter(
            proposition__in=perimetre.propositions().filter(statut__in=Proposition.STATUTS_ACTIFS),
            fait_le__isnull=True,
            echeance__lt=aujourd_hui,
        )
        .select_related("proposition__sujet")
        .prefetch_related(f"proposition__{pilotes}")
        .order_by("echeance", "pk")
    )
    silencieux = rappels.sujets_sans_nouvelles(maintenant=maintenant, sujets=perimetre.sujets())
    return {
        "orages": [
            {
                "titre": p.titre,
                "lien": p.get_absolute_url(),
                "sujet": p.sujet.titre,
                "explication": p.meteo_explication,
                "pilotes": _pilotes(p.sujet),
            }
            for p in orages
        ],
        "jalons_en_retard": [
            {
                "titre": j.titre,
                "echeance": j.echeance.isoformat(),
                "jours_de_retard": (aujourd_hui - j.echeance).days,
                "proposition": j.proposition.titre,
                "lien": j.proposition.get_absolute_url(),
                "pilotes": _pilotes(j.proposition.sujet),
            }
            for j in jalons
        ],
        "sujets_silencieux": [
            {
                "titre": s.sujet.titre,
                "lien": s.sujet.get_absolute_url(),
                "dernier_point": (
                    timezone.localtime(s.dernier_point).isoformat() if s.dernier_point else None
                ),
                "pilotes": _pilotes(s.sujet),
            }
            for s in silencieux
        ],
    }
