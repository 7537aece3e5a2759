"""Reads of journées and registrations, each in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from faireadmin.models import Agent
from journees.models import Inscription, Journee, Phase, places_restantes
from sujets.models import Sujet

Statut = Inscription.Statut
T = TypeVar("T", bound=Any)


@dataclass(frozen=True)
class FiltresJournees:
    phase: str = ""
    ville: str = ""
    periode: str = "a_venir"  # "a_venir", "passees" or "" (all)


def _mon_inscription(agent: Agent) -> Prefetch:
    return Prefetch(
        "inscriptions",
        queryset=Inscription.objects.filter(agent=agent).exclude(statut=Statut.ANNULEE),
        to_attr="mes_inscriptions",
    )


def _sujets() -> Prefetch:
    # Titles and addresses only: not their long texts.
    return Prefetch("sujets", queryset=Sujet.objects.only("titre", "slug").order_by("titre"))


JOURNEES_PAR_PAGE = 12


def page_de_journees(*, filtres: FiltresJournees, numero: str | None) -> Page:
    """One page of the journées' ids (``numero``, the first if it is not a page number, the
    last if beyond), by date: the soonest first (the latest first for past journées). Paged
    on the ids alone (hundreds at most: one query gives the count and the page); their cards
    come from ``cartes_de_journees`` (cached one by one: ``parties.cartes``)."""
    aujourd_hui = timezone.localdate()
    qs = Journee.objects.all()
    if filtres.phase:
        qs = qs.filter(phase=filtres.phase)
    if filtres.ville:
        qs = qs.filter(ville=filtres.ville)
    if filtres.periode == "a_venir":
        qs = qs.filter(date__gte=aujourd_hui).order_by("date", "heure_debut", "pk")
    elif filtres.periode == "passees":
        qs = qs.filter(date__lt=aujourd_hui).order_by("-date", "heure_debut", "pk")
    else:
        qs = qs.order_by("date", "heure_debut", "pk")
    return Paginator(list(qs.values_list("pk", flat=True)), JOURNEES_PAR_PAGE).get_page(numero)


def cartes_de_journees(*, ids: Iterable[int]) -> list[Journee]:
    """The journées ``ids`` as their cards show them (their seats apart: ``places``): with
    the titles of their sujets (``titres_sujets``); a journée deleted meanwhile is left out."""
    ids = list(ids)
    journees = list(Journee.objects.filter(pk__in=ids))
    # The titles of the sujets, read directly (lighter than prefetching objects).
    titres: dict[int, list[str]] = defaultdict(list)
    sujets = Journee.sujets.through.objects.filter(journee_id__in=ids).order_by("sujet__titre")
    for journee_id, titre in sujets.values_list("journee_id", "sujet__titre"):
        titres[journee_id].append(titre)
    for journee in journees:
        journee.titres_sujets = titres[journee.pk]  # type: ignore[attr-defined]
    return journees


@dataclass(frozen=True)
class Places:
    """A journée's seats: as its card and its page say them (``journee.html#places``)."""

    capacite: int
    nb_confirmees: int
    nb_attente: int

    @property
    def places_restantes(self) -> int:
        return places_restantes(self.capacite, self.nb_confirmees)


def places(*, capacites: dict[int, int]) -> dict[int, Places]:
    """The seats of the journées of ``capacites`` (journée → its capacity), in one query."""
    comptes: dict[tuple[int, str], int] = {
        (journee_id, statut): n
        for journee_id, statut, n in Inscription.objects.filter(
            journee_id__in=list(capacites), statut__in=[Statut.CONFIRMEE, Statut.ATTENTE]
        )
        .order_by()
        .values_list("journee_id", "statut")
        .annotate(n=Count("pk"))
    }
    return {
        pk: Places(
            capacite, comptes.get((pk, Statut.CONFIRMEE), 0), comptes.get((pk, Statut.ATTENTE), 0)
        )
        for pk, capacite in capacites.items()
    }


def inscriptions_parmi(*, agent: Agent, ids: Iterable[int]) -> dict[int, Inscription]:
    """The agent's live registration to each of the journées ``ids`` where there is one."""
    return {
        inscription.journee_id: inscription
        for inscription in Inscription.objects.filter(agent=agent, journee_id__in=list(ids))
        .exclude(statut=Statut.ANNULEE)
        .only("journee_id", "statut", "rang_attente")
    }


def journees_par_phase(
    *, journees: Iterable[T], phase: Callable[[T], str] = attrgetter("phase")
) -> list[tuple[str, list[T]]]:
    """Groups journées (or what stands for them: ``phase`` tells each one's) by phase, in the
    programme's order (Explorer, Créer, Tester)."""
    groupes: dict[str, list[T]] = {valeur: [] for valeur in Phase.values}
    for journee in journees:
        groupes[phase(journee)].append(journee)
    return [(Phase(valeur).label, liste) for valeur, liste in groupes.items() if liste]


def villes() -> tuple[str, ...]:
    return tuple(Journee.objects.order_by("ville").values_list("ville", flat=True).distinct())


def journee_et_sujets(*, pk: int) -> Journee:
    """A journée and its sujets (what the registration form offers)."""
    return Journee.objects.all().prefetch_related(_sujets()).get(pk=pk)


def _avec_effectifs(*, avec_sujets: bool) -> QuerySet[Journee]:
    journees = Journee.objects.avec_effectifs()
    return journees.prefetch_related(_sujets()) if avec_sujets else journees


def journee_et_effectifs(*, pk: int, avec_sujets: bool = True) -> Journee:
    """A journée with its seats, waiting list and (unless told otherwise) its sujets: what
    its page shows to everyone."""
    return _avec_effectifs(avec_sujets=avec_sujets).get(pk=pk)


def mon_inscription(*, agent: Agent, journee_id: int) -> Inscription | None:
    """The agent's live registration to the journée, if any."""
    return (
        Inscription.objects.filter(agent=agent, journee_id=journee_id)
        .exclude(statut=Statut.ANNULEE)
        .first()
    )


def journee(*, pk: int, agent: Agent, avec_sujets: bool = True) -> Journee:
    """A journée with its seats, waiting list, the agent's registration and (unless told
    otherwise, for a part of the page that does not show them) its sujets."""
    journees = _avec_effectifs(avec_sujets=avec_sujets)
    return journees.prefetch_related(_mon_inscription(agent)).get(pk=pk)


def inscriptions_de_l_agent(*, agent: Agent) -> tuple[list[Inscription], list[Inscription]]:
    """The agent's live registrations: upcoming journées (soonest first), then past ones
    (latest first)."""
    inscriptions = list(
        agent.inscriptions.select_related("journee")
        .exclude(statut=Statut.ANNULEE)
        .order_by("journee__date", "journee__heure_debut")
    )
    aujourd_hui = timezone.localdate()
    a_venir = [i for i in inscriptions if i.journee.date >= aujourd_hui]
    passees = [i for i in reversed(inscriptions) if i.journee.date < aujourd_hui]
    return a_venir, passees


def inscriptions_du_calendrier(*, agent: Agent) -> QuerySet[Inscription]:
    return agent.inscriptions.select_related("journee").exclude(statut=Statut.ANNULEE)


# --- Organisers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FiltresInscrits:
    statut: str = ""
    direction: int | None = None
    presence: str = ""
    recherche: str = ""


def _recherche_agent(recherche: str) -> Q:
    condition = Q()
    for mot in recherche.split():
        condition &= (
            Q(agent__first_name__icontains=mot)
            | Q(agent__last_name__icontains=mot)
            | Q(agent__email__icontains=mot)
        )
    return condition


def inscrits(*, journee: Journee, filtres: FiltresInscrits) -> QuerySet[Inscription]:
    """The registrants of a journée, confirmed first, then the waiting list in rank order."""
    ordre_statut = Case(
        When(statut=Statut.CONFIRMEE, then=Value(0)),
        When(statut=Statut.ATTENTE, then=Value(1)),
        default=Value(2),
    )
    qs = journee.inscriptions.select_related(
        "agent__direction", "sujet_souhaite", "inscrit_par"
    ).order_by(ordre_statut, "rang_attente", "agent__last_name", "agent__first_name")
    qs = qs.filter(statut=filtres.statut) if filtres.statut else qs.exclude(statut=Statut.ANNULEE)
    if filtres.direction:
        qs = qs.filter(agent__direction_id=filtres.direction)
    if filtres.presence:
        qs = qs.filter(presence=filtres.presence)
    if filtres.recherche:
        qs = qs.filter(_recherche_agent(filtres.recherche))
    return qs


def feuille_emargement(*, journee: Journee, recherche: str = "") -> QuerySet[Inscription]:
    qs = (
        journee.inscriptions.filter(statut=Statut.CONFIRMEE)
        .select_related("agent__direction")
        .order_by("agent__last_name", "agent__first_name")
    )
    if recherche:
        qs = qs.filter(_recherche_agent(recherche))
    return qs


def compteurs_presence(*, journee: Journee) -> dict[str, int]:
    """Confirmed registrations by attendance: present, absent, not yet ticked."""
    compte = journee.inscriptions.filter(statut=Statut.CONFIRMEE).aggregate(
        present=Count("pk", filter=Q(presence=Inscription.Presence.PRESENT)),
        absent=Count("pk", filter=Q(presence=Inscription.Presence.ABSENT)),
        non_renseignee=Count("pk", filter=Q(presence=Inscription.Presence.NON_RENSEIGNEE)),
    )
    return compte


def agents_a_inscrire(*, journee: Journee, recherche: str, limite: int = 10) -> QuerySet[Agent]:
    """Active agents matching ``recherche`` who are not registered to the journée yet."""
    deja = journee.inscriptions.exclude(statut=Statut.ANNULEE).values("agent_id")
    condition = Q()
    for mot in recherche.split():
        condition &= (
            Q(first_name__icontains=mot) | Q(last_name__icontains=mot) | Q(email__icontains=mot)
        )
    return (
        Agent.objects.filter(condition, is_active=True)
        .exclude(pk__in=deja)
        .select_related("direction")
        .order_by("last_name", "first_name")[:limite]
    )


def historique_de_la_journee(*, journee: Journee, limite: int = 20) -> list[LogEntry]:
    """The latest organisers' actions on the journée and its registrations (who, when,
    what), newest first: journees.historique writes them."""
    types = ContentType.objects.get_for_models(Journee, Inscription)
    inscriptions = [str(pk) for pk in journee.inscriptions.values_list("pk", flat=True)]
    return list(
        LogEntry.objects.filter(
            Q(content_type=types[Journee], object_id=str(journee.pk))
            | Q(content_type=types[Inscription], object_id__in=inscriptions)
        )
        .select_related("user")
        .order_by("-action_time", "-pk")[:limite]
    )
