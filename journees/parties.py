"""The parts of the journées' pages that are the same for every reader, read or rendered once
until the journées change (``faireadmin.cache``): a registration leaves them cached. Views call
these and know nothing of caching; nothing here reads the user."""

from django.utils.http import urlencode
from django.utils.safestring import SafeString

from faireadmin.cache import en_cache, rendu
from faireadmin.cache.portees import JOURNEES
from journees import selectors
from journees.forms import FiltresJourneesForm


def villes() -> list[str]:
    """The cities of the journées (the filters' choices)."""
    return en_cache("villes-des-journees", selectors.villes, portees=(JOURNEES,), partage=False)


def filtres(form: FiltresJourneesForm) -> SafeString:
    """The filters' form: as understood, for valid filters (the same part for every way of
    writing them); with its errors, rendered every time."""
    valide = not form.is_bound or form.is_valid()
    choisis = form.filtres()
    donnees = {"phase": choisis.phase, "ville": choisis.ville, "periode": choisis.periode}
    return rendu(
        f"filtres-journees:{urlencode(donnees) if form.is_bound else ''}" if valide else None,
        "journees/liste.html#filtres",
        lambda: {
            "form": FiltresJourneesForm(donnees, villes=form.villes)
            if form.is_bound and valide
            else form
        },
        portees=(JOURNEES,),
        partage=False,
    )
