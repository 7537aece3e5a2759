import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker_without_login(client, settings):
    assert settings.REDIS_URL, "la suite tourne avec un Redis réel (REDIS_URL)"
    response = client.get(reverse("sante"))
    assert response.status_code == 200
    assert response.json() == {"statut": "ok", "base_de_donnees": "ok", "broker": "ok"}


def test_health_reports_a_broker_outage_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("sante"))
    assert response.status_code == 200
    assert response.json() == {
        "statut": "dégradé",
        "base_de_donnees": "ok",
        "broker": "indisponible",
    }


def test_health_without_broker_is_the_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    assert response_json(client) == {
        "statut": "ok",
        "base_de_donnees": "ok",
        "broker": "non configuré",
    }


def test_health_is_reachable_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("sante")).status_code == 200
    assert client.get(reverse("connexion")).status_code == 301


def test_health_only_answers_get(client):
    assert client.post(reverse("sante")).status_code == 405


def response_json(client):
    return client.get(reverse("sante")).json()
