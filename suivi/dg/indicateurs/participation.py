"""Who took part: over the journées of the period (and, for an axe or a sujet, the journées
that worked on it), agents registered and agents present, by phase, city and direction; the
attendance ticked; how full each journée was."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from faireadmin.models import Direction
from journees.models import Inscription, Phase
from suivi.dg.indicateurs.nombres import taux
from suivi.dg.indicateurs.perimetre import Perimetre, Periode

PRESENT = Inscription.Presence.PRESENT
ABSENT = Inscription.Presence.ABSENT


def participation(
    perimetre: Perimetre, periode: Periode, maintenant: dt.datetime
) -> dict[str, Any]:
    journees = periode.journees(perimetre.journees())
    inscriptions = Inscription.objects.filter(journee__in=journees).exclude(
        statut=Inscription.Statut.ANNULEE
    )
    presente = Q(presence=PRESENT)
    total = inscriptions.order_by().aggregate(
        inscrits=Count("agent", distinct=True),
        participants=Count("agent", distinct=True, filter=presente),
    )

    def par(champ: str, libelles: dict[str, str] | None = None) -> list[dict[str, Any]]:
        lignes = (
            inscriptions.order_by()
            .values(champ)
            .annotate(
                inscrits=Count("agent", distinct=True),
                participants=Count("agent", distinct=True, filter=presente),
            )
            .order_by(champ)
        )
        return [
            {
                "libelle": (libelles or {}).get(ligne[champ], ligne[champ]),
                "inscrits": ligne["inscrits"],
                "participants": ligne["participants"],
            }
            for ligne in lignes
        ]

    pointage = (
        inscriptions.order_by()
        .filter(
            statut=Inscription.Statut.CONFIRMEE, journee__date__lt=timezone.localdate(maintenant)
        )
        .aggregate(
            presents=Count("pk", filter=presente),
            absents=Count("pk", filter=Q(presence=ABSENT)),
            non_pointes=Count("pk", filter=Q(presence=Inscription.Presence.NON_RENSEIGNEE)),
        )
    )
    pointes = pointage["presents"] + pointage["absents"]

    # Counted from the registrations that count (few), then joined to every direction.
    presents = dict(
        inscriptions.filter(statut=Inscription.Statut.CONFIRMEE, presence=PRESENT)
        .order_by()
        .values("agent__direction_id")
        .annotate(n=Count("agent", distinct=True))
        .values_list("agent__direction_id", "n")
    )
    par_direction = [
        {
            "sigle": d["sigle"],
            "nom": d["nom"],
            "effectif": d["effectif"],
            "participants": (n := presents.get(d["pk"], 0)),
            "taux": taux(n, d["effectif"]),
            "services_generaux": d["services_generaux"],
        }
        for d in Direction.objects.order_by("nom").values(
            "pk", "sigle", "nom", "effectif", "services_generaux"
        )
    ]
    effectif = sum(d["effectif"] for d in par_direction)
    participants_directions = sum(d["participants"] for d in par_direction)
    sg = [d for d in par_direction if d["services_generaux"]]
    effectif_sg = sum(d["effectif"] for d in sg)
    participants_sg = sum(d["participants"] for d in sg)

    remplissage = journees.avec_effectifs().order_by("date", "heure_debut")
    return {
        "inscrits": total["inscrits"],
        "participants": total["participants"],
        "par_phase": par("journee__phase", dict(Phase.choices)),
        "par_ville": par("journee__ville"),
        "pointage": {
            **pointage,
            "taux_presence": taux(pointage["presents"], pointes),
            "taux_absence": taux(pointage["absents"], pointes),
        },
        "par_direction": par_direction,
        "organisation": {
            "participants": participants_directions,
            "effectif": effectif,
            "taux": taux(participants_directions, effectif),
        },
        "services_generaux": {
            "participants": participants_sg,
            "effectif": effectif_sg,
            "taux": taux(participants_sg, effectif_sg),
        },
        "journees": [
            {
                "titre": j.titre,
                "lien": j.get_absolute_url(),
                "date": j.date.isoformat(),
                "ville": j.ville,
                "phase": j.get_phase_display(),
                "capacite": j.capacite,
                "confirmees": j.nb_confirmees,  # type: ignore[attr-defined]
                "attente": j.nb_attente,  # type: ignore[attr-defined]
                "remplissage": taux(j.nb_confirmees, j.capacite),  # type: ignore[attr-defined]
                "pression": taux(j.nb_attente, j.capacite),  # type: ignore[attr-defined]
            }
            for j in remplissage
        ],
    }
