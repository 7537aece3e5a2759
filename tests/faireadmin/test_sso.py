"""Single sign-on against a fake OpenID Connect provider speaking real HTTP (see
tests/fournisseur_oidc.py): agents matched by e-mail or created with their direction, forged or
misdirected tokens refused, password login kept for administrators only."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from faireadmin.models import Agent, EvenementSecurite
from tests.factories import MOT_DE_PASSE, AgentFactory, DirectionFactory
from tests.fournisseur_oidc import CLIENT_ID, ServeurOidc, nouvelle_cle
from tests.html import texte

pytestmark = pytest.mark.django_db


@pytest.fixture
def fournisseur(settings):
    serveur = ServeurOidc()
    with serveur as fournisseur:
        for nom, valeur in serveur.reglages().items():
            setattr(settings, nom, valeur)
        yield fournisseur


def se_connecter(client, fournisseur, **claims):
    """The browser's round trip: to the provider and back with a code."""
    depart = client.get(reverse("sso_debut"))
    assert depart.status_code == 302
    autorisation = urlparse(depart.url)
    assert depart.url.startswith(fournisseur.url("/authorize"))
    parametres = {k: v[0] for k, v in parse_qs(autorisation.query).items()}
    assert parametres["client_id"] == CLIENT_ID and parametres["response_type"] == "code"
    assert parametres["code_challenge_method"] == "S256"  # PKCE
    fournisseur.nonce = parametres["nonce"]
    fournisseur.claims = claims
    return client.get(reverse("sso_retour"), {"code": "code-1", "state": parametres["state"]})


def test_first_login_creates_the_agent_with_their_direction(client, fournisseur):
    direction = DirectionFactory(sigle="DRH")
    reponse = se_connecter(
        client,
        fournisseur,
        email="Nouvelle.Agente@Region.example",
        email_verified=True,
        given_name="Nouvelle",
        family_name="Agente",
        direction="drh",
    )
    assert reponse.status_code == 302 and reponse.url == reverse("programme")
    agent = Agent.objects.get(email="nouvelle.agente@region.example")
    assert (agent.first_name, agent.last_name, agent.direction) == ("Nouvelle", "Agente", direction)
    assert not agent.has_usable_password()
    assert int(client.session["_auth_user_id"]) == agent.pk
    assert client.get(reverse("programme")).status_code == 200
    evenement = EvenementSecurite.objects.get(nature="connexion")
    assert (evenement.agent, evenement.details["methode"]) == (agent, "sso")
    # The code went back to the provider with the client's secret and the PKCE verifier.
    (requete,) = fournisseur.requetes_jeton
    assert requete["code"] == ["code-1"] and requete["code_verifier"][0]


def test_an_existing_agent_is_matched_by_email(client, fournisseur):
    agent = AgentFactory(email="camille@region.example", first_name="Cam", direction=None)
    direction = DirectionFactory(nom="Direction des lycées", sigle="DLY")
    se_connecter(
        client,
        fournisseur,
        email="CAMILLE@region.example",
        given_name="Camille",
        family_name="Martin",
        direction="Direction des lycées",
    )
    assert Agent.objects.count() == 1
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name, agent.direction) == ("Camille", "Martin", direction)
    assert agent.has_usable_password()  # untouched: still there for the day SSO is off
    assert int(client.session["_auth_user_id"]) == agent.pk


def test_an_unknown_direction_leaves_it_empty(client, fournisseur):
    se_connecter(client, fournisseur, email="x@region.example", direction="Service inconnu")
    assert Agent.objects.get(email="x@region.example").direction is None


@pytest.mark.parametrize(
    "defaut",
    ["cle_contrefaite", "autre_application", "nonce_rejoue", "adresse_non_verifiee", "sans_email"],
)
def test_a_doubtful_answer_logs_no_one_in(client, fournisseur, defaut):
    claims = {"email": "pirate@region.example"}
    if defaut == "cle_contrefaite":
        fournisseur.cle_de_signature = nouvelle_cle()
    elif defaut == "autre_application":
        fournisseur.audience = "une-autre-application"
    elif defaut == "adresse_non_verifiee":
        claims["email_verified"] = False
    elif defaut == "sans_email":
        claims = {"sub": "123"}
    if defaut == "nonce_rejoue":
        depart = client.get(reverse("sso_debut"))
        etat = parse_qs(urlparse(depart.url).query)["state"][0]
        fournisseur.nonce, fournisseur.claims = "un-autre-nonce", claims
        reponse = client.get(reverse("sso_retour"), {"code": "c", "state": etat})
    else:
        reponse = se_connecter(client, fournisseur, **claims)
    assert reponse.status_code == 302 and reponse.url == "/connexion/?sso=echec"
    assert "_auth_user_id" not in client.session
    assert not Agent.objects.exists()
    echec = EvenementSecurite.objects.get(nature="echec_connexion")
    assert echec.details["methode"] == "sso" and echec.adresse_ip == "127.0.0.1"
    page = texte(client.get(reponse.url))
    assert "La connexion par le compte de la Région n'a pas abouti." in page


def test_a_state_from_nowhere_is_refused(client, fournisseur):
    client.get(reverse("sso_debut"))
    fournisseur.claims = {"email": "x@region.example"}
    reponse = client.get(reverse("sso_retour"), {"code": "c", "state": "forge"})
    assert reponse.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
    assert not fournisseur.requetes_jeton  # the code was never exchanged


def test_a_deactivated_agent_cannot_come_back_through_sso(client, fournisseur):
    AgentFactory(email="parti@region.example", is_active=False)
    reponse = se_connecter(client, fournisseur, email="parti@region.example")
    assert reponse.url == "/connexion/?sso=echec"
    assert "_auth_user_id" not in client.session


def test_an_sso_session_ends_when_the_agent_is_deactivated(client, fournisseur):
    se_connecter(client, fournisseur, email="camille@region.example")
    assert client.get(reverse("programme")).status_code == 200
    Agent.objects.filter(email="camille@region.example").update(is_active=False)
    reponse = client.get(reverse("programme"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))


def test_with_sso_password_login_is_for_administrators_only(client, fournisseur):
    AgentFactory(email="agent@region.example")
    AgentFactory(email="admin@region.example", is_staff=True)
    page = texte(client.get(reverse("connexion")))
    assert "Se connecter avec mon compte de la Région" in page
    refus = client.post(
        reverse("connexion"), {"username": "agent@region.example", "password": MOT_DE_PASSE}
    )
    assert "la connexion par mot de passe est réservée aux administrateurs" in texte(refus)
    assert "_auth_user_id" not in client.session
    admin = client.post(
        reverse("connexion"), {"username": "admin@region.example", "password": MOT_DE_PASSE}
    )
    assert admin.status_code == 302


def test_without_sso_there_is_no_button_and_no_route(client):
    assert "compte de la Région" not in texte(client.get(reverse("connexion")))
    assert client.get(reverse("sso_debut")).status_code == 404
    assert client.get(reverse("sso_retour"), {"code": "c", "state": "s"}).status_code == 404
