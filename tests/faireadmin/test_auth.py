import pytest
from django.urls import reverse

from tests.factories import MOT_DE_PASSE, AgentFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_french(client):
    response = client.get(reverse("connexion"))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert '<html lang="fr">' in contenu
    assert "Adresse e-mail" in contenu and "Mot de passe" in contenu


def test_login_by_email_leads_to_the_programme(client):
    agent = AgentFactory(email="camille@region.example")
    response = client.post(
        reverse("connexion"), {"username": "camille@region.example", "password": MOT_DE_PASSE}
    )
    assert response.status_code == 302
    assert response.url == reverse("programme")
    assert int(client.session["_auth_user_id"]) == agent.pk


def test_login_ignores_the_case_of_the_email(client):
    AgentFactory(email="camille@region.example")
    response = client.post(
        reverse("connexion"), {"username": "Camille@Region.EXAMPLE", "password": MOT_DE_PASSE}
    )
    assert response.status_code == 302


def test_wrong_password_gives_a_french_error_and_no_session(client):
    AgentFactory(email="camille@region.example")
    response = client.post(
        reverse("connexion"), {"username": "camille@region.example", "password": "mauvais"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_agent_cannot_log_in(client):
    AgentFactory(email="parti@region.example", is_active=False)
    response = client.post(
        reverse("connexion"), {"username": "parti@region.example", "password": MOT_DE_PASSE}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_invalid_email_is_reported_next_to_the_field(client):
    response = client.post(reverse("connexion"), {"username": "pas-un-email", "password": "x"})
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Saisissez une adresse e-mail valide" in contenu
    assert 'aria-invalid="true"' in contenu


def test_empty_fields_are_reported_in_french(client):
    contenu = client.post(reverse("connexion"), {}).content.decode()
    assert "Saisissez votre adresse e-mail." in contenu
    assert "Saisissez votre mot de passe." in contenu


def test_login_respects_next(client):
    AgentFactory(email="camille@region.example")
    response = client.post(
        reverse("connexion") + "?next=/sujets/x/",
        {"username": "camille@region.example", "password": MOT_DE_PASSE, "next": "/sujets/x/"},
    )
    assert response.url == "/sujets/x/"


def test_logout_is_a_post_and_ends_the_session(client_agent):
    assert client_agent.get(reverse("deconnexion")).status_code == 405
    response = client_agent.post(reverse("deconnexion"))
    assert response.status_code == 302
    assert response.url == reverse("connexion")
    assert "_auth_user_id" not in client_agent.session


def test_pages_require_login(client):
    response = client.get(reverse("programme"))
    assert response.status_code == 302
    assert response.url == f"{reverse('connexion')}?next=/"
