import pytest
from django.db.models import ProtectedError

from sujets.models import Pilotage
from tests.constraints import refused_by
from tests.factories import AgentFactory, PilotageFactory, PropositionFactory, SujetFactory

pytestmark = pytest.mark.django_db


def test_an_agent_pilots_a_sujet_once():
    pilotage = PilotageFactory()
    with refused_by("pilotage_unique"):
        PilotageFactory(sujet=pilotage.sujet, agent=pilotage.agent)


def test_pilotage_role_must_be_known():
    with refused_by("pilotage_role_valide"):
        PilotageFactory(role="chef")


def test_sujet_titles_are_unique_within_an_axe():
    sujet = SujetFactory(titre="Accueil")
    with refused_by("sujet_titre_unique_par_axe"):
        SujetFactory(axe=sujet.axe, titre="Accueil", slug="accueil-2")
    SujetFactory(titre="Accueil", slug="accueil-3")  # another axe may use it


def test_deleting_a_sujet_with_propositions_is_refused():
    proposition = PropositionFactory()
    with pytest.raises(ProtectedError):
        proposition.sujet.delete()


def test_deleting_an_axe_with_sujets_is_refused():
    sujet = SujetFactory()
    with pytest.raises(ProtectedError):
        sujet.axe.delete()


def test_an_agent_who_pilots_cannot_be_deleted():
    pilotage = PilotageFactory()
    with pytest.raises(ProtectedError):
        pilotage.agent.delete()


def test_pilotes_are_listed_before_copilotes():
    sujet = SujetFactory()
    copilote = PilotageFactory(sujet=sujet, role=Pilotage.Role.COPILOTE)
    pilote = PilotageFactory(sujet=sujet, agent=AgentFactory(), role=Pilotage.Role.PILOTE)
    assert list(sujet.pilotages.all()) == [pilote, copilote]
