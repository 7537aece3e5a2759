"""Reminders to pilotes, escalations to the équipe du Lab', and the pilotes' weekly digest.

The services of the periodic jobs (``suivi.tasks`` calls them): ``rappels_pilotes_envoyer``
(reminders and escalations) and ``resumes_hebdomadaires_envoyer`` (the digests) write e-mails
into the outbox, each e-mail in its own transaction (one that fails does not hold back the
others). ``sujets_sans_nouvelles`` and ``jalons_en_retard`` are the reads they are built on (the
dashboard shows the first as well).

Each e-mail goes into the outbox under a key that names the situation it is about (the sujet
and the date of its last entry, the milestone and its due date, the week): running a job
twice, or on two workers at once, writes, hence sends, each e-mail once. A new silence after
a new entry, or a milestone postponed then overdue again, is a new situation.

The Lab' is told when the pilotes' reminder about the same situation is ``JOURS_AVANT_ESCALADE``
days old and nothing changed: never together with the reminder, even on a first run.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from faireadmin import outbox
from faireadmin.models import Agent, Notification
from faireadmin.permissions import GROUPE_LAB
from suivi import selectors
from suivi.models import Jalon, Proposition
from sujets.models import Pilotage, Sujet

logger = logging.getLogger(__name__)

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


# An escalation is only sent within this window after it became due: a newcomer to the Lab'
# is not sent every escalation still open.
FENETRE_ESCALADE = dt.timedelta(days=14)


class Redacteur:
    """Writes a job's e-mails into the outbox, skipping those already written (known from one
    query, so that re-running a job costs little), one case failing without stopping the rest."""

    def __init__(self, *natures: str, maintenant: dt.datetime) -> None:
        self.maintenant = maintenant
        self.deja = set(
            Notification.objects.filter(nature__in=natures).values_list(
                "nature", "objet", "destinataire", "periode"
            )
        )
        self.ecrits = 0

    def ecrire(
        self,
        destinataires: Iterable[Agent],
        *,
        nature: str,
        objet: str,
        periode: str,
        sujet: str,
        gabarit: str,
        contexte: dict,
    ) -> None:
        for agent in destinataires:
            cle = (nature, objet, agent.email, periode)
            if cle in self.deja:
                continue
            corps = render_to_string(f"suivi/courriels/{gabarit}.txt", {**contexte, "agent": agent})
            try:
                with transaction.atomic():
                    ecrit = outbox.notifier(
                        nature=nature,
                        objet=objet,
                        destinataire=agent,
                        periode=periode,
                        sujet=sujet,
                        corps=corps,
                        maintenant=self.maintenant,
                    )
            except DatabaseError:
                logger.exception("Notification %s impossible à écrire (%s).", nature, objet)
                continue
            self.deja.add(cle)
            self.ecrits += ecrit is not None


def _premiers_rappels(*natures: str) -> dict[tuple[str, str, str], dt.datetime]:
    """When the first reminder about each situation was written: (nature, objet, période)."""
    return {
        (ligne["nature"], ligne["objet"], ligne["periode"]): ligne["premier"]
        for ligne in Notification.objects.filter(nature__in=natures)
        .values("nature", "objet", "periode")
        .annotate(premier=Min("cree_le"))
    }


def _escalade_due(rappel: dt.datetime | None, maintenant: dt.datetime) -> bool:
    if rappel is None:
        return False
    echeance = rappel + dt.timedelta(days=_reglage("JOURS_AVANT_ESCALADE"))
    return echeance <= maintenant < echeance + FENETRE_ESCALADE


@dataclass(frozen=True)
class SujetSansNouvelles:
    """A sujet whose propositions in progress have had no journal entry for a while: its
    pilotes are prefetched (``sujet.pilotages.all()``, active agents only)."""

    sujet: Sujet
    dernier_point: dt.datetime | None  # None: never any entry


def sujets_sans_nouvelles(
    *, maintenant: dt.datetime, sujets: QuerySet[Sujet] | None = None
) -> list[SujetSansNouvelles]:
    """Sujets (among ``sujets``) with propositions in progress and no journal entry on any of
    them for ``JOURS_SANS_NOUVELLES`` days, with the date of their last entry."""
    seuil = maintenant - dt.timedelta(days=_reglage("JOURS_SANS_NOUVELLES"))
    silencieux = (
        (sujets if sujets is not None else Sujet.objects.all())
        .annotate(
            actives=Count("propositions", filter=Q(propositions__statut__in=ACTIFS), distinct=True),
            dernier_point=Max("propositions__journal__cree_le"),
        )
        .filter(actives__gt=0)
        .filter(Q(dernier_point__lt=seuil) | Q(dernier_point__isnull=True))
        .prefetch_related(_pilotes())
        .order_by("pk")
    )
    return [SujetSansNouvelles(sujet=s, dernier_point=s.dernier_point) for s in silencieux]


def jalons_en_retard(*, maintenant: dt.datetime) -> list[Jalon]:
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


class Message(NamedTuple):
    """An e-mail of the reminders: its nature, subject line and template."""

    nature: str
    sujet: str
    gabarit: str


def rappels_pilotes_envoyer(*, maintenant: dt.datetime | None = None) -> int:
    """Reminds the pilotes of silent sujets and of overdue milestones; tells the Lab' of those
    still silent, or still overdue, ``JOURS_AVANT_ESCALADE`` days after the reminder. Returns
    the number of e-mails written by this run."""
    maintenant = maintenant or timezone.now()
    redacteur = Redacteur(
        "sujet.sans_nouvelles",
        "sujet.escalade",
        "jalon.en_retard",
        "jalon.escalade",
        maintenant=maintenant,
    )
    rappels = _premiers_rappels("sujet.sans_nouvelles", "jalon.en_retard")
    lab = _equipe_du_lab()

    def rappeler(
        pilotes: list[Agent],
        objet: str,
        periode: str,
        contexte: dict,
        rappel: Message,
        escalade: Message,
    ) -> None:
        """The reminder to the pilotes; the Lab' is told if it is old enough and unanswered."""
        redacteur.ecrire(
            pilotes, objet=objet, periode=periode, contexte=contexte, **rappel._asdict()
        )
        if _escalade_due(rappels.get((rappel.nature, objet, periode)), maintenant):
            redacteur.ecrire(
                lab, objet=objet, periode=periode, contexte=contexte, **escalade._asdict()
            )

    for silencieux in sujets_sans_nouvelles(maintenant=maintenant):
        sujet, dernier_point = silencieux.sujet, silencieux.dernier_point
        jours = _reglage("JOURS_SANS_NOUVELLES")
        pilotes = [p.agent for p in sujet.pilotages.all()]
        rappeler(
            pilotes,
            f"sujet:{sujet.pk}",
            dernier_point.date().isoformat() if dernier_point else "jamais",
            {
                "sujet_concerne": sujet,
                "lien": _lien(sujet.get_absolute_url()),
                "jours": jours,
                "pilotes": pilotes,
            },
            Message(
                "sujet.sans_nouvelles",
                f"Sans nouvelles de « {sujet.titre} » depuis {jours} jours",
                "sans_nouvelles",
            ),
            Message("sujet.escalade", f"Sujet silencieux : « {sujet.titre} »", "escalade_sujet"),
        )
    for jalon in jalons_en_retard(maintenant=maintenant):
        proposition = jalon.proposition
        pilotes = [p.agent for p in proposition.sujet.pilotages.all()]
        rappeler(
            pilotes,
            f"jalon:{jalon.pk}",
            jalon.echeance.isoformat(),
            {
                "jalon": jalon,
                "proposition": proposition,
                "lien": _lien(proposition.get_absolute_url()),
                "pilotes": pilotes,
            },
            Message(
                "jalon.en_retard",
                f"Jalon en retard : « {jalon.titre} » ({proposition.titre})",
                "jalon_en_retard",
            ),
            Message(
                "jalon.escalade",
                f"Jalon toujours en retard : « {jalon.titre} » ({proposition.titre})",
                "escalade_jalon",
            ),
        )
    return redacteur.ecrits


def resumes_hebdomadaires_envoyer(*, maintenant: dt.datetime | None = None) -> int:
    """Each pilote's weekly digest: their propositions without news, and their milestones due
    in the next ``JOURS_JALONS_A_VENIR`` days. Nothing to say, no e-mail."""
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    annee, semaine, _ = aujourd_hui.isocalendar()
    horizon = aujourd_hui + dt.timedelta(days=_reglage("JOURS_JALONS_A_VENIR"))
    periode = f"{annee}-S{semaine:02d}"
    redacteur = Redacteur("pilote.resume_hebdomadaire", maintenant=maintenant)
    for pilote in Agent.objects.filter(pilotages__isnull=False, is_active=True).distinct():
        if ("pilote.resume_hebdomadaire", f"agent:{pilote.pk}", pilote.email, periode) in (
            redacteur.deja
        ):
            continue
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
        redacteur.ecrire(
            [pilote],
            nature="pilote.resume_hebdomadaire",
            objet=f"agent:{pilote.pk}",
            periode=periode,
            sujet="Votre semaine de pilote : propositions à suivre et jalons à venir",
            gabarit="resume_hebdomadaire",
            contexte=contexte,
        )
    return redacteur.ecrits
