"""Reads of the suivi: the programme, its axes, sujets and propositions, in a fixed number of
queries whatever the data size, with progress rolled up in SQL.

Progress is the mean ``avancement`` of the propositions that count (neither ideas nor
abandoned, see ``Proposition.STATUTS_COMPTES``), over the scope: a sujet, an axe, the
programme. Each figure comes with the number of propositions it averages.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from axes.models import Axe
from faireadmin.models import Agent
from journees.models import Journee
from suivi.models import Jalon, PointAvancement, Proposition, PropositionQuerySet, RetourTest
from sujets.models import Pilotage, Sujet


def _avancement(chemin: str) -> dict[str, Avg | Count]:
    """Annotations giving the mean progress and the number of counted propositions
    reached through ``chemin`` (e.g. ``"propositions__"``)."""
    comptee = Q(**{f"{chemin}statut__in": Proposition.STATUTS_COMPTES})
    return {
        "avancement_moyen": Avg(f"{chemin}avancement", filter=comptee),
        "propositions_comptees": Count(f"{chemin}id", filter=comptee),
    }


def _pilotages_dans_l_ordre() -> QuerySet[Pilotage]:
    """Pilotes first, then co-pilotes, by name, with their direction."""
    return Pilotage.objects.select_related("agent__direction").order_by(
        "-role", "agent__last_name", "agent__first_name"
    )


def _pilotages() -> Prefetch:
    return Prefetch("pilotages", queryset=_pilotages_dans_l_ordre())


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


@dataclass(frozen=True)
class PlanDuProgramme:
    """The axes in order, the ids of each one's sujets in order, and the programme's counts
    that do not depend on the propositions."""

    axes: list[tuple[Axe, list[int]]]
    sujets: int
    pilotes: int


def plan_du_programme() -> PlanDuProgramme:
    # The axes alone (no prefetched sujets: the plan is cached, and read on every page).
    ids: dict[int, list[int]] = {}
    for axe_id, pk in Sujet.objects.order_by("ordre", "titre").values_list("axe_id", "pk"):
        ids.setdefault(axe_id, []).append(pk)
    return PlanDuProgramme(
        axes=[(axe, ids.get(axe.pk, [])) for axe in Axe.objects.order_by("numero")],
        sujets=sum(map(len, ids.values())),
        pilotes=Pilotage.objects.values("agent").distinct().count(),
    )


def sujets_du_programme(*, ids: Iterable[int]) -> list[Sujet]:
    """The sujets ``ids`` (in the programme's order), each with its progress
    (``avancement_moyen``, ``propositions_comptees``), the sum of the progress it averages
    (``somme_avancement``: an axe's or the programme's mean is made of its sujets') and its
    propositions not abandoned (``propositions_vivantes``), its axe and its pilotes."""
    comptee = Q(propositions__statut__in=Proposition.STATUTS_COMPTES)
    return list(
        _sujets_avec_avancement()
        .filter(pk__in=list(ids))
        .select_related("axe")
        .annotate(
            somme_avancement=Sum("propositions__avancement", filter=comptee, default=0),
            propositions_vivantes=Count(
                "propositions", filter=~Q(propositions__statut=Proposition.Statut.ABANDONNEE)
            ),
        )
        .order_by("axe__numero", "ordre", "titre")
    )


def avancement_du_programme() -> dict[str, float | int | None]:
    return Proposition.objects.comptees().aggregate(
        avancement_moyen=Avg("avancement"), propositions_comptees=Count("id")
    )


def axe_avec_avancement(*, slug: str) -> Axe:
    return axes_du_programme().get(slug=slug)


def sujet_avec_avancement(*, slug: str) -> Sujet:
    return _sujets_avec_avancement().select_related("axe").get(slug=slug)


def propositions_du_sujet(*, sujet: Sujet) -> QuerySet[Proposition]:
    return avec_suivi(sujet.propositions.select_related("journee_origine")).par_etape()


def journees_du_sujet(*, sujet: Sujet) -> QuerySet[Journee]:
    return sujet.journees.order_by("date")


def propositions_nees(*, journee: Journee) -> QuerySet[Proposition]:
    return journee.propositions_nees.select_related("sujet").order_by("sujet__titre", "titre", "pk")


# --- Propositions with their follow-up ----------------------------------------------------
def seuil_sans_nouvelles(maintenant: dt.datetime | None = None) -> dt.datetime:
    jours = settings.FAIREADMIN["JOURS_SANS_NOUVELLES"]
    return (maintenant or timezone.now()) - dt.timedelta(days=jours)


def avec_nouvelles(
    propositions: PropositionQuerySet, maintenant: dt.datetime | None = None
) -> PropositionQuerySet:
    """Annotates each proposition with its last journal date and ``sans_nouvelles``: still in
    progress, and nothing written for ``JOURS_SANS_NOUVELLES`` days."""
    return (
        propositions.avec_dernier_point()
        .annotate(derniere_nouvelle=Coalesce("dernier_point", "cree_le"))
        .annotate(
            sans_nouvelles=Case(
                When(
                    # Never written about: silent since it was recorded.
                    Q(statut__in=Proposition.STATUTS_ACTIFS)
                    & Q(
                        derniere_nouvelle__lt=seuil_sans_nouvelles(maintenant),
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def avec_suivi(
    propositions: PropositionQuerySet, maintenant: dt.datetime | None = None
) -> PropositionQuerySet:
    """``avec_nouvelles``, and each proposition's next milestone (title and date) and its
    overdue milestones. Subqueries, so no join multiplies rows."""
    aujourd_hui = timezone.localdate(maintenant or timezone.now())
    a_faire = Jalon.objects.filter(proposition=OuterRef("pk"), fait_le__isnull=True).order_by(
        "echeance", "id"
    )
    return avec_nouvelles(
        propositions.annotate(
            prochain_jalon=Subquery(a_faire.values("titre")[:1]),
            prochaine_echeance=Subquery(a_faire.values("echeance")[:1]),
            jalons_en_retard=Coalesce(
                Subquery(
                    a_faire.filter(echeance__lt=aujourd_hui)
                    .order_by()
                    .values("proposition")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                Value(0),
            ),
        ),
        maintenant,
    )


def proposition(*, pk: int, jalons: bool = True, retours: bool = True) -> Proposition:
    """A proposition with its news (``avec_nouvelles``), origin, sujet, axe and, unless the
    part of the page to show leaves them out, its milestones and test feedback."""
    propositions = avec_nouvelles(
        Proposition.objects.select_related("sujet__axe", "journee_origine")
    )
    if jalons:
        propositions = propositions.prefetch_related(
            Prefetch("jalons", queryset=jalons_dans_l_ordre())
        )
    if retours:
        propositions = propositions.prefetch_related(
            Prefetch(
                "retours_test",
                queryset=RetourTest.objects.select_related("journee").order_by("-journee__date"),
            )
        )
    return propositions.get(pk=pk)


def pilotages_du_sujet(*, sujet_id: int) -> QuerySet[Pilotage]:
    """The sujet's pilotes first, then its co-pilotes, with their direction."""
    return _pilotages_dans_l_ordre().filter(sujet_id=sujet_id)


def journal(*, proposition: Proposition, limite: int | None = 50) -> list[PointAvancement]:
    """The journal, newest first: ``limite`` entries and one more (to tell there are more),
    or all of them with ``None``. Of the authors, their names only (what the page shows, and
    all that the proposition page's cache keeps)."""
    entrees = (
        proposition.journal.select_related("auteur")
        .only(
            "proposition_id",
            "cree_le",
            "texte",
            "changements",
            "auteur__first_name",
            "auteur__last_name",
        )
        .order_by("-cree_le", "-id")
    )
    return list(entrees[: limite + 1] if limite else entrees)


def jalons_dans_l_ordre() -> QuerySet[Jalon]:
    """Milestones to reach first (soonest first), then those reached (latest first)."""
    return Jalon.objects.order_by(F("fait_le").desc(nulls_first=True), "echeance", "id")


# --- Pilote workspace ---------------------------------------------------------------------
@dataclass(frozen=True)
class SujetSuivi:
    """A sujet and its propositions among those followed (see ``_sujets_suivis``): how many
    were ``trouvees``, how many of them are ``silencieuses`` (without news) and ``en_retard``
    (with an overdue milestone), and ``propositions_affichees``: the list, in lifecycle order,
    or None when the sujet is folded."""

    sujet: Sujet
    trouvees: int
    silencieuses: int
    en_retard: int
    propositions_affichees: list[Proposition] | None


def sujets_du_pilote(*, agent: Agent) -> list[SujetSuivi]:
    """The sujets the agent pilots, with progress, co-pilotes and their propositions to follow
    (counted, and listed in lifecycle order unless folded: see ``_sujets_suivis``)."""
    return sujets_suivis(
        ids=Pilotage.objects.filter(agent=agent).values_list("sujet_id", flat=True)
    )


def sujets_suivis(*, ids: Iterable[int]) -> list[SujetSuivi]:
    """The sujets ``ids`` as the pilote workspace shows them (``sujets_du_programme``), each
    with its propositions to follow (``_sujets_suivis``)."""
    sujets = sujets_du_programme(ids=ids)
    if not sujets:
        return []
    return _sujets_suivis(sujets=sujets, propositions=avec_suivi(Proposition.objects.all()))


# --- Feuille de route ---------------------------------------------------------------------
@dataclass(frozen=True)
class FiltresFeuilleDeRoute:
    recherche: str = ""
    axe: int | None = None
    sujet: int | None = None
    statut: str = ""
    meteo: str = ""
    jalons_en_retard: bool = False

    @property
    def actifs(self) -> bool:
        return any(self.parametres().values())

    def parametres(self, **changes: object) -> dict[str, str]:
        """The filters as query parameters (those set, in a fixed order)."""
        valeurs = {**self.__dict__, **changes}
        return {
            cle: "on" if valeur is True else str(valeur)
            for cle, valeur in valeurs.items()
            if valeur not in ("", None, False)
        }


def propositions_filtrees(*, filtres: FiltresFeuilleDeRoute) -> PropositionQuerySet:
    """The propositions matching the filters, with their follow-up (``avec_suivi``)."""
    propositions = avec_suivi(Proposition.objects.all())
    for mot in filtres.recherche.split():
        propositions = propositions.filter(Q(titre__icontains=mot) | Q(description__icontains=mot))
    if filtres.axe:
        propositions = propositions.filter(sujet__axe_id=filtres.axe)
    if filtres.sujet:
        propositions = propositions.filter(sujet_id=filtres.sujet)
    if filtres.statut:
        propositions = propositions.filter(statut=filtres.statut)
    if filtres.meteo:
        propositions = propositions.filter(meteo=filtres.meteo)
    if filtres.jalons_en_retard:
        propositions = propositions.filter(
            Exists(
                Jalon.objects.filter(
                    proposition=OuterRef("pk"),
                    fait_le__isnull=True,
                    echeance__lt=timezone.localdate(),
                )
            )
        )
    return propositions


def _sujets_suivis(
    *, sujets: list[Sujet], propositions: PropositionQuerySet, deplier_tout: bool = False
) -> list[SujetSuivi]:
    """Each sujet, in order, with its propositions among ``propositions``: their counts and,
    when there are few (``PROPOSITIONS_DEPLIEES_AU_PLUS``, all of them at the realistic scale)
    or ``deplier_tout``, their list in lifecycle order; else no list (folded). Two queries,
    whatever the number of sujets."""
    au_plus = settings.FAIREADMIN["PROPOSITIONS_DEPLIEES_AU_PLUS"]
    comptes: dict[int, tuple[int, int, int]] = {
        ligne["sujet_id"]: (ligne["trouvees"], ligne["silencieuses"], ligne["en_retard"])
        for ligne in propositions.filter(sujet__in=[s.pk for s in sujets])
        .order_by()
        .values("sujet_id")
        .annotate(
            trouvees=Count("id"),
            silencieuses=Count("id", filter=Q(sans_nouvelles=True)),
            en_retard=Count("id", filter=Q(jalons_en_retard__gt=0)),
        )
    }
    listes: dict[int, list[Proposition]] = {
        sujet.pk: []
        for sujet in sujets
        if deplier_tout or comptes.get(sujet.pk, (0, 0, 0))[0] <= au_plus
    }
    a_lister = [pk for pk in listes if pk in comptes]
    if a_lister:
        for proposition in propositions.filter(sujet__in=a_lister).par_etape():
            listes[proposition.sujet_id].append(proposition)
    suivis: list[SujetSuivi] = []
    for sujet in sujets:
        trouvees, silencieuses, en_retard = comptes.get(sujet.pk, (0, 0, 0))
        suivis.append(
            SujetSuivi(
                sujet=sujet,
                trouvees=trouvees,
                silencieuses=silencieuses,
                en_retard=en_retard,
                propositions_affichees=listes.get(sujet.pk),
            )
        )
    return suivis


def sujets_de_la_feuille_de_route(
    *, filtres: FiltresFeuilleDeRoute, ids: Iterable[int]
) -> list[SujetSuivi]:
    """The sujets ``ids`` of the feuille de route (``sujets_du_programme``), each with its
    propositions matching the filters: counted and, unless folded, listed (see
    ``_sujets_suivis``; a sujet chosen in the filters is never folded)."""
    return _sujets_suivis(
        sujets=sujets_du_programme(ids=ids),
        propositions=propositions_filtrees(filtres=filtres),
        deplier_tout=bool(filtres.sujet),
    )
