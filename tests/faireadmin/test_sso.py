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
    if "sub" not in claims:  # a well-behaved provider: a subject, a verified address
        claims = {"sub": f"sub-{claims['email'].lower()}", "email_verified": True, **claims}
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
    creation = EvenementSecurite.objects.get(nature="compte_cree")
    assert (creation.agent, creation.details["direction"]) == (agent, str(direction))
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
    [
        "cle_contrefaite",
        "autre_application",
        "nonce_rejoue",
        "adresse_non_verifiee",
        "verification_non_dite",
        "sans_email",
        "email_nul",
        "sans_sujet",
    ],
)
def test_a_doubtful_answer_logs_no_one_in(client, fournisseur, defaut):
    claims = {"email": "pirate@region.example"}
    if defaut == "cle_contrefaite":
        fournisseur.cle_de_signature = nouvelle_cle()
    elif defaut == "autre_application":
        fournisseur.audience = "une-autre-application"
    elif defaut == "adresse_non_verifiee":
        claims["email_verified"] = False
    elif defaut == "verification_non_dite":
        claims = {"sub": "s", "email": "pirate@region.example"}  # no email_verified
    elif defaut == "sans_email":
        claims = {"sub": "123"}
    elif defaut == "email_nul":
        claims = {"sub": "123", "email": None, "email_verified": True}
    elif defaut == "sans_sujet":
        claims = {"email": "pirate@region.example", "email_verified": True, "sub": ""}
    if defaut == "nonce_rejoue":
        depart = client.get(reverse("sso_debut"))
        etat = parse_qs(urlparse(depart.url).query)["state"][0]
        fournisseur.nonce = "un-autre-nonce"
        fournisseur.claims = {"sub": "s", "email_verified": True, **claims}
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


def test_adfs_may_be_trusted_without_email_verified(client, fournisseur, settings):
    settings.OIDC_EMAIL_VERIFIE_OBLIGATOIRE = False
    depart = client.get(reverse("sso_debut"))
    parametres = {k: v[0] for k, v in parse_qs(urlparse(depart.url).query).items()}
    fournisseur.nonce = parametres["nonce"]
    fournisseur.claims = {"sub": "adfs-1", "email": "x@region.example"}
    client.get(reverse("sso_retour"), {"code": "c", "state": parametres["state"]})
    assert Agent.objects.get().email == "x@region.example"


def test_the_agent_is_bound_to_the_providers_subject(client, fournisseur):
    verifiee = {"email_verified": True}
    se_connecter(client, fournisseur, email="camille@region.example", sub="s-1", **verifiee)
    agent = Agent.objects.get()
    assert agent.identifiant_sso == "s-1"
    client.post(reverse("deconnexion"))
    # The directory changed her address: same subject, same account, new address.
    se_connecter(client, fournisseur, email="camille.martin@region.example", sub="s-1", **verifiee)
    agent.refresh_from_db()
    assert Agent.objects.count() == 1 and agent.email == "camille.martin@region.example"
    client.post(reverse("deconnexion"))
    # Someone else, later given the address, is not let into her account.
    reponse = se_connecter(
        client, fournisseur, email="camille.martin@region.example", sub="s-2", **verifiee
    )
    assert reponse.url == "/connexion/?sso=echec" and "_auth_user_id" not in client.session


def test_administrators_do_not_come_in_through_sso(client, fournisseur):
    AgentFactory(email="admin@region.example", is_staff=True)
    reponse = se_connecter(client, fournisseur, email="admin@region.example")
    assert reponse.url == "/connexion/?sso=echec" and "_auth_user_id" not in client.session
    assert EvenementSecurite.objects.filter(
        nature="echec_connexion", details__motif__icontains="mot de passe"
    ).exists()


def test_a_code_slipped_into_the_password_form_is_not_exchanged(client, fournisseur):
    AgentFactory(email="admin@region.example", is_staff=True)
    fournisseur.claims = {"sub": "s", "email": "admin@region.example", "email_verified": True}
    for adresse in (reverse("connexion"), reverse("admin:login")):
        client.post(
            f"{adresse}?code=c&state=s", {"username": "x@region.example", "password": "faux"}
        )
    assert fournisseur.requetes_jeton == []
    assert "_auth_user_id" not in client.session


def test_a_state_from_nowhere_is_refused_and_logged(client, fournisseur):
    client.get(reverse("sso_debut"))
    fournisseur.claims = {"sub": "s", "email": "x@region.example", "email_verified": True}
    reponse = client.get(reverse("sso_retour"), {"code": "c", "state": "forge"})
    assert reponse.status_code == 302 and reponse.url == "/connexion/?sso=echec"
    assert "_auth_user_id" not in client.session
    assert not fournisseur.requetes_jeton  # the code was never exchanged
    assert EvenementSecurite.objects.filter(nature="echec_connexion").exists()


def test_a_deactivated_agent_cannot_come_back_through_sso(client, fournisseur):
    AgentFactory(email="parti@region.example", is_active=False)
    reponse = se_connecter(client, fournisseur, email="parti@region.example")
    assert reponse.url == "/connexion/?sso=echec"
    assert "_auth_user_id" not in client.session
    echec = EvenementSecurite.objects.get(nature="echec_connexion")
    assert echec.details["motif"] == "compte désactivé"


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
    # The same answer as a wrong password: the page does not tell the password was right.
    assert "le mot de passe est réservé aux administrateurs" in texte(refus)
    faux = client.post(
        reverse("connexion"), {"username": "agent@region.example", "password": "faux"}
    )
    assert texte(faux).split("Connexion", 1)[1] == texte(refus).split("Connexion", 1)[1]
    assert "_auth_user_id" not in client.session
    admin = client.post(
        reverse("connexion"), {"username": "admin@region.example", "password": MOT_DE_PASSE}
    )
    assert admin.status_code == 302


def test_without_sso_there_is_no_button_and_no_route(client):
    assert "compte de la Région" not in texte(client.get(reverse("connexion")))
    assert client.get(reverse("sso_debut")).status_code == 404
    assert client.get(reverse("sso_retour"), {"code": "c", "state": "s"}).status_code == 404
