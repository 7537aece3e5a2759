import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from journees import services
from journees.models import Inscription
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory, SujetFactory

pytestmark = pytest.mark.django_db

Statut = Inscription.Statut
Presence = Inscription.Presence


def inscrire(journee, agent=None, **kwargs):
    agent = agent or AgentFactory()
    return services.inscription_creer(journee=journee, agent=agent, acteur=agent, **kwargs)[0]


def etat(journee):
    """(confirmed agents' ids, waiting list as (rank, agent id)) of a journée."""
    inscriptions = journee.inscriptions.exclude(statut=Statut.ANNULEE)
    confirmes = set(inscriptions.filter(statut=Statut.CONFIRMEE).values_list("agent_id", flat=True))
    attente = list(
        inscriptions.filter(statut=Statut.ATTENTE)
        .order_by("rang_attente")
        .values_list("rang_attente", "agent_id")
    )
    return confirmes, attente


def rangs(journee):
    return [rang for rang, _ in etat(journee)[1]]


# --- Registering --------------------------------------------------------------------------
def test_registration_is_confirmed_while_seats_remain_then_waits_in_rank_order():
    journee = JourneeFactory(capacite=2)
    premiers = [inscrire(journee) for _ in range(2)]
    suivants = [inscrire(journee) for _ in range(3)]
    assert [i.statut for i in premiers] == [Statut.CONFIRMEE] * 2
    assert [(i.statut, i.rang_attente) for i in suivants] == [
        (Statut.ATTENTE, 1),
        (Statut.ATTENTE, 2),
        (Statut.ATTENTE, 3),
    ]


def test_registering_twice_returns_the_current_registration_unchanged():
    journee = JourneeFactory(capacite=1)
    agent = AgentFactory()
    premiere, creee = services.inscription_creer(journee=journee, agent=agent, acteur=agent)
    encore, recreee = services.inscription_creer(journee=journee, agent=agent, acteur=agent)
    assert (creee, recreee) == (True, False)
    assert encore.pk == premiere.pk
    assert journee.inscriptions.count() == 1


def test_the_agent_may_state_needs_and_a_sujet_of_the_journee():
    sujet = SujetFactory()
    journee = JourneeFactory()
    journee.sujets.add(sujet, SujetFactory())
    inscription = inscrire(
        journee,
        sujet_souhaite=sujet,
        besoins_accessibilite="  Fauteuil roulant  ",
        contraintes_repas="Végétarien",
    )
    assert inscription.sujet_souhaite == sujet
    assert inscription.besoins_accessibilite == "Fauteuil roulant"
    assert inscription.contraintes_repas == "Végétarien"


def test_a_sujet_not_worked_that_day_is_refused():
    journee = JourneeFactory()
    with pytest.raises(ValidationError, match="pas travaillé lors de cette journée"):
        inscrire(journee, sujet_souhaite=SujetFactory())
    assert not journee.inscriptions.exists()


@pytest.mark.parametrize(
    ("reglages", "message"),
    [
        ({"date": dt.date(2020, 1, 1)}, "Cette journée est passée"),
        (
            {"ouverture_inscriptions": timezone.now() + dt.timedelta(days=2)},
            "Les inscriptions ouvriront le",
        ),
        (
            {"cloture_inscriptions": timezone.now() - dt.timedelta(hours=1)},
            "Les inscriptions sont closes depuis le",
        ),
    ],
    ids=["passee", "pas-encore-ouverte", "close"],
)
def test_registration_window_is_enforced_with_a_french_message(reglages, message):
    journee = JourneeFactory(**reglages)
    with pytest.raises(ValidationError, match=message):
        inscrire(journee)
    assert not journee.inscriptions.exists()


def test_registration_closes_when_the_day_starts_by_default():
    journee = JourneeFactory(date=timezone.localdate())
    apres_le_debut = journee.debut + dt.timedelta(minutes=1)
    agent = AgentFactory()
    with pytest.raises(ValidationError, match="closes"):
        services.inscription_creer(
            journee=journee, agent=agent, acteur=agent, maintenant=apres_le_debut
        )


def test_an_agent_cannot_register_someone_else():
    with pytest.raises(PermissionDenied):
        services.inscription_creer(
            journee=JourneeFactory(), agent=AgentFactory(), acteur=AgentFactory()
        )


def test_an_organiser_registers_someone_after_closing_but_not_for_a_past_day(lab):
    close = JourneeFactory(cloture_inscriptions=timezone.now() - dt.timedelta(hours=1))
    agent = AgentFactory()
    inscription, _ = services.inscription_creer(journee=close, agent=agent, acteur=lab)
    assert inscription.inscrit_par == lab and inscription.statut == Statut.CONFIRMEE
    with pytest.raises(ValidationError, match="passée"):
        services.inscription_creer(
            journee=JourneeFactory(date=dt.date(2020, 1, 1)), agent=agent, acteur=lab
        )


# --- Cancelling ---------------------------------------------------------------------------
def test_cancelling_a_confirmed_seat_promotes_the_first_waiting_at_once():
    journee = JourneeFactory(capacite=2)
    confirmes = [inscrire(journee) for _ in range(2)]
    attente = [inscrire(journee) for _ in range(3)]

    services.inscription_annuler(inscription=confirmes[0], acteur=confirmes[0].agent)

    confirmes_ids, liste = etat(journee)
    assert confirmes_ids == {confirmes[1].agent_id, attente[0].agent_id}
    assert liste == [(1, attente[1].agent_id), (2, attente[2].agent_id)]
    confirmes[0].refresh_from_db()
    assert confirmes[0].statut == Statut.ANNULEE and confirmes[0].annulee_le is not None


def test_leaving_the_waiting_list_keeps_ranks_gapless():
    journee = JourneeFactory(capacite=1)
    inscrire(journee)
    attente = [inscrire(journee) for _ in range(4)]
    services.inscription_annuler(inscription=attente[1], acteur=attente[1].agent)
    assert etat(journee)[1] == [
        (1, attente[0].agent_id),
        (2, attente[2].agent_id),
        (3, attente[3].agent_id),
    ]


def test_cancelling_twice_changes_nothing():
    inscription = InscriptionFactory()
    services.inscription_annuler(inscription=inscription, acteur=inscription.agent)
    annulee_le = Inscription.objects.get(pk=inscription.pk).annulee_le
    services.inscription_annuler(inscription=inscription, acteur=inscription.agent)
    assert Inscription.objects.get(pk=inscription.pk).annulee_le == annulee_le


def test_an_agent_cannot_cancel_someone_elses_registration():
    inscription = InscriptionFactory()
    with pytest.raises(PermissionDenied):
        services.inscription_annuler(inscription=inscription, acteur=AgentFactory())
    inscription.refresh_from_db()
    assert inscription.statut == Statut.CONFIRMEE


def test_an_agent_cannot_cancel_once_the_day_has_started():
    journee = JourneeFactory(date=timezone.localdate())
    inscription = InscriptionFactory(journee=journee)
    with pytest.raises(ValidationError, match="La journée a commencé"):
        services.inscription_annuler(
            inscription=inscription,
            acteur=inscription.agent,
            maintenant=journee.debut + dt.timedelta(minutes=5),
        )


def test_an_organiser_cancels_on_the_day_but_not_afterwards(lab):
    du_jour = InscriptionFactory(journee=JourneeFactory(date=timezone.localdate()))
    services.inscription_annuler(
        inscription=du_jour, acteur=lab, maintenant=du_jour.journee.debut + dt.timedelta(hours=1)
    )
    passee = InscriptionFactory(journee=JourneeFactory(date=dt.date(2020, 1, 1)))
    with pytest.raises(ValidationError, match="passée"):
        services.inscription_annuler(inscription=passee, acteur=lab)


def test_an_agent_may_register_again_after_cancelling():
    journee = JourneeFactory()
    premiere = inscrire(journee)
    services.inscription_annuler(inscription=premiere, acteur=premiere.agent)
    nouvelle = inscrire(journee, agent=premiere.agent)
    assert nouvelle.pk != premiere.pk and nouvelle.statut == Statut.CONFIRMEE


# --- Organisers: waiting list by hand -----------------------------------------------------
def test_promoting_by_hand_needs_a_free_seat(lab):
    journee = JourneeFactory(capacite=1)
    inscrire(journee)
    attente = [inscrire(journee) for _ in range(3)]
    with pytest.raises(ValidationError, match="complète"):
        services.inscription_promouvoir(inscription=attente[2], acteur=lab)

    journee.capacite = 2
    journee.save()
    services.inscription_promouvoir(inscription=attente[2], acteur=lab)

    confirmes, liste = etat(journee)
    assert attente[2].agent_id in confirmes
    assert liste == [(1, attente[0].agent_id), (2, attente[1].agent_id)]


def test_moving_in_the_waiting_list_keeps_the_others_in_order(lab):
    journee = JourneeFactory(capacite=1)
    inscrire(journee)
    a, b, c, d = (inscrire(journee) for _ in range(4))
    services.inscription_deplacer(inscription=d, rang=1, acteur=lab)
    assert [agent for _, agent in etat(journee)[1]] == [
        d.agent_id,
        a.agent_id,
        b.agent_id,
        c.agent_id,
    ]
    services.inscription_deplacer(inscription=d, rang=3, acteur=lab)
    assert [agent for _, agent in etat(journee)[1]] == [
        a.agent_id,
        b.agent_id,
        d.agent_id,
        c.agent_id,
    ]
    assert rangs(journee) == [1, 2, 3, 4]


def test_moving_outside_the_list_is_refused(lab):
    journee = JourneeFactory(capacite=1)
    inscrire(journee)
    attendu = inscrire(journee)
    for rang in (0, 2):
        with pytest.raises(ValidationError, match="entre 1 et 1"):
            services.inscription_deplacer(inscription=attendu, rang=rang, acteur=lab)


def test_filling_seats_after_a_capacity_increase(lab):
    journee = JourneeFactory(capacite=1)
    inscrire(journee)
    attente = [inscrire(journee) for _ in range(3)]
    journee.capacite = 3
    journee.save()
    promues = services.journee_combler_places(journee=journee, acteur=lab)
    assert [i.agent_id for i in promues] == [attente[0].agent_id, attente[1].agent_id]
    assert etat(journee)[1] == [(1, attente[2].agent_id)]


@pytest.mark.parametrize(
    "action",
    [
        lambda i, acteur: services.inscription_promouvoir(inscription=i, acteur=acteur),
        lambda i, acteur: services.inscription_deplacer(inscription=i, rang=1, acteur=acteur),
        lambda i, acteur: services.journee_combler_places(journee=i.journee, acteur=acteur),
        lambda i, acteur: services.presence_marquer(
            inscription=i, presence="present", acteur=acteur
        ),
        lambda i, acteur: services.journee_enregistrer_bilan(
            journee=i.journee, nombre_participants=1, enseignements="", acteur=acteur
        ),
    ],
    ids=["promouvoir", "deplacer", "combler", "presence", "bilan"],
)
def test_organiser_actions_are_refused_to_agents(action):
    inscription = InscriptionFactory(statut=Statut.ATTENTE, rang_attente=1)
    with pytest.raises(PermissionDenied):
        action(inscription, inscription.agent)


# --- The day and after --------------------------------------------------------------------
def test_attendance_is_ticked_from_the_day_on_for_confirmed_agents(lab):
    journee = JourneeFactory(date=timezone.localdate())
    confirmee = InscriptionFactory(journee=journee)
    services.presence_marquer(inscription=confirmee, presence=Presence.PRESENT, acteur=lab)
    confirmee.refresh_from_db()
    assert confirmee.presence == Presence.PRESENT

    attente = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=1)
    with pytest.raises(ValidationError, match="confirmées"):
        services.presence_marquer(inscription=attente, presence=Presence.PRESENT, acteur=lab)
    demain = InscriptionFactory(journee=JourneeFactory(date=timezone.localdate() + dt.timedelta(1)))
    with pytest.raises(ValidationError, match="le jour de la journée"):
        services.presence_marquer(inscription=demain, presence=Presence.ABSENT, acteur=lab)


def test_the_outcome_is_recorded_from_the_day_on(lab):
    journee = JourneeFactory(date=timezone.localdate())
    services.journee_enregistrer_bilan(
        journee=journee,
        nombre_participants=37,
        enseignements=" Mélanger les directions. ",
        acteur=lab,
    )
    journee.refresh_from_db()
    assert (journee.nombre_participants, journee.enseignements) == (37, "Mélanger les directions.")
    with pytest.raises(ValidationError):
        services.journee_enregistrer_bilan(
            journee=JourneeFactory(), nombre_participants=1, enseignements="", acteur=lab
        )


def test_a_new_calendar_address_revokes_the_old_one():
    from journees.models import AbonnementCalendrier

    agent = AgentFactory()
    premier = AbonnementCalendrier.objects.de(agent).jeton  # read, nothing stored
    assert not AbonnementCalendrier.objects.filter(agent=agent).exists()
    assert AbonnementCalendrier.objects.du_jeton(premier).agent == agent
    nouveau = services.abonnement_regenerer(agent=agent).jeton
    assert nouveau != premier
    assert AbonnementCalendrier.objects.de(agent).jeton == nouveau
    assert AbonnementCalendrier.objects.du_jeton(premier) is None
    assert AbonnementCalendrier.objects.du_jeton(nouveau).agent == agent
