"""A rush of registrations on real PostgreSQL, from real threads, each with its own connection.

A naive count-then-insert overbooks here; the journée row lock must not."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from journees import services
from journees.models import Inscription
from journees.services import verrous
from tests.factories import AgentFactory, JourneeFactory

pytestmark = pytest.mark.django_db(transaction=True)

Statut = Inscription.Statut


def en_meme_temps(actions):
    """Runs the actions in as many threads, released together by a barrier."""
    barriere = threading.Barrier(len(actions))

    def lancer(action):
        try:
            barriere.wait()
            return action()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(actions)) as executeur:
        return list(executeur.map(lancer, actions))


def rangs_attente(journee):
    return list(
        journee.inscriptions.filter(statut=Statut.ATTENTE)
        .order_by("rang_attente")
        .values_list("rang_attente", flat=True)
    )


def test_fifty_agents_at_once_for_ten_seats():
    assert connection.vendor == "postgresql"
    journee = JourneeFactory(capacite=10)
    agents = AgentFactory.create_batch(50)

    en_meme_temps(
        [
            lambda agent=agent: services.inscription_creer(
                journee=journee.pk, agent=agent, acteur=agent
            )
            for agent in agents
        ]
    )

    assert journee.inscriptions.filter(statut=Statut.CONFIRMEE).count() == 10
    assert rangs_attente(journee) == list(range(1, 41))
    assert journee.inscriptions.values("agent").distinct().count() == 50


def test_concurrent_cancellations_promote_exactly_as_many():
    journee = JourneeFactory(capacite=10)
    agents = AgentFactory.create_batch(40)
    inscriptions = [
        services.inscription_creer(journee=journee, agent=agent, acteur=agent)[0]
        for agent in agents
    ]
    confirmees = [i for i in inscriptions if i.statut == Statut.CONFIRMEE]
    attente = [i for i in inscriptions if i.statut == Statut.ATTENTE]
    partants = confirmees[:6] + attente[5:10]  # six seats freed, five leave the list

    en_meme_temps(
        [
            lambda i=i: services.inscription_annuler(inscription=i.pk, acteur=i.agent)
            for i in partants
        ]
    )

    assert journee.inscriptions.filter(statut=Statut.CONFIRMEE).count() == 10
    assert journee.inscriptions.filter(statut=Statut.ANNULEE).count() == 11
    assert rangs_attente(journee) == list(range(1, 40 - 10 - 11 + 1))
    # Seats went to the head of the list, and the list kept its order.
    position = {inscription.pk: n for n, inscription in enumerate(attente)}
    promus = set(
        journee.inscriptions.filter(statut=Statut.CONFIRMEE).values_list("pk", flat=True)
    ) - {i.pk for i in confirmees}
    encore = list(
        journee.inscriptions.filter(statut=Statut.ATTENTE)
        .order_by("rang_attente")
        .values_list("pk", flat=True)
    )
    assert len(promus) == 6
    assert max(position[pk] for pk in promus) < min(position[pk] for pk in encore)
    assert [position[pk] for pk in encore] == sorted(position[pk] for pk in encore)


def test_a_double_click_burst_creates_one_registration():
    journee = JourneeFactory(capacite=5)
    agent = AgentFactory()

    resultats = en_meme_temps(
        [lambda: services.inscription_creer(journee=journee.pk, agent=agent, acteur=agent)] * 8
    )

    assert journee.inscriptions.count() == 1
    assert sum(creee for _, creee in resultats) == 1
    assert {inscription.pk for inscription, _ in resultats} == {journee.inscriptions.get().pk}


def test_ticking_attendance_while_cancelling_does_not_deadlock():
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from faireadmin.permissions import GROUPE_LAB

    organisateur = AgentFactory()
    # get_or_create: a transactional test starts from a flushed database.
    organisateur.groups.add(Group.objects.get_or_create(name=GROUPE_LAB)[0])
    journee = JourneeFactory(date=timezone.localdate(), capacite=20)
    inscriptions = [
        services.inscription_creer(journee=journee, agent=a, acteur=organisateur)[0]
        for a in AgentFactory.create_batch(20)
    ]
    actions = []
    for inscription in inscriptions:
        actions.append(
            lambda i=inscription: services.presence_marquer(
                inscription=i.pk, presence="present", acteur=organisateur
            )
        )
        actions.append(
            lambda i=inscription: services.inscription_annuler(
                inscription=i.pk, acteur=organisateur
            )
        )

    def sans_erreur_de_verrou(action):
        try:
            action()
        except Exception as erreur:  # a refusal is fine (already cancelled); a deadlock is not
            if "deadlock" in str(erreur).lower():
                raise
        return True

    assert all(en_meme_temps([lambda a=a: sans_erreur_de_verrou(a) for a in actions]))
    assert journee.inscriptions.filter(statut=Statut.ANNULEE).count() == 20


def test_a_seat_lock_held_too_long_answers_retry_and_writes_nothing(monkeypatch, client):
    """Another transaction holds the journée's row (a stuck export, a long rush): the
    registration waits ``ATTENTE_DU_VERROU``, then the agent reads « réessayez » (409)."""
    import psycopg
    from django.conf import settings
    from django.urls import reverse

    monkeypatch.setattr(verrous, "ATTENTE_DU_VERROU", "300ms")
    journee = JourneeFactory(capacite=10)
    agent = AgentFactory()
    reglages = settings.DATABASES["default"]
    with psycopg.connect(
        host=reglages["HOST"] or "127.0.0.1",
        port=reglages["PORT"] or 5432,
        user=reglages["USER"],
        dbname=connection.settings_dict["NAME"],
    ) as autre:
        autre.execute("SELECT 1 FROM journees_journee WHERE id = %s FOR UPDATE", [journee.pk])
        client.force_login(agent)
        reponse = client.post(
            reverse("journee_inscription", kwargs={"pk": journee.pk}),
            headers={"HX-Request": "true"},
        )
    assert reponse.status_code == 409
    assert "Réessayez dans un instant" in reponse.content.decode()
    assert not Inscription.objects.filter(agent=agent).exists()
    # Once the lock is gone, the same request goes through.
    reponse = client.post(reverse("journee_inscription", kwargs={"pk": journee.pk}))
    assert reponse.status_code == 302
    assert Inscription.objects.get(agent=agent).statut == Statut.CONFIRMEE
