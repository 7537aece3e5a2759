"""Reminders to pilotes, escalations to the équipe du Lab', and the pilotes' weekly digest.

Each one goes into the outbox under a key that names the situation it is about (the sujet
and the date of its last entry, the milestone and its due date, the week): running a job
twice, or on two workers at once, writes, hence sends, each e-mail once. A new silence after
a new entry, or a milestone postponed then overdue again, is a new situation.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from faireadmin import outbox
from faireadmin.models import Agent
from faireadmin.roles import GROUPE_LAB
from suivi import selectors
from suivi.models import Jalon, Proposition
from sujets.models import Pilotage, Sujet

ACTIFS = Proposition.STATUTS_ACTIFS


def _reglage(nom: str) -> int:
    return settings.FAIREADMIN[nom]


def _lien(chemin: str) -> str:
    return settings.FAIREADMIN["SITE_URL"] + chemin


def _equipe_du_lab() -> list[Agent]:
    return list(Agent.objects.filter(groups__name=GROUPE_LAB, is_active=True))


def _pilotes(chemin: str = "pilotages") -> Prefetch:
    return Prefetch(
        chemin, queryset=Pilotage.objects.filter(agent__is_active=True).select_related("agent")
    )


def _ecrire(
    destinataires: Iterable[Agent],
    *,
    nature: str,
    objet: str,
    periode: str,
    sujet: str,
    gabarit: str,
    contexte: dict,
) -> int:
    ecrits = 0
    for agent in destinataires:
        corps = render_to_string(f"suivi/courriels/{gabarit}.txt", {**contexte, "agent": agent})
        with transaction.atomic():
            ecrits += (
                outbox.notifier(
                    nature=nature,
                    objet=objet,
                    destinataire=agent,
                    periode=periode,
                    sujet=sujet,
                    corps=corps,
                )
                is not None
            )
    return ecrits


def sujets_sans_nouvelles(maintenant: dt.datetime) -> list[Sujet]:
    """Sujets with propositions in progress and no journal entry on any of them for
    ``JOURS_SANS_NOUVELLES`` days; each carries ``dernier_point`` (or None)."""
    seuil = maintenant - dt.timedelta(days=_reglage("JOURS_SANS_NOUVELLES"))
    return list(
        Sujet.objects.annotate(
            actives=Count("propositions", filter=Q(propositions__statut__in=ACTIFS), distinct=True),
            dernier_point=Max("propositions__journal__cree_le"),
        )
        .filter(actives__gt=0)
        .filter(Q(dernier_point__lt=seuil) | Q(dernier_point__isnull=True))
        .prefetch_related(_pilotes())
        .order_by("pk")
    )


def jalons_en_retard(maintenant: dt.datetime) -> list[Jalon]:
    return list(
        Jalon.objects.filter(
            fait_le__isnull=True,
            echeance__lt=timezone.localdate(maintenant),
            proposition__statut__in=ACTIFS,
        )
        .select_related("proposition__sujet")
        .prefetch_related(_pilotes("proposition__sujet__pilotages"))
        .order_by("pk")
    )


def rappels_pilotes(*, maintenant: dt.datetime | None = None) -> int:
    """Reminds the pilotes of silent sujets and of overdue milestones; tells the Lab' of
    those still silent, or still overdue, ``JOURS_AVANT_ESCALADE`` days later. Returns the
    number of e-mails written by this run."""
    maintenant = maintenant or timezone.now()
    escalade = dt.timedelta(
        days=_reglage("JOURS_SANS_NOUVELLES") + _reglage("JOURS_AVANT_ESCALADE")
    )
    lab = _equipe_du_lab()
    ecrits = 0
    for sujet in sujets_sans_nouvelles(maintenant):
        dernier_point = sujet.dernier_point  # type: ignore[attr-defined]
        periode = dernier_point.date().isoformat() if dernier_point else "jamais"
        contexte = {
            "sujet_concerne": sujet,
            "lien": _lien(sujet.get_absolute_url()),
            "jours": _reglage("JOURS_SANS_NOUVELLES"),
            "pilotes": [p.agent for p in sujet.pilotages.all()],
        }
        ecrits += _ecrire(
            (p.agent for p in sujet.pilotages.all()),
            nature="sujet.sans_nouvelles",
            objet=f"sujet:{sujet.pk}",
            periode=periode,
            sujet=f"Sans nouvelles de « {sujet.titre} » depuis {contexte['jours']} jours",
            gabarit="sans_nouvelles",
            contexte=contexte,
        )
        if dernier_point is None or dernier_point < maintenant - escalade:
            ecrits += _ecrire(
                lab,
                nature="sujet.escalade",
                objet=f"sujet:{sujet.pk}",
                periode=periode,
                sujet=f"Sujet silencieux : « {sujet.titre} »",
                gabarit="escalade_sujet",
                contexte=contexte,
            )
    aujourd_hui = timezone.localdate(maintenant)
    for jalon in jalons_en_retard(maintenant):
        proposition = jalon.proposition
        pilotes = [p.agent for p in proposition.sujet.pilotages.all()]
        contexte = {
            "jalon": jalon,
            "proposition": proposition,
            "lien": _lien(proposition.get_absolute_url()),
            "pilotes": pilotes,
        }
        ecrits += _ecrire(
            pilotes,
            nature="jalon.en_retard",
            objet=f"jalon:{jalon.pk}",
            periode=jalon.echeance.isoformat(),
            sujet=f"Jalon en retard : « {jalon.titre} » ({proposition.titre})",
            gabarit="jalon_en_retard",
            contexte=contexte,
        )
        if jalon.echeance < aujourd_hui - dt.timedelta(days=_reglage("JOURS_AVANT_ESCALADE")):
            ecrits += _ecrire(
                lab,
                nature="jalon.escalade",
                objet=f"jalon:{jalon.pk}",
                periode=jalon.echeance.isoformat(),
                sujet=f"Jalon toujours en retard : « {jalon.titre} » ({proposition.titre})",
                gabarit="escalade_jalon",
                contexte=contexte,
            )
    return ecrits


def resume_hebdomadaire(*, maintenant: dt.datetime | None = None) -> int:
    """Each pilote's weekly digest: their propositions without news, and their milestones due
    in the next ``JOURS_JALONS_A_VENIR`` days. Nothing to say, no e-mail."""
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    annee, semaine, _ = aujourd_hui.isocalendar()
    horizon = aujourd_hui + dt.timedelta(days=_reglage("JOURS_JALONS_A_VENIR"))
    ecrits = 0
    for pilote in Agent.objects.filter(pilotages__isnull=False, is_active=True).distinct():
        sujets = Sujet.objects.filter(pilotages__agent=pilote)
        silencieuses = list(
            selectors.avec_suivi(Proposition.objects.filter(sujet__in=sujets), maintenant)
            .filter(sans_nouvelles=True)  # type: ignore[misc]
            .select_related("sujet")
            .order_by("sujet__titre", "titre")
        )
        a_venir = list(
            Jalon.objects.filter(
                proposition__sujet__in=sujets,
                proposition__statut__in=ACTIFS,
                fait_le__isnull=True,
                echeance__range=(aujourd_hui, horizon),
            )
            .select_related("proposition")
            .order_by("echeance")
        )
        if not silencieuses and not a_venir:
            continue
        contexte = {
            "silencieuses": silencieuses,
            "a_venir": a_venir,
            "jours": _reglage("JOURS_SANS_NOUVELLES"),
            "horizon": _reglage("JOURS_JALONS_A_VENIR"),
            "site": settings.FAIREADMIN["SITE_URL"],
            "lien_espace": _lien(reverse("espace_pilote")),
        }
        ecrits += _ecrire(
            [pilote],
            nature="pilote.resume_hebdomadaire",
            objet=f"agent:{pilote.pk}",
            periode=f"{annee}-S{semaine:02d}",
            sujet="Votre semaine de pilote : propositions à suivre et jalons à venir",
            gabarit="resume_hebdomadaire",
            contexte=contexte,
        )
    return ecrits
