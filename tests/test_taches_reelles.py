"""The jobs with real parts: a Redis server, Celery workers in their own processes, an SMTP
server. Data is committed (transactional tests) so that the workers see it."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from faireadmin.models import Notification
from journees.models import Inscription
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory
from tests.vrais_services import (
    BoiteSmtp,
    RedisJetable,
    ServeurMuet,
    WorkerCelery,
    attendre,
    broker,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis():
    serveur = RedisJetable()
    serveur.demarrer()
    yield serveur
    serveur.arreter()


@pytest.fixture
def smtp():
    with BoiteSmtp() as boite:
        yield boite


@pytest.fixture
def workers():
    demarres: list[WorkerCelery] = []

    def demarrer(**kwargs) -> WorkerCelery:
        worker = WorkerCelery(**kwargs, nom=f"travailleur{len(demarres)}")
        demarres.append(worker)
        return worker.demarrer()

    yield demarrer
    for worker in demarres:
        worker.arreter()


def s_inscrire(client, journee, agent):
    client.force_login(agent)
    return client.post(reverse("journee_inscription", kwargs={"pk": journee.pk}))


def deverrouillees() -> bool:
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            list(Notification.objects.select_for_update(nowait=True))
    except DatabaseError:
        return False
    return True


def plus_rien_ne_bouge(smtp: BoiteSmtp, attendus: int) -> None:
    attendre(lambda: len(smtp.messages) >= attendus, message=f"{attendus} e-mail(s) attendu(s)")
    time.sleep(1.0)  # a duplicate would have arrived by now


def test_a_registration_gives_exactly_one_confirmation(client, redis, smtp, workers):
    workers(broker=redis.url, smtp=smtp.url)
    agent = AgentFactory(email="ines@region.example")
    with broker(redis.url):
        reponse = s_inscrire(client, JourneeFactory(), agent)
    assert reponse.status_code == 302
    plus_rien_ne_bouge(smtp, 1)
    assert smtp.destinataires() == ["ines@region.example"]
    assert Notification.objects.get().statut == Notification.Statut.ENVOYEE


def test_the_j2_job_run_twice_on_two_workers_sends_once(redis, smtp, workers):
    from journees.tasks import rappels_j2_envoyer

    journee = JourneeFactory(date=timezone.localdate() + dt.timedelta(days=2))
    inscrits = [InscriptionFactory(journee=journee).agent.email for _ in range(3)]
    InscriptionFactory(journee=journee, statut=Inscription.Statut.ANNULEE)
    InscriptionFactory(journee=JourneeFactory(date=timezone.localdate() + dt.timedelta(days=3)))
    workers(broker=redis.url, smtp=smtp.url)
    workers(broker=redis.url, smtp=smtp.url)
    with broker(redis.url):
        rappels_j2_envoyer.delay()
        rappels_j2_envoyer.delay()
    plus_rien_ne_bouge(smtp, 3)
    assert smtp.destinataires() == sorted(inscrits)
    assert {m.rcpt_tos[0] for m in smtp.messages} == set(inscrits)


def test_a_worker_killed_while_sending_loses_nothing(client, redis, smtp, workers, settings):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "SECONDES_AVANT_BALAYAGE": 0}
    agent = AgentFactory(email="reprise@region.example")
    with ServeurMuet() as smtp_bloque:
        premier = workers(broker=redis.url, smtp=f"smtp://127.0.0.1:{smtp_bloque.port}")
        with broker(redis.url):
            s_inscrire(client, JourneeFactory(), agent)
        attendre(
            lambda: premier.a_commence("faireadmin.envoyer_notification"),
            message="le premier worker ne prend pas la tâche",
        )
        time.sleep(0.5)  # now waiting for the SMTP server's greeting, the row locked
        premier.tuer()
    assert Notification.objects.get().statut == Notification.Statut.EN_ATTENTE

    workers(broker=redis.url, smtp=smtp.url)
    from faireadmin.tasks import notifications_balayer

    with broker(redis.url):
        notifications_balayer.delay()
    plus_rien_ne_bouge(smtp, 1)
    assert smtp.destinataires() == ["reprise@region.example"]


def test_redis_down_during_a_registration_then_back_the_mail_arrives_once(
    client, redis, smtp, workers, settings
):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "SECONDES_AVANT_BALAYAGE": 0}
    agent = AgentFactory(email="patiente@region.example")
    redis.arreter()
    with broker(redis.url):
        reponse = s_inscrire(client, JourneeFactory(), agent)
    assert reponse.status_code == 302  # the agent sees no error
    assert agent.inscriptions.get().statut == Inscription.Statut.CONFIRMEE
    assert Notification.objects.get().statut == Notification.Statut.EN_ATTENTE

    redis.demarrer()
    workers(broker=redis.url, smtp=smtp.url)
    from faireadmin.tasks import notifications_balayer

    with broker(redis.url):
        notifications_balayer.delay()
        notifications_balayer.delay()  # beat may well run it twice
    plus_rien_ne_bouge(smtp, 1)
    assert smtp.destinataires() == ["patiente@region.example"]


def test_a_broker_that_never_answers_does_not_hang_the_request(client):
    agent = AgentFactory()
    journee = JourneeFactory()
    with ServeurMuet() as muet, broker(f"redis://127.0.0.1:{muet.port}/0"):
        debut = time.monotonic()
        reponse = s_inscrire(client, journee, agent)
        duree = time.monotonic() - debut
        # Right after, the broker is left alone: no second wait.
        debut = time.monotonic()
        s_inscrire(client, JourneeFactory(), AgentFactory())
        seconde = time.monotonic() - debut
    assert reponse.status_code == 302
    assert duree < 2.0, f"{duree:.2f} s"
    assert seconde < 0.5, f"{seconde:.2f} s"
    assert journee.inscriptions.get().agent == agent
    assert Notification.objects.filter(statut=Notification.Statut.EN_ATTENTE).count() == 2


def test_a_registration_with_redis_stopped_answers_at_once(client, redis):
    redis.arreter()  # nothing listens on its port any more
    agent = AgentFactory()
    with broker(redis.url):
        debut = time.monotonic()
        reponse = s_inscrire(client, JourneeFactory(), agent)
        duree = time.monotonic() - debut
    assert reponse.status_code == 302
    assert duree < 2.0, f"{duree:.2f} s"
    assert agent.inscriptions.exists()


def test_the_health_probe_hears_a_live_worker_and_not_a_dead_one(
    client, redis, smtp, workers, settings
):
    from faireadmin.models import BattementWorker

    settings.REDIS_URL = redis.url
    settings.FAIREADMIN = {**settings.FAIREADMIN, "SECONDES_WORKER_SILENCIEUX": 2}
    worker = workers(broker=redis.url, smtp=smtp.url, SECONDES_BATTEMENT_WORKER="1")
    attendre(BattementWorker.objects.exists, message="aucun battement du worker")
    premier = BattementWorker.objects.get().vu_le
    attendre(lambda: BattementWorker.objects.get().vu_le > premier, message="un seul battement")
    etat = client.get(reverse("sante")).json()
    assert (etat["statut"], etat["worker"]) == ("ok", "ok")
    assert etat["worker_vu_il_y_a_s"] <= 2

    worker.tuer()
    time.sleep(3)
    etat = client.get(reverse("sante")).json()
    assert (etat["statut"], etat["worker"]) == ("dégradé", "silencieux")
    assert etat["worker_vu_il_y_a_s"] >= 3


def test_a_worker_killed_while_saying_goodbye_to_smtp_sends_nothing_twice(
    client, redis, workers, settings
):
    """The server took the e-mail ("250"), then never answers QUIT: the notification is
    already committed as sent, so the worker killed there leaves nothing to resend."""
    settings.FAIREADMIN = {**settings.FAIREADMIN, "SECONDES_AVANT_BALAYAGE": 0}
    agent = AgentFactory(email="une-fois@region.example")
    with BoiteSmtp(sans_au_revoir=True) as lente:
        # It would wait 30 s for the server's goodbye.
        premier = workers(broker=redis.url, smtp=lente.url, EMAIL_TIMEOUT="30")
        with broker(redis.url):
            s_inscrire(client, JourneeFactory(), agent)
        attendre(lambda: len(lente.messages) == 1, message="l'e-mail n'arrive pas")
        attendre(
            lambda: Notification.objects.get().statut == Notification.Statut.ENVOYEE,
            delai=3,
            message="l'envoi n'est pas enregistré avant l'au revoir au serveur",
        )
        premier.tuer()  # stuck in QUIT
    with BoiteSmtp() as smtp:
        workers(broker=redis.url, smtp=smtp.url)
        from faireadmin.tasks import notifications_balayer

        with broker(redis.url):
            notifications_balayer.delay()
        time.sleep(2)
        assert smtp.messages == []


def test_a_resend_after_a_crash_at_the_wrong_millisecond_keeps_its_message_id(
    client, redis, workers, settings
):
    """A worker killed between the server's "250" and its commit (held here by a trigger that
    slows the UPDATE down) sends the e-mail again: with the same Message-ID."""
    from django.db import connection

    settings.FAIREADMIN = {**settings.FAIREADMIN, "SECONDES_AVANT_BALAYAGE": 0}
    with connection.cursor() as curseur:
        curseur.execute(
            "CREATE FUNCTION lente() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(2); "
            "RETURN NEW; END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER lente BEFORE UPDATE ON faireadmin_notification FOR EACH ROW "
            "WHEN (NEW.statut = 'envoyee') EXECUTE FUNCTION lente();"
        )
    try:
        with BoiteSmtp() as premiere:
            premier = workers(broker=redis.url, smtp=premiere.url)
            with broker(redis.url):
                s_inscrire(client, JourneeFactory(), AgentFactory(email="deux@region.example"))
            attendre(lambda: len(premiere.messages) == 1, message="l'e-mail n'arrive pas")
            premier.tuer()  # the server has it; the worker dies before its commit
    finally:
        with connection.cursor() as curseur:
            curseur.execute("DROP TRIGGER lente ON faireadmin_notification; DROP FUNCTION lente();")
    # The killed worker's transaction ends (rolled back) once its UPDATE returns.
    attendre(deverrouillees, message="la notification reste verrouillée")
    assert Notification.objects.get().statut == Notification.Statut.EN_ATTENTE
    with BoiteSmtp() as seconde:
        workers(broker=redis.url, smtp=seconde.url)
        from faireadmin.tasks import notifications_balayer

        with broker(redis.url):
            notifications_balayer.delay()
        plus_rien_ne_bouge(seconde, 1)
    assert seconde.identifiants() == premiere.identifiants()
    assert premiere.identifiants()[0].startswith("<notification.")


def test_the_worker_survives_broker_losses_while_a_task_runs(redis, workers, settings):
    """The worker as docker-compose runs it; at each loss of Redis, a task is running (an
    e-mail to a slow server), its message not yet acknowledged. Celery 5.7.0 exited there,
    every time (« Unrecoverable error: AttributeError 'NoneType' object has no attribute
    'hostname' »): pinned below it, the worker reconnects each time."""
    from django.db import transaction

    from faireadmin import outbox

    with BoiteSmtp(lenteur=3) as lente:
        worker = workers(broker=redis.url, smtp=lente.url, production=True)
        for perte in range(5):
            with broker(redis.url), transaction.atomic():
                outbox.notifier(
                    nature="essai",
                    objet=f"perte:{perte}",
                    destinataire=f"perte{perte}@region.example",
                    sujet="Un envoi lent",
                    corps="…",
                )
            attendre(
                lambda perte=perte: worker.compter("envoyer_notification", "received") > perte,
                message="le worker ne prend pas la tâche",
            )
            time.sleep(0.5)  # the e-mail is being sent: its message is not acknowledged
            redis.arreter()
            time.sleep(1)
            redis.demarrer()
            attendre(
                lambda perte=perte: worker.compter("Connected to redis") > perte + 1,
                delai=30,
                message="le worker ne se reconnecte pas :\n" + "\n".join(worker.journal[-30:]),
            )
            assert worker.vivant(), "\n".join(worker.journal[-40:])
    assert not any("Unrecoverable error" in ligne for ligne in worker.journal)
