"""The parts of the suivi's pages that are the same for every reader, read or rendered once
until the data they are made of changes (``faireadmin.cache``, each with its scopes). Views
call these and know nothing of caching; nothing here reads the user.

The pages made of the whole programme (the home page, the feuille de route, the pilote
workspace) are made of one part per sujet, each cached until its own sujet changes
(``sujet:<id>``): a point d'étape computes one sujet's part again, not the page. The axes'
and the programme's progress are summed from the sujets' parts (``Moyenne``). The home page
and the feuille de route are also kept whole over every sujet's scope (``_du_programme``):
one get while nothing changed."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from faireadmin.cache import en_cache, en_cache_par_objet, rendu
from faireadmin.cache.portees import JOURNEES, PROGRAMME, proposition, sujet
from suivi import selectors
from suivi.forms import FiltresFeuilleDeRouteForm
from suivi.models import PointAvancement, Proposition
from sujets.models import Sujet


# --- Made of sujets ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PartDeSujet:
    """A sujet's part of a page, and what the page sums of it: its counted propositions and
    the sum of their progress, its propositions not abandoned, those matching the filters."""

    html: str
    comptees: int
    somme: float
    vivantes: int
    trouvees: int = 0


@dataclass(frozen=True)
class Moyenne:
    """The mean progress of several sujets' propositions, and how many it averages."""

    nombre: int
    somme: float

    @classmethod
    def de(cls, parts: Iterable[PartDeSujet]) -> "Moyenne":
        parts = list(parts)
        return cls(sum(p.comptees for p in parts), sum(p.somme for p in parts))

    @property
    def moyenne(self) -> float | None:
        return self.somme / self.nombre if self.nombre else None


def _plan() -> selectors.PlanDuProgramme:
    return en_cache("plan-du-programme", selectors.plan_du_programme, portees=(PROGRAMME,))


def _parts(
    prefixe: str,
    ids: list[int],
    template: str,
    contextes: Callable[[list[int]], Iterable[tuple[Sujet, dict]]],
    *,
    garder: bool = True,
) -> dict[int, PartDeSujet]:
    """The part of each sujet of ``ids``, rendered with ``template`` from ``contextes`` (a
    sujet of ``sujets_du_programme`` and its context, for the missing ones); each cached
    until its sujet changes, under ``prefixe`` (with today's date: overdue milestones and
    silences depend on it), or rendered every time unless ``garder``."""

    def partie(objet: Sujet, contexte: dict) -> PartDeSujet:
        return PartDeSujet(
            html=rendu(None, template, lambda: contexte),
            comptees=objet.propositions_comptees,  # type: ignore[attr-defined]
            somme=float(objet.somme_avancement),  # type: ignore[attr-defined]
            vivantes=objet.propositions_vivantes,  # type: ignore[attr-defined]
            trouvees=contexte["suivi"].trouvees if "suivi" in contexte else 0,
        )

    def calcul(manquants: list[int]) -> dict[int, PartDeSujet]:
        return {objet.pk: partie(objet, contexte) for objet, contexte in contextes(manquants)}

    if not garder:
        return calcul(ids)
    return en_cache_par_objet(
        f"{prefixe}:{timezone.localdate().isoformat()}",
        ids,
        calcul,
        portees=lambda pk: (PROGRAMME, sujet(pk)),
    )


def _html(parts: Iterable[PartDeSujet]) -> SafeString:
    return mark_safe("".join(p.html for p in parts))  # noqa: S308 (rendered by rendu)


def _sujets_du_programme(plan: selectors.PlanDuProgramme) -> dict[int, PartDeSujet]:
    """Every sujet's part of the home page, and its figures (the axes' progress sums them)."""
    return _parts(
        "programme-sujet",
        [pk for _, ids in plan.axes for pk in ids],
        "suivi/_programme.html#sujet",
        lambda ids: ((s, {"sujet": s}) for s in selectors.sujets_du_programme(ids=ids)),
    )


def _de(parts: dict[int, PartDeSujet], ids: Iterable[int]) -> list[PartDeSujet]:
    return [parts[pk] for pk in ids if pk in parts]  # (a sujet deleted meanwhile is left out)


def _ordre() -> tuple[int, ...]:
    """The ids of the programme's sujets in its order (immutable: kept in the process too,
    ``cache.entrees.memoire``; the plan, with its axes, is read from Redis)."""
    return en_cache(
        "ordre-des-sujets",
        lambda: tuple(pk for _, ids in _plan().axes for pk in ids),
        portees=(PROGRAMME,),
        compte=False,  # read before the page, which says where its content came from
    )


def _du_programme() -> tuple[str, ...]:
    """The scopes of a page made of every sujet: a page-wide entry over its parts, read in
    one get while nothing changed, made again from the parts (one computed) after a change."""
    return (PROGRAMME, *(sujet(pk) for pk in _ordre()))


def programme() -> SafeString:
    """The home page's content: the programme, its axes and their sujets (one part each)."""

    def contexte() -> dict:
        plan = _plan()
        parts = _sujets_du_programme(plan)
        return {
            "axes": [
                {
                    "axe": axe,
                    "avancement": Moyenne.de(_de(parts, ids)),
                    "sujets": _html(_de(parts, ids)),
                }
                for axe, ids in plan.axes
            ],
            "avancement": Moyenne.de(parts.values()),
            "chiffres": {
                "sujets": plan.sujets,
                "pilotes": plan.pilotes,
                "propositions": sum(p.vivantes for p in parts.values()),
            },
        }

    return rendu(
        "programme",
        "suivi/_programme.html",
        contexte,
        portees=_du_programme(),
        partage=False,  # cheap to make again from its parts
    )


# --- A proposition's page ---------------------------------------------------------------------
def proposition_lue(pk: int) -> Proposition:
    """The proposition as its page shows it (``Proposition.DoesNotExist`` if unknown). Its
    version, which the point d'étape form carries, moves with it."""
    return en_cache(
        f"proposition:{pk}",
        lambda: selectors.proposition(pk=pk),
        portees=(PROGRAMME, JOURNEES, proposition(pk)),
        partage=False,
    )


TAILLE_JOURNAL = 10  # the journal a proposition's page shows: its latest entries (or all)


def journal_rendu(objet: Proposition, *, tout: bool) -> SafeString:
    """The journal's part of the proposition's page, the same for every reader: its latest
    ``TAILLE_JOURNAL`` entries, or all of them."""

    def contexte() -> dict:
        entrees = journal(objet, limite=None if tout else TAILLE_JOURNAL)
        return {
            "proposition": objet,
            "journal": entrees if tout else entrees[:TAILLE_JOURNAL],
            "journal_tronque": not tout and len(entrees) > TAILLE_JOURNAL,
        }

    return rendu(
        f"journal-rendu:{objet.pk}:{'tout' if tout else TAILLE_JOURNAL}",
        "suivi/proposition.html#journal",
        contexte,
        portees=(PROGRAMME, proposition(objet.pk)),  # the authors' names
        partage=False,
    )


def journal(objet: Proposition, *, limite: int | None) -> list[PointAvancement]:
    return en_cache(
        f"journal:{objet.pk}:{limite}",
        lambda: selectors.journal(proposition=objet, limite=limite),
        portees=(PROGRAMME, proposition(objet.pk)),  # the authors' names
        partage=False,
    )


def pilotes_du_sujet(sujet_id: int) -> SafeString:
    """The same on every page of the sujet."""
    return rendu(
        f"pilotes-du-sujet:{sujet_id}",
        "elements.html#pilotes",
        lambda: {"pilotages": selectors.pilotages_du_sujet(sujet_id=sujet_id)},
        portees=(PROGRAMME,),
        partage=False,
    )


# --- Feuille de route -------------------------------------------------------------------------
def _cle_filtres(filtres: selectors.FiltresFeuilleDeRoute) -> str:
    # Today's date is part of it: overdue milestones depend on it.
    return f"{timezone.localdate().isoformat()}:{urlencode(filtres.parametres())}"


def feuille_de_route(form: FiltresFeuilleDeRouteForm, *, partie: str) -> SafeString:
    """The page's ``partie`` (``contenu``, or ``resultats`` for the filters' HTMX requests)
    for the filters of ``form``: its form, then each axe and its sujets' cards (one part per
    sujet, for these filters). Rendered every time for a search (each letter typed would keep
    a page for an hour) or filters with errors (the form shows them)."""
    filtres = form.filtres()
    valide = not form.is_bound or form.is_valid()
    garder = valide and not filtres.recherche

    def contexte() -> dict:
        plan = _plan()
        requete = urlencode(filtres.parametres(sujet=None))
        ids = [
            pk
            for axe, siens in plan.axes
            if not filtres.axe or axe.pk == filtres.axe
            for pk in siens
            if not filtres.sujet or pk == filtres.sujet
        ]
        cartes = _parts(
            f"feuille-de-route-carte:{urlencode(filtres.parametres())}",
            ids,
            "suivi/feuille_de_route.html#carte",
            lambda manquants: (
                (suivi.sujet, {"suivi": suivi, "requete": requete})
                for suivi in selectors.sujets_de_la_feuille_de_route(filtres=filtres, ids=manquants)
            ),
            garder=garder,
        )
        figures = _sujets_du_programme(plan)  # an axe's progress: all its sujets, always
        tout = not filtres.actifs
        axes = []
        for axe, siens in plan.axes:
            affiches = [c for c in _de(cartes, siens) if c.trouvees or tout]
            if affiches or tout:
                moyenne = Moyenne.de(_de(figures, siens))
                axes.append({"axe": axe, "avancement": moyenne, "sujets": _html(affiches)})
        formulaire = rendu(
            f"feuille-de-route-filtres:{urlencode(filtres.parametres())}" if valide else None,
            "suivi/feuille_de_route.html#filtres",
            # The filters as understood (the same form for every way of writing them).
            lambda: {
                "form": FiltresFeuilleDeRouteForm(filtres.parametres() or None) if valide else form
            },
            portees=(PROGRAMME,),
            partage=False,
        )
        return {"formulaire": formulaire, "axes": axes}

    return rendu(
        f"feuille-de-route:{partie}:{_cle_filtres(filtres)}" if garder else None,
        f"suivi/feuille_de_route.html#{partie}",
        contexte,
        portees=_du_programme(),
        partage=False,  # cheap to make again from its parts
    )


def espace_pilote(ids: Iterable[int]) -> SafeString:
    """The pilote workspace's sujets ``ids`` (in the programme's order), one part each: the
    same for every pilote of the sujet."""
    siens = set(ids)
    ordre = [pk for pk in _ordre() if pk in siens]
    parts = _parts(
        "espace-pilote-sujet",
        ordre,
        "suivi/espace_pilote.html#sujet",
        lambda manquants: ((s.sujet, {"suivi": s}) for s in selectors.sujets_suivis(ids=manquants)),
    )
    return _html(_de(parts, ordre))


def tableau_du_sujet(objet: Sujet, filtres: selectors.FiltresFeuilleDeRoute) -> SafeString:
    """The table of a folded sujet of the feuille de route, with the feuille's filters."""
    return rendu(
        None if filtres.recherche else f"feuille-de-route-sujet:{_cle_filtres(filtres)}",
        "suivi/_tableau_propositions.html",
        lambda: {
            "propositions": selectors.propositions_filtrees(filtres=filtres).par_etape(),
            "legende": f"Propositions du sujet « {objet.titre} »",
            "legende_cachee": True,
        },
        portees=(PROGRAMME, sujet(objet.pk)),
    )
