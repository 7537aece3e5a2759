"""Sweeps the URL patterns, so that no route is left unchecked:
- every page but the public ones refuses an anonymous visitor;
- every organiser route refuses a plain agent, for reading and for writing."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import InscriptionFactory

PUBLIQUES = {"connexion", "sante"}
# Public, but only with a secret: a wrong one is a 404.
PAR_JETON = {"calendrier_flux", "annulation_par_lien"}
EXEMPLES = {
    "slug": "exemple",
    "pk": "1",
    "inscription_pk": "1",
    "jalon_pk": "1",
    "jeton": "faux-jeton",
    "quoi": "propositions",
    "format": "csv",
}


def routes(resolver=None):
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                continue  # the admin has its own login, tested in test_admin
            yield from routes(motif)
        elif isinstance(motif, URLPattern) and motif.name:
            yield motif


TOUTES = list(routes())
PROTEGEES = [m for m in TOUTES if m.name not in PUBLIQUES | PAR_JETON]
ORGANISATION = [
    m for m in TOUTES if "/organisation/" in str(m.pattern) or m.name == "journee_nouvelle"
]


def adresse(motif: URLPattern, **valeurs: str) -> str:
    noms = list(motif.pattern.converters) or list(motif.pattern.regex.groupindex)
    kwargs = {k: valeurs.get(k, EXEMPLES[k]) for k in noms}
    return reverse(motif.name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("motif", PROTEGEES, ids=[m.name for m in PROTEGEES])
def test_anonymous_visitors_are_sent_to_the_login(client, motif):
    for methode in (client.get, client.post):
        response = methode(adresse(motif))
        assert response.status_code in (302, 405), response.status_code
        if response.status_code == 302:
            assert response.url.startswith(reverse("connexion"))


@pytest.mark.django_db
@pytest.mark.parametrize("nom", sorted(PAR_JETON))
def test_token_routes_refuse_a_wrong_token(client, nom):
    assert client.get(reverse(nom, kwargs={"jeton": "faux-jeton"})).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("motif", ORGANISATION, ids=[m.name for m in ORGANISATION])
def test_organiser_routes_refuse_agents(client_agent, motif):
    inscription = InscriptionFactory()
    url = adresse(motif, pk=str(inscription.journee.pk), inscription_pk=str(inscription.pk))
    for methode in (client_agent.get, client_agent.post):
        for entetes in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = methode(url, **entetes)
            assert response.status_code in (403, 405), (url, response.status_code)
    assert inscription.journee.inscriptions.get().statut == "confirmee"


DIRECTION = [m for m in TOUTES if m.name.startswith(("tableau_de_bord", "export_dg", "rapport"))]


@pytest.mark.django_db
@pytest.mark.parametrize("motif", DIRECTION, ids=[m.name for m in DIRECTION])
def test_direction_pages_refuse_agents_and_pilotes(client, motif):
    from tests.factories import AgentFactory, AxeFactory, PilotageFactory

    pilotage = PilotageFactory()
    url = adresse(motif, slug=pilotage.sujet.slug if "sujet" in motif.name else AxeFactory().slug)
    for qui in (AgentFactory(), pilotage.agent):
        client.force_login(qui)
        for methode in (client.get, client.post):
            assert methode(url).status_code in (403, 405), (url, qui)


def test_the_sweep_sees_the_pages():
    noms = {m.name for m in TOUTES}
    assert {"programme", "axe", "sujet", "deconnexion", "journees", "organisation"} <= noms
    assert {"tableau_de_bord", "rapports", "rapport_pdf", "export_dg"} <= {
        m.name for m in DIRECTION
    }
    assert {"emargement", "bilan", "propositions_journee", "journee_nouvelle"} <= {
        m.name for m in ORGANISATION
    }
