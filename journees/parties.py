"""The parts of the journées' pages that are the same for every reader, read or rendered once
until the journées change (``faireadmin.cache``): a registration leaves them cached. Views call
these and know nothing of caching; nothing here reads the user."""

from dataclasses import dataclass

from django.utils.http import urlencode
from django.utils.safestring import SafeString

from faireadmin.cache import en_cache, en_cache_par_objet, rendu
from faireadmin.cache.portees import JOURNEES, PROGRAMME, journee
from journees import selectors
from journees.forms import FiltresJourneesForm
from journees.models import Journee


def journee_lue(pk: int) -> Journee:
    """The journée as its page shows it to everyone, with its seats and its sujets
    (``Journee.DoesNotExist`` if unknown), until it or its registrations change."""
    return en_cache(
        f"journee:{pk}",
        lambda: selectors.journee_et_effectifs(pk=pk),
        portees=(PROGRAMME, JOURNEES, journee(pk)),
        partage=False,
    )


def journee_et_sujets(pk: int) -> Journee:
    """The journée and its sujets, without its seats (what the registration form offers;
    ``Journee.DoesNotExist`` if unknown): a registration leaves it cached."""
    return en_cache(
        f"journee-et-sujets:{pk}",
        lambda: selectors.journee_et_sujets(pk=pk),
        portees=(PROGRAMME, JOURNEES),
        partage=False,
    )


def presentation(objet: Journee) -> SafeString:
    """The journée's place, programme, sujets and lessons: the same for every reader."""
    return rendu(
        f"presentation-de-journee:{objet.pk}",
        "journees/journee.html#presentation",
        lambda: {"journee": objet},
        portees=(PROGRAMME, JOURNEES),
        partage=False,
    )


@dataclass(frozen=True)
class CarteDeJournee:
    """A journée's card in the list (without its seats, the most changing part, nor the
    reader's registration: both read apart), and its phase."""

    pk: int
    phase: str
    capacite: int
    html: SafeString


def cartes(ids: list[int]) -> list[CarteDeJournee]:
    """The cards of the journées ``ids``, in that order, each cached until the journées (or
    the sujets' titles) change: a registration leaves them cached."""

    def carte(objet: Journee) -> CarteDeJournee:
        html = rendu(None, "journees/liste.html#carte", lambda: {"journee": objet})
        return CarteDeJournee(objet.pk, objet.phase, objet.capacite, html)

    def calcul(manquants: list[int]) -> dict[int, CarteDeJournee]:
        return {objet.pk: carte(objet) for objet in selectors.cartes_de_journees(ids=manquants)}

    parts = en_cache_par_objet(
        "carte-de-journee", ids, calcul, portees=lambda pk: (PROGRAMME, JOURNEES)
    )
    return [parts[pk] for pk in ids if pk in parts]


def villes() -> tuple[str, ...]:
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
