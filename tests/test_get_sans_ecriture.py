"""A GET never writes: every page that answers GET, served to every role on the demo data,
executes no INSERT, UPDATE or DELETE.

Two tables are the documented exceptions: ``django_session`` (the sliding expiry of a session,
at most every five minutes, ``faireadmin.middleware``) and the security journal (a download is
journaled: who exported what, ``faireadmin.audit``). Nothing else, for any role.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faireadmin.models import Agent, EvenementSecurite
from journees.models import Journee
from tests import balayage

ECRITURE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.I)
PERMISES = {"django_session", EvenementSecurite._meta.db_table}
ROLES = ["agent", "pilote", "lab", "dg", "admin"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with balayage.demo_le_temps_du_module(django_db_blocker):
        yield


def _adresses(compte: Agent) -> list[str]:
    """Every route with real objects; again with a journée to come and the other formats of
    the downloads, where the pages differ."""
    valeurs = balayage.valeurs_reelles(compte)
    variantes = [
        valeurs,
        valeurs
        | {
            ("journees", "pk"): Journee.objects.order_by("-date").first().pk,
            "format": "xlsx",
            "quoi": "participation",
        },
        valeurs | {"format": "json", "quoi": "journal"},
    ]
    adresses = set()
    for variante in variantes:
        adresses.update(balayage.adresses(variante, seulement_possibles=variante is not valeurs))
    return sorted(adresses)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes(role, client, demo):
    compte = Agent.objects.get(email__startswith=f"{role}@")
    client.force_login(compte)
    servies, ecritures = 0, []
    for url in _adresses(compte):
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(url)
        servies += reponse.status_code == 200
        for requete in requetes.captured_queries:
            if (ecrit := ECRITURE.match(requete["sql"])) and ecrit.group(1) not in PERMISES:
                ecritures.append(f"{url} ({reponse.status_code}) : {requete['sql'][:120]}")
    assert ecritures == []
    assert servies >= 20  # the sweep really served pages
