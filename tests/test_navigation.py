"""The main navigation (faireadmin/templatetags/navigation.py): the links of the reader's
roles, the current section's link marked, whatever page of the section is shown. It is
rendered once per process for each set of roles and section: a second reader with other
roles, or the same on another section, must not get the first one's."""

import re

import pytest
from django.urls import reverse

from tests.factories import AgentFactory, PilotageFactory, PropositionFactory

pytestmark = pytest.mark.django_db

TOUS = ["Le programme", "Les journées", "Feuille de route", "Mes inscriptions"]
NAVIGATION = re.compile(r'<nav class="navigation".*?</nav>', re.DOTALL)
LIEN = re.compile(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>')


def _navigation(client, adresse):
    reponse = client.get(adresse)
    assert reponse.status_code == 200, adresse
    (nav,) = NAVIGATION.findall(reponse.content.decode())
    liens = LIEN.findall(nav)
    return [libelle for _, _, libelle in liens], [
        libelle for _, courant, libelle in liens if courant
    ]


def test_each_reader_gets_the_links_of_their_roles(client, agent, dg, lab):
    pilote = PilotageFactory().agent
    admin = AgentFactory(is_staff=True)
    attendus = [
        (agent, TOUS),
        (pilote, [*TOUS, "Mon espace pilote"]),
        (dg, [*TOUS, "Tableau de bord"]),
        (lab, [*TOUS, "Tableau de bord"]),
        (admin, [*TOUS, "Administration"]),
        (agent, TOUS),  # after the others: nothing of theirs stays
    ]
    for lecteur, liens in attendus:
        client.force_login(lecteur)
        assert _navigation(client, reverse("journees"))[0] == liens, lecteur


def test_the_current_section_is_marked_on_each_of_its_pages(client, dg):
    proposition = PropositionFactory()
    client.force_login(dg)
    pages = [
        (reverse("programme"), ["Le programme"]),
        (proposition.sujet.get_absolute_url(), ["Le programme"]),
        (reverse("feuille_de_route"), ["Feuille de route"]),
        (proposition.get_absolute_url(), ["Feuille de route"]),
        (reverse("journees"), ["Les journées"]),
        (reverse("rapports"), ["Tableau de bord"]),
        (reverse("mes_donnees"), []),  # no section of the navigation
        (reverse("programme"), ["Le programme"]),
    ]
    for adresse, courants in pages:
        assert _navigation(client, adresse)[1] == courants, adresse
