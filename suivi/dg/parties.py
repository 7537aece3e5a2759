"""The direction générale's figures and dashboard, computed and rendered once until the data
they are made of changes (every programme-wide scope: ``FIGURES_DG``), for every reader of
the dashboard alike. Views call these and know nothing of caching.

The figures say when they were computed, and after a change of the propositions, the
journées or the registrations (``TOLEREES``) they are still served while they are at most
``SECONDES_FRAICHEUR_TABLEAU_DE_BORD`` old (``fraicheur``): made of every proposition and
every registration, under a stream of points d'étape, registrations and attendance ticks
each perimeter is computed at most that often, not at every write. A change of the
programme itself (a sujet renamed, a pilote named, an agent erased) shows at once."""

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from faireadmin.cache import en_cache, rendu
from faireadmin.cache.portees import FIGURES_DG, INSCRIPTIONS, JOURNEES, PROPOSITIONS
from suivi.dg import graphiques
from suivi.dg.forms import AxeForm, PeriodeForm
from suivi.dg.indicateurs import Perimetre, Periode, indicateurs

TOLEREES = (PROPOSITIONS, JOURNEES, INSCRIPTIONS)


def fraicheur() -> int:
    return settings.FAIREADMIN["SECONDES_FRAICHEUR_TABLEAU_DE_BORD"]


def chiffres(perimetre: Perimetre, periode: Periode) -> dict:
    """The figures. Today's date is part of the key: overdue milestones and attendance depend
    on it, even for a past period."""
    cle = f"tableau-de-bord:{perimetre.cle}:{periode.cle}:{timezone.localdate().isoformat()}"
    return en_cache(
        cle,
        lambda: indicateurs(perimetre, periode),
        portees=FIGURES_DG,
        fraicheur=fraicheur(),
        tolerees=TOLEREES,
    )


def tableau_de_bord(
    perimetre: Perimetre, form: PeriodeForm, *, requete: QueryDict, requete_export: str
) -> SafeString:
    """The dashboard of ``perimetre`` for the period of ``form``. The rendered page is cached
    like the figures: at the stress scale the rendering (400 directions, 300 journées) costs
    more than reading the figures. Not with the form's errors."""
    periode = form.periode_choisie()

    def contexte() -> dict:
        donnees = chiffres(perimetre, periode)
        arbitrages = donnees["a_arbitrer"]
        return {
            "perimetre": perimetre,
            "periode": periode,
            "form": form,
            "form_axe": AxeForm(initial={"axe": perimetre.axe}),
            "donnees": donnees,
            "graphiques": graphiques.pour(donnees),
            "directions": graphiques.directions_affichees(
                donnees["participation"]["par_direction"]
            ),
            "requete": requete.urlencode(),
            "requete_export": requete_export,
            "a_arbitrer": len(arbitrages["orages"]) + len(arbitrages["jalons_en_retard"]),
            "fraicheur": fraicheur(),
        }

    champs = sorted((k, str(v)) for k, v in requete.items() if k in form.fields)
    cle = (
        None
        if form.is_bound and not form.is_valid()
        else f"tableau-de-bord:{perimetre.cle}:{periode.cle}:"
        f"{timezone.localdate().isoformat()}:{urlencode(champs)}"
    )
    return rendu(
        cle,
        "suivi/dg/_tableau_de_bord.html",
        contexte,
        portees=FIGURES_DG,
        fraicheur=fraicheur(),
        tolerees=TOLEREES,
    )
