"""Reads of the suivi: the programme, its axes and sujets, with progress rolled up in SQL.

Progress is the mean ``avancement`` of the propositions that count (neither ideas nor
abandoned, see ``Proposition.STATUTS_COMPTES``), over the scope: a sujet, an axe, the
programme. Each figure comes with the number of propositions it averages.
"""

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from axes.models import Axe
from journees.models import Journee
from suivi.models import Proposition
from sujets.models import Pilotage, Sujet


def _avancement(chemin: str) -> dict[str, Avg | Count]:
    """Annotations giving the mean progress and the number of counted propositions
    reached through ``chemin`` (e.g. ``"propositions__"``)."""
    comptee = Q(**{f"{chemin}statut__in": Proposition.STATUTS_COMPTES})
    return {
        "avancement_moyen": Avg(f"{chemin}avancement", filter=comptee),
        "propositions_comptees": Count(f"{chemin}id", filter=comptee),
    }


def _pilotages() -> Prefetch:
    return Prefetch(
        "pilotages",
        queryset=Pilotage.objects.select_related("agent__direction").order_by(
            "-role", "agent__last_name", "agent__first_name"
        ),
    )


def _sujets_avec_avancement() -> QuerySet[Sujet]:
    return (
        Sujet.objects.annotate(**_avancement("propositions__"))
        .prefetch_related(_pilotages())
        .order_by("ordre", "titre")
    )


def axes_du_programme() -> QuerySet[Axe]:
    """The axes in order, each with its progress, its sujets (with progress) and their pilotes."""
    return (
        Axe.objects.annotate(**_avancement("sujets__propositions__"))
        .prefetch_related(Prefetch("sujets", queryset=_sujets_avec_avancement()))
        .order_by("numero")
    )


def avancement_du_programme() -> dict[str, float | int | None]:
    return Proposition.objects.comptees().aggregate(
        avancement_moyen=Avg("avancement"), propositions_comptees=Count("id")
    )


def chiffres_du_programme() -> dict[str, int]:
    return {
        "sujets": Sujet.objects.count(),
        "pilotes": Pilotage.objects.values("agent").distinct().count(),
        "propositions": Proposition.objects.exclude(statut=Proposition.Statut.ABANDONNEE).count(),
    }


def axe_avec_avancement(slug: str) -> Axe:
    return axes_du_programme().get(slug=slug)


def sujet_avec_avancement(slug: str) -> Sujet:
    return _sujets_avec_avancement().select_related("axe").get(slug=slug)


def propositions_du_sujet(sujet: Sujet) -> QuerySet[Proposition]:
    return sujet.propositions.select_related("journee_origine").par_etape()


def journees_du_sujet(sujet: Sujet) -> QuerySet[Journee]:
    return sujet.journees.order_by("date")


def propositions_nees(journee: Journee) -> QuerySet[Proposition]:
    return journee.propositions_nees.select_related("sujet").order_by("sujet__titre", "titre")
