import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from faireadmin.models import BattementWorker, Notification

pytestmark = pytest.mark.django_db


def sante(client) -> dict:
    response = client.get(reverse("sante"))
    assert response.status_code == 200
    return response.json()


def test_health_reports_database_broker_worker_and_outbox_without_login(client, settings):
    assert settings.REDIS_URL, "la suite tourne avec un Redis réel (REDIS_URL)"
    BattementWorker.objects.create(nom="celery@web", vu_le=timezone.now() - dt.timedelta(seconds=5))
    assert sante(client) == {
        "statut": "ok",
        "base_de_donnees": "ok",
        "broker": "ok",
        "worker": "ok",
        "worker_vu_il_y_a_s": 5,
        "notifications": "ok",
        "notification_en_attente_la_plus_ancienne_s": None,
    }


def test_health_reports_a_broker_outage_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    BattementWorker.objects.create(nom="celery@web", vu_le=timezone.now())
    etat = sante(client)
    assert (etat["statut"], etat["broker"]) == ("dégradé", "indisponible")


def test_health_says_when_no_worker_was_heard_lately(client, settings):
    BattementWorker.objects.create(
        nom="celery@mort", vu_le=timezone.now() - dt.timedelta(seconds=121)
    )
    etat = sante(client)
    assert (etat["statut"], etat["worker"], etat["worker_vu_il_y_a_s"]) == (
        "dégradé",
        "silencieux",
        121,
    )
    BattementWorker.objects.all().delete()
    etat = sante(client)
    assert (etat["statut"], etat["worker"], etat["worker_vu_il_y_a_s"]) == (
        "dégradé",
        "silencieux",
        None,
    )


def test_health_gives_the_age_of_the_oldest_waiting_email(client):
    from tests.factories import NotificationFactory

    BattementWorker.objects.create(nom="celery@web", vu_le=timezone.now())
    NotificationFactory(cree_le=timezone.now() - dt.timedelta(minutes=3))
    etat = sante(client)
    assert (etat["statut"], etat["notifications"]) == ("ok", "ok")
    assert etat["notification_en_attente_la_plus_ancienne_s"] == 180
    NotificationFactory(cree_le=timezone.now() - dt.timedelta(minutes=16))
    NotificationFactory(
        cree_le=timezone.now() - dt.timedelta(days=2), statut=Notification.Statut.ENVOYEE
    )
    etat = sante(client)
    assert (etat["statut"], etat["notifications"]) == ("dégradé", "en retard")
    assert etat["notification_en_attente_la_plus_ancienne_s"] == 16 * 60


def test_health_without_broker_is_the_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    etat = sante(client)
    assert (etat["statut"], etat["broker"], etat["worker"]) == (
        "ok",
        "non configuré",
        "non configuré",
    )


def test_health_is_reachable_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("sante")).status_code == 200
    assert client.get(reverse("connexion")).status_code == 301


def test_health_only_answers_get(client):
    assert client.post(reverse("sante")).status_code == 405


def test_a_heartbeat_is_not_a_change_of_the_data(django_capture_on_commit_callbacks):
    """Every 30 s per worker: if it moved the cache's version, no page would stay cached."""
    from faireadmin import cache

    avant = cache.version(*cache.portees.GLOBALES)
    with django_capture_on_commit_callbacks(execute=True):
        BattementWorker.objects.update_or_create(
            nom="celery@web", defaults={"vu_le": timezone.now()}
        )
    assert cache.version(*cache.portees.GLOBALES) == avant


def test_old_heartbeats_are_purged_at_night():
    from faireadmin.tasks import base_nettoyer

    BattementWorker.objects.create(nom="ancien", vu_le=timezone.now() - dt.timedelta(days=8))
    BattementWorker.objects.create(nom="recent", vu_le=timezone.now() - dt.timedelta(days=1))
    base_nettoyer()
    assert list(BattementWorker.objects.values_list("nom", flat=True)) == ["recent"]
