import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError

from faireadmin.models import Agent, Direction
from faireadmin.permissions import GROUPE_DG, GROUPE_LAB, est_dg, est_lab
from tests.constraints import refused_by
from tests.factories import AgentFactory, DirectionFactory, InscriptionFactory

pytestmark = pytest.mark.django_db


def test_email_is_stored_lower_case_and_unique_whatever_the_case():
    agent = Agent.objects.create_user("Camille.Martin@Region.Example", "x" * 12)
    assert agent.email == "camille.martin@region.example"
    with refused_by("faireadmin_agent_email_key"):
        Agent.objects.create_user("CAMILLE.MARTIN@region.example", "x" * 12)


def test_database_refuses_an_email_with_capitals():
    with refused_by("agent_email_minuscules"):
        Agent.objects.bulk_create([Agent(email="Majuscules@region.example")])


def test_direction_needs_a_positive_headcount():
    with refused_by("direction_effectif_positif"):
        Direction.objects.create(nom="Vide", sigle="V", effectif=0)


def test_a_direction_with_agents_cannot_be_deleted():
    agent = AgentFactory()
    with pytest.raises(ProtectedError):
        agent.direction.delete()


def test_an_agent_with_registrations_cannot_be_deleted():
    inscription = InscriptionFactory()
    with pytest.raises(ProtectedError):
        inscription.agent.delete()


def test_superuser_has_admin_access():
    admin = Agent.objects.create_superuser("admin@region.example", "x" * 12)
    assert admin.is_staff and admin.is_superuser


def test_the_role_groups_exist_from_the_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= {GROUPE_LAB, GROUPE_DG}


def test_roles_come_from_the_groups():
    lab, dg, agent = AgentFactory(), AgentFactory(), AgentFactory()
    lab.groups.add(Group.objects.get(name=GROUPE_LAB))
    dg.groups.add(Group.objects.get(name=GROUPE_DG))
    assert (est_lab(lab), est_dg(lab)) == (True, False)
    assert (est_lab(dg), est_dg(dg)) == (False, True)
    assert (est_lab(agent), est_dg(agent)) == (False, False)


def test_direction_str():
    assert str(DirectionFactory(nom="Direction des sports", sigle="DS")) == (
        "Direction des sports (DS)"
    )


def test_the_agent_of_a_session_comes_with_its_groups_in_one_query(django_assert_num_queries):
    dg, agent = AgentFactory(), AgentFactory()
    dg.groups.add(Group.objects.get(name=GROUPE_DG), Group.objects.get(name=GROUPE_LAB))
    with django_assert_num_queries(1):
        lu = Agent.objects.de_la_session(dg.pk)
        assert lu.group_names == {GROUPE_DG, GROUPE_LAB}
        assert (est_dg(lu), est_lab(lu)) == (True, True)
    with django_assert_num_queries(1):
        assert Agent.objects.de_la_session(agent.pk).group_names == frozenset()
    with pytest.raises(Agent.DoesNotExist):
        Agent.objects.de_la_session(0)


def test_leaving_the_dg_closes_the_dashboard_at_the_next_request(client):
    from django.urls import reverse

    membre = AgentFactory()
    membre.groups.add(Group.objects.get(name=GROUPE_DG))
    client.force_login(membre)
    assert client.get(reverse("tableau_de_bord")).status_code == 200
    membre.groups.clear()
    assert client.get(reverse("tableau_de_bord")).status_code == 403
    membre.is_active = False
    membre.save()
    assert client.get(reverse("programme")).status_code == 302  # a disabled account is out
