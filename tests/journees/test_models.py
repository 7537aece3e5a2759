import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from journees.models import Inscription
from tests.constraints import refused_by
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory

pytestmark = pytest.mark.django_db

ATTENTE = Inscription.Statut.ATTENTE
ANNULEE = Inscription.Statut.ANNULEE


def test_capacity_must_be_positive():
    with refused_by("journee_capacite_positive"):
        JourneeFactory(capacite=0)


def test_the_day_ends_after_it_starts():
    with refused_by("journee_fin_apres_debut"):
        JourneeFactory(heure_debut=dt.time(14), heure_fin=dt.time(9))
    with refused_by("journee_fin_apres_debut"):
        JourneeFactory(heure_debut=dt.time(9), heure_fin=dt.time(9))


def test_registration_closes_after_it_opens():
    maintenant = timezone.now()
    with refused_by("journee_cloture_apres_ouverture"):
        JourneeFactory(
            ouverture_inscriptions=maintenant, cloture_inscriptions=maintenant - dt.timedelta(1)
        )
    JourneeFactory(ouverture_inscriptions=maintenant, cloture_inscriptions=None)


def test_phase_must_be_known():
    with refused_by("journee_phase_valide"):
        JourneeFactory(phase="rever")


def test_one_active_registration_per_agent_and_journee():
    inscription = InscriptionFactory()
    with refused_by("inscription_active_unique"):
        InscriptionFactory(agent=inscription.agent, journee=inscription.journee)


def test_an_agent_may_register_again_after_cancelling():
    premiere = InscriptionFactory(statut=ANNULEE)
    InscriptionFactory(statut=ANNULEE, agent=premiere.agent, journee=premiere.journee)
    InscriptionFactory(agent=premiere.agent, journee=premiere.journee)
    assert premiere.journee.inscriptions.count() == 3


def test_waiting_list_ranks_are_unique_per_journee():
    journee = JourneeFactory()
    InscriptionFactory(journee=journee, statut=ATTENTE, rang_attente=1)
    with refused_by("inscription_rang_attente_unique"):
        InscriptionFactory(journee=journee, statut=ATTENTE, rang_attente=1)
    InscriptionFactory(statut=ATTENTE, rang_attente=1)  # another journée has its own list


def test_a_rank_exactly_when_waiting():
    with refused_by("inscription_rang_si_attente"):
        InscriptionFactory(statut=ATTENTE, rang_attente=None)
    with refused_by("inscription_rang_si_attente"):
        InscriptionFactory(statut=ATTENTE, rang_attente=0)
    with refused_by("inscription_rang_si_attente"):
        InscriptionFactory(statut=Inscription.Statut.CONFIRMEE, rang_attente=2)


def test_statut_and_presence_must_be_known():
    with refused_by("inscription_statut_valide"):
        InscriptionFactory(statut="peut-etre")
    with refused_by("inscription_presence_valide"):
        InscriptionFactory(presence="en retard")


def test_a_journee_with_registrations_cannot_be_deleted():
    inscription = InscriptionFactory()
    with pytest.raises(ProtectedError):
        inscription.journee.delete()


def test_cancelled_registrations_are_kept_as_history():
    agent = AgentFactory()
    InscriptionFactory(agent=agent, statut=ANNULEE)
    assert agent.inscriptions.filter(statut=ANNULEE).count() == 1
