"""The admin writes journées and registrations through the services, which ask for the Lab'
role: Django's admin permissions alone open its pages read-only (faireadmin.permissions)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from faireadmin.permissions import GROUPE_LAB
from journees.models import Inscription
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory

pytestmark = pytest.mark.django_db


def test_a_staff_account_outside_the_lab_reads_journees_in_the_admin_and_writes_nothing(client):
    personnel = AgentFactory(is_staff=True)
    personnel.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="journees",
            codename__in=[
                "view_journee", "add_journee", "change_journee", "delete_journee",
                "view_inscription", "change_inscription",
            ],
        )
    )  # fmt: skip
    journee = JourneeFactory(lieu="Salle A")
    inscription = InscriptionFactory(journee=journee, statut=Inscription.Statut.CONFIRMEE)
    client.force_login(personnel)
    fiche = reverse("admin:journees_journee_change", args=[journee.pk])

    page = client.get(fiche)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(fiche, {"lieu": "Salle B"}).status_code == 403
    assert client.get(reverse("admin:journees_journee_add")).status_code == 403
    liste = client.get(reverse("admin:journees_inscription_changelist"))
    assert liste.context["action_form"] is None  # no action offered
    refus = client.post(
        reverse("admin:journees_inscription_changelist"),
        {"action": "annuler", "_selected_action": [inscription.pk]},
    )
    assert refus.status_code in (200, 302)  # « aucune action choisie »: nothing done
    journee.refresh_from_db()
    inscription.refresh_from_db()
    assert journee.lieu == "Salle A" and inscription.statut == Inscription.Statut.CONFIRMEE

    personnel.groups.add(Group.objects.get_or_create(name=GROUPE_LAB)[0])  # in the Lab'
    assert 'name="_save"' in client.get(fiche).content.decode()
    liste = client.get(reverse("admin:journees_inscription_changelist"))
    assert "annuler" in dict(liste.context["action_form"].fields["action"].choices)
