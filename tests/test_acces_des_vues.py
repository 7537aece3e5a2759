"""Every URL of the application states its access rule and its HTTP methods, and both hold.

The sweep reads ``get_resolver()``: a view added without an access decorator of
``faireadmin.permissions`` (``connecte_requis``, ``lab_requis``, ``pilotage_requis``,
``public``) or without a method decorator fails here, named. The admin (``admin/``) has its own.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from faireadmin.permissions import Acces

# Values for the URLs' parameters: the checks run before any object is looked up.
VALEURS = {
    "pk": 999999,
    "inscription_pk": 999999,
    "jalon_pk": 999999,
    "slug": "inconnu",
    "jeton": "inconnu",
    "uidb64": "inconnu",
    "token": "inconnu",
    "format": "csv",
    "quoi": "propositions",
}


@dataclass(frozen=True)
class Adresse:
    nom: str
    url: str
    vue: object

    def __str__(self) -> str:
        return self.nom


def _adresses(motifs=None, espace: str = "") -> list[Adresse]:
    adresses = []
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        if isinstance(motif, URLResolver):
            if motif.app_name == "admin":
                continue
            adresses += _adresses(motif.url_patterns, espace)
        elif isinstance(motif, URLPattern):
            noms = motif.pattern.regex.groupindex
            url = reverse(motif.name, kwargs={nom: VALEURS[nom] for nom in noms})
            adresses.append(Adresse(motif.name, url, motif.callback))
    return adresses


ADRESSES = _adresses()


def _acces(adresse: Adresse) -> Acces | None:
    return getattr(adresse.vue, "acces", None)


def test_the_sweep_sees_every_page():
    noms = {adresse.nom for adresse in ADRESSES}
    assert {"programme", "proposition_point", "tableau_de_bord", "connexion", "bilan"} <= noms
    assert len(ADRESSES) >= 50


@pytest.mark.parametrize("adresse", ADRESSES, ids=str)
def test_every_view_states_its_access_rule(adresse):
    assert isinstance(_acces(adresse), Acces), (
        f"La vue « {adresse.nom} » ({adresse.url}) ne dit pas qui y a accès : "
        "décorez-la avec connecte_requis, lab_requis, pilotage_requis ou public(raison) "
        "(faireadmin.permissions)."
    )


@pytest.mark.parametrize("adresse", ADRESSES, ids=str)
def test_every_view_states_its_methods(adresse, client, agent):
    if (acces := _acces(adresse)) is not None and acces.connexion:
        client.force_login(agent)  # past the login check of class-based views
    assert client.generic("PATCH", adresse.url).status_code == 405, (
        f"La vue « {adresse.nom} » accepte PATCH : décorez-la avec require_GET, "
        "require_POST ou require_http_methods."
    )


def _methode(client, url: str):
    """The request the view accepts: GET, or else POST."""
    reponse = client.get(url)
    return client.post(url) if reponse.status_code == 405 else reponse


# The pages open without login, each with its reason (``public(raison)``): adding one is a
# decision, taken here too.
PUBLIQUES = {
    "connexion",
    "deconnexion",
    "sso_debut",
    "sso_retour",
    "mot_de_passe_oublie",
    "mot_de_passe_envoye",
    "mot_de_passe_nouveau",
    "donnees_personnelles",
    "accessibilite",
    "sante",
    "calendrier_flux",
    "annulation_par_lien",
}
RESERVEES = [a for a in ADRESSES if (acces := _acces(a)) is not None and acces.connexion]
A_ROLE = [a for a in RESERVEES if _acces(a).regle != "agent connecté"]


def test_the_public_pages_are_those_decided():
    publiques = {a.nom for a in ADRESSES if (acces := _acces(a)) and not acces.connexion}
    assert publiques == PUBLIQUES


@pytest.mark.parametrize("adresse", RESERVEES, ids=str)
def test_anonymous_visitors_are_sent_to_the_login_page(adresse, client):
    reponse = _methode(client, adresse.url)
    assert reponse.status_code == 302, adresse.nom
    assert reponse["Location"].startswith(reverse("connexion")), adresse.nom


@pytest.mark.parametrize("adresse", A_ROLE, ids=str)
def test_an_agent_without_the_role_is_refused(adresse, client, agent):
    client.force_login(agent)
    assert _methode(client, adresse.url).status_code == 403, adresse.nom
