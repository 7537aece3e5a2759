"""Sweeps the URL patterns, so that no route is left unchecked. Every route is classified
below by who may use it (a new route fails ``test_every_route_is_classified`` until it is);
then:
- every page but the public ones refuses an anonymous visitor;
- every organiser route refuses a plain agent, for reading and for writing;
- every route of the direction générale refuses agents and pilotes;
- every write on a proposition refuses an agent, the DG and another sujet's pilote."""

import pytest
from django.urls import URLPattern, reverse

from faireadmin.permissions import Acces
from tests import balayage
from tests.factories import InscriptionFactory

# Anyone: logging in, resetting a password, the public information pages, the health probe.
PUBLIQUES = {
    "connexion",
    "sso_debut",
    "sso_retour",
    "mot_de_passe_oublie",
    "mot_de_passe_envoye",
    "mot_de_passe_nouveau",
    "donnees_personnelles",
    "accessibilite",
    "sante",
    "vivant",
}
# Public, but only with a secret: a wrong one is a 404.
PAR_JETON = {"calendrier_flux", "annulation_par_lien"}
# Any agent logged in: reading the programme, and acting on their own account and registrations
# only (the view takes the agent from the session, never from the request).
AGENTS = {
    "deconnexion",
    "mot_de_passe_change",
    "journees",
    "journee",
    "journee_inscription",
    "journee_annulation",
    "journee_ics",
    "mes_inscriptions",
    "calendrier_regenerer",
    "programme",
    "axe",
    "sujet",
    "feuille_de_route",
    "feuille_de_route_sujet",
    "espace_pilote",
    "proposition",
    "mes_donnees",
    "mes_donnees_telecharger",
    "ping",
}
# The pilotes of the proposition's sujet and the équipe du Lab'.
PILOTES = {"proposition_point", "jalon_ajouter", "jalon_modifier", "jalon_fait", "jalon_rouvrir"}
EXEMPLES = {
    "slug": "exemple",
    "pk": "1",
    "inscription_pk": "1",
    "jalon_pk": "1",
    "jeton": "faux-jeton",
    "quoi": "propositions",
    "format": "csv",
    "uidb64": "MQ",
    "token": "faux-jeton",
}


TOUTES = list(balayage.routes())
PROTEGEES = [m for m in TOUTES if m.name not in PUBLIQUES | PAR_JETON]
ORGANISATION = [
    m
    for m in TOUTES
    if "/organisation/" in str(m.pattern) or m.name in ("journee_nouvelle", "retour_test_ajouter")
]
DIRECTION = [m for m in TOUTES if m.name.startswith(("tableau_de_bord", "export_dg", "rapport"))]
CATEGORIES = {
    "publiques": PUBLIQUES,
    "par jeton": PAR_JETON,
    "agents": AGENTS,
    "pilotes": PILOTES,
    "organisation": {m.name for m in ORGANISATION},
    "direction": {m.name for m in DIRECTION},
}


def test_every_route_is_classified():
    noms = [m.name for m in TOUTES]
    assert len(noms) == len(set(noms)), "two routes share a name"
    classees = [nom for categorie in CATEGORIES.values() for nom in categorie]
    assert len(classees) == len(set(classees)), "a route is in two categories"
    assert set(noms) - set(classees) == set(), "routes to classify in tests/test_acces.py"
    assert set(classees) - set(noms) == set(), "classified routes that no longer exist"


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


ECRITURES_PILOTES = [m for m in TOUTES if m.name in PILOTES]


@pytest.mark.django_db
@pytest.mark.parametrize("motif", ECRITURES_PILOTES, ids=[m.name for m in ECRITURES_PILOTES])
def test_proposition_writes_refuse_whoever_does_not_pilot_it(client, dg, motif):
    from suivi.models import Jalon, PointAvancement, Proposition
    from tests.factories import AgentFactory, JalonFactory, PilotageFactory

    jalon = JalonFactory()
    proposition = jalon.proposition
    url = adresse(motif, pk=str(proposition.pk), jalon_pk=str(jalon.pk))
    donnees = {
        "version": proposition.version,
        "statut": "maquettee",
        "avancement": "50",
        "texte": "Intrusion",
        "titre": "Intrusion",
        "echeance": "2030-01-01",
    }
    for qui in (AgentFactory(), PilotageFactory().agent, dg):
        client.force_login(qui)
        for entetes in ({}, {"HTTP_HX_REQUEST": "true"}):
            assert client.post(url, donnees, **entetes).status_code == 403, (url, qui)
            assert client.get(url, **entetes).status_code in (403, 405), (url, qui)
    assert Proposition.objects.get(pk=proposition.pk).version == proposition.version
    assert not PointAvancement.objects.filter(proposition=proposition).exists()
    apres = Jalon.objects.get(pk=jalon.pk)
    assert (apres.titre, apres.echeance, apres.fait_le) == (jalon.titre, jalon.echeance, None)


@pytest.mark.django_db
@pytest.mark.parametrize("nom", sorted(PUBLIQUES - {"sante"}))
def test_public_pages_answer_without_login(client, nom):
    motif = next(m for m in TOUTES if m.name == nom)
    reponse = client.get(adresse(motif))
    # Single sign-on is off in the tests: its two addresses do not exist; a wrong reset link
    # shows its French explanation.
    attendu = 404 if nom.startswith("sso_") else 200
    assert reponse.status_code == attendu, (nom, reponse.status_code)


# --- The access rule each view states (faireadmin.permissions) -----------------------------
@pytest.mark.parametrize("motif", TOUTES, ids=[m.name for m in TOUTES])
def test_every_view_states_its_access_rule(motif):
    assert isinstance(getattr(motif.callback, "acces", None), Acces), (
        f"La vue « {motif.name} » ne dit pas qui y a accès : décorez-la avec connecte_requis, "
        "lab_requis, pilotage_requis ou public(raison) (faireadmin.permissions)."
    )


def test_the_views_marked_public_are_the_public_routes():
    publiques = {
        m.name for m in TOUTES if not getattr(m.callback, "acces", Acces("", True)).connexion
    }
    # Logging out needs no login: an expired session still gets its logout page.
    assert publiques == PUBLIQUES | PAR_JETON | {"deconnexion"}


@pytest.mark.django_db
@pytest.mark.parametrize("motif", TOUTES, ids=[m.name for m in TOUTES])
def test_every_view_states_its_methods(client, agent, motif):
    if motif.name not in PUBLIQUES | PAR_JETON:
        client.force_login(agent)  # past the login check of class-based views
    assert client.generic("PATCH", adresse(motif)).status_code == 405, (
        f"La vue « {motif.name} » accepte PATCH : décorez-la avec require_GET, require_POST "
        "ou require_http_methods."
    )
