"""The outbox, in this process (tasks run eagerly, as with `make run`)."""

import datetime as dt
from io import StringIO

import pytest
from celery import current_app
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from faireadmin import outbox
from faireadmin.models import Agent, Notification
from tests.factories import AgentFactory
from tests.vrais_services import port_libre

pytestmark = pytest.mark.django_db

Statut = Notification.Statut


def ecrire(**modifs):
    valeurs = {
        "nature": "essai",
        "objet": "objet:1",
        "destinataire": "ines@region.example",
        "sujet": "Bonjour",
        "corps": "Un message.",
    }
    return outbox.notifier(**{**valeurs, **modifs})


@pytest.fixture
def smtp_en_panne(settings):
    """The real SMTP backend, towards a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port_libre(), 1


def test_a_notification_exists_only_if_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ecrire()
        transaction.set_rollback(True)
    assert not Notification.objects.exists() and mail.outbox == []


def test_it_is_sent_after_commit_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = ecrire(
            pieces_jointes=[outbox.piece_jointe("a.ics", "BEGIN:VCALENDAR", "text/calendar")]
        )
    (message,) = mail.outbox
    assert (message.to, message.subject, message.attachments[0][0]) == (
        ["ines@region.example"],
        "Bonjour",
        "a.ics",
    )
    notification.refresh_from_db()
    assert (notification.statut, notification.tentatives) == (Statut.ENVOYEE, 1)
    assert outbox.envoyer(notification.pk) is None  # a redelivered task does nothing
    assert len(mail.outbox) == 1


def test_the_same_key_is_written_once():
    agent = AgentFactory()
    assert ecrire(destinataire=agent, periode="2026-S48") is not None
    assert ecrire(destinataire=agent, periode="2026-S48") is None
    assert ecrire(destinataire=agent, periode="2026-S49") is not None
    assert Notification.objects.filter(agent=agent).count() == 2


def test_a_transient_failure_is_retried_later_then_given_up(smtp_en_panne):
    notification = ecrire()
    avant = timezone.now()
    outbox.envoyer(notification.pk)
    notification.refresh_from_db()
    assert (notification.statut, notification.tentatives) == (Statut.EN_ATTENTE, 1)
    assert "ConnectionRefusedError" in notification.derniere_erreur
    assert notification.prochaine_tentative >= avant + dt.timedelta(minutes=1)
    assert outbox.envoyer(notification.pk) is None  # not due yet: no attempt spent early
    for _ in range(outbox.TENTATIVES_MAX - 1):
        # Time passes until the retry is due.
        Notification.objects.filter(pk=notification.pk).update(prochaine_tentative=timezone.now())
        outbox.envoyer(notification.pk)
    notification.refresh_from_db()
    assert (notification.statut, notification.tentatives) == (Statut.ECHEC, outbox.TENTATIVES_MAX)
    assert outbox.envoyer(notification.pk) is None  # never retried forever
    assert notification.pk not in outbox.a_balayer(timezone.now() + dt.timedelta(days=1))


def test_the_backoff_grows_and_stays_under_the_visibility_timeout(settings):
    delais = [outbox.delai_avant_nouvel_essai(n).total_seconds() for n in range(1, 9)]
    assert delais == sorted(delais) and delais[0] == 60
    visibilite = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(delais) < visibilite


def test_the_sweep_takes_what_waits_past_its_grace_delay():
    en_retard = ecrire(objet="objet:1")
    recente = ecrire(objet="objet:2")
    envoyee = ecrire(objet="objet:3")
    Notification.objects.filter(pk__in=[en_retard.pk, envoyee.pk]).update(
        prochaine_tentative=timezone.now() - dt.timedelta(minutes=1)
    )
    Notification.objects.filter(pk=envoyee.pk).update(statut=Statut.ENVOYEE)
    assert outbox.a_balayer() == [en_retard.pk]
    assert recente.pk in outbox.a_balayer(timezone.now() + dt.timedelta(minutes=3))


def test_the_sweep_job_sends_what_waits(django_capture_on_commit_callbacks):
    notification = ecrire()
    Notification.objects.update(prochaine_tentative=timezone.now())
    assert current_app.tasks["faireadmin.balayer_notifications"].apply().get() == 1
    notification.refresh_from_db()
    assert notification.statut == Statut.ENVOYEE and len(mail.outbox) == 1


def test_admins_see_the_outbox_and_retry_failures(client):
    admin = Agent.objects.create_superuser("root@region.example", "x" * 12)
    client.force_login(admin)
    echec = ecrire(objet="objet:1")
    Notification.objects.filter(pk=echec.pk).update(
        statut=Statut.ECHEC, tentatives=6, derniere_erreur="SMTP indisponible"
    )
    liste = client.get(
        reverse("admin:faireadmin_notification_changelist"), {"statut__exact": "echec"}
    )
    assert "SMTP indisponible" not in liste.content.decode()  # the list stays short
    assert "Bonjour" in liste.content.decode()
    fiche = client.get(reverse("admin:faireadmin_notification_change", args=[echec.pk]))
    assert "SMTP indisponible" in fiche.content.decode()
    client.post(
        reverse("admin:faireadmin_notification_changelist"),
        {"action": "reessayer", "_selected_action": [echec.pk]},
    )
    echec.refresh_from_db()
    assert (echec.statut, echec.tentatives) == (Statut.EN_ATTENTE, 0)


def test_publishing_never_raises_and_pauses_after_a_broker_failure(settings):
    from tests.vrais_services import broker

    with broker(f"redis://127.0.0.1:{port_libre()}/0"):
        outbox.publier(1)  # nothing listens: logged, not raised
        assert outbox._broker_en_panne_jusqua > 0


# --- Schedule and operators ---------------------------------------------------------------
def test_the_schedule_is_in_the_database_and_names_real_tasks():
    current_app.loader.import_default_modules()
    taches = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert taches == {
        "faireadmin.balayer_notifications": True,
        "journees.rappels_j2": True,
        "suivi.etats_mensuels": True,
        "suivi.rappels_pilotes": True,
        "suivi.resume_hebdomadaire": True,
        "suivi.rapport_hebdomadaire": True,
        "suivi.rapport_mensuel": True,
        "journees.effacer_besoins": True,
        "faireadmin.purger_journal_securite": True,
        "faireadmin.nettoyer": True,
    }
    assert all(nom in current_app.tasks for nom in taches)
    assert PeriodicTask.objects.get(task="journees.rappels_j2").crontab.timezone.key == (
        "Europe/Paris"
    )


def test_run_job_lists_and_runs_the_jobs():
    sortie = StringIO()
    call_command("run_job", stdout=sortie)
    for nom in ("balayer_notifications", "rappels_j2", "rappels_pilotes", "resume_hebdomadaire"):
        assert nom in sortie.getvalue()
    sortie = StringIO()
    call_command("run_job", "rappels_j2", stdout=sortie)
    assert "rappels_j2 : terminé (0)." in sortie.getvalue()
    with pytest.raises(CommandError, match="Tâche inconnue"):
        call_command("run_job", "envoyer_notification")
