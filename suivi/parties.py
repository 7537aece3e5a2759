"""The parts of the suivi's pages that are the same for every reader, read or rendered once
until the data they are made of changes (``faireadmin.cache``, each with its scopes). Views
call these and know nothing of caching; nothing here reads the user."""

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from faireadmin.cache import en_cache, rendu
from faireadmin.cache.portees import JOURNEES, PROGRAMME, PROPOSITIONS, proposition, sujet
from suivi import selectors
from suivi.forms import FiltresFeuilleDeRouteForm
from suivi.models import PointAvancement, Proposition
from sujets.models import Sujet


def programme() -> SafeString:
    return rendu(
        "programme",
        "suivi/_programme.html",
        lambda: {
            "axes": selectors.axes_du_programme(),
            "avancement": selectors.avancement_du_programme(),
            "chiffres": selectors.chiffres_du_programme(),
        },
        portees=(PROGRAMME, PROPOSITIONS),
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
    for the filters of ``form``; rendered every time for a search (each letter typed would
    keep a page for an hour) or filters with errors (the form shows them)."""
    filtres = form.filtres()
    valide = not form.is_bound or form.is_valid()

    def contexte() -> dict[str, object]:
        return {
            # The filters as understood (the same page for every way of writing them).
            "form": FiltresFeuilleDeRouteForm(filtres.parametres() or None) if valide else form,
            "axes": selectors.axes_de_la_feuille_de_route(filtres=filtres),
            "requete": urlencode(filtres.parametres(sujet=None)),
        }

    return rendu(
        f"feuille-de-route:{partie}:{_cle_filtres(filtres)}"
        if valide and not filtres.recherche
        else None,
        f"suivi/feuille_de_route.html#{partie}",
        contexte,
        portees=(PROGRAMME, PROPOSITIONS),
    )


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
