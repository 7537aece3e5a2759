"""The month-end states of the trend: frozen by the nightly job (idempotent, catching up the
months it missed), only read by the dashboards, whose GET writes nothing."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suivi.dg.indicateurs import Perimetre, Periode, indicateurs, tendance
from suivi.dg.services import etats_mensuels_figer
from suivi.models import EtatMensuel
from tests.suivi.jeu_dg import MAINTENANT

pytestmark = pytest.mark.django_db

ECRITURE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
AUJOURD_HUI = MAINTENANT.date()


def _fins() -> list[dt.date]:
    return sorted(EtatMensuel.objects.values_list("fin", flat=True).distinct())


def test_the_job_freezes_every_past_month_end_once(jeu):
    assert etats_mensuels_figer(aujourd_hui=AUJOURD_HUI) == 10  # June 2025 to March 2026
    lignes = EtatMensuel.objects.count()
    assert etats_mensuels_figer(aujourd_hui=AUJOURD_HUI) == 0
    assert EtatMensuel.objects.count() == lignes
    assert _fins()[0] == dt.date(2025, 6, 30)  # the month of the first proposition
    assert _fins()[-1] == dt.date(2026, 3, 31)  # April is not over


def test_the_job_catches_up_the_months_it_missed(jeu):
    assert etats_mensuels_figer(aujourd_hui=dt.date(2026, 1, 15)) == 7  # June to December
    # Not run in February and March: the April run freezes January to March.
    assert etats_mensuels_figer(aujourd_hui=AUJOURD_HUI) == 3
    assert len(_fins()) == 10
    EtatMensuel.objects.filter(fin=dt.date(2026, 2, 28)).delete()  # a hole
    assert etats_mensuels_figer(aujourd_hui=AUJOURD_HUI) == 1
    assert len(_fins()) == 10


def test_the_periodic_task_runs_the_job_and_twice_writes_once(jeu):
    from suivi.tasks import etats_mensuels_figer as tache

    assert tache.apply().get() > 0  # up to last month: the real date
    lignes = EtatMensuel.objects.count()
    assert tache.apply().get() == 0
    assert EtatMensuel.objects.count() == lignes
    assert _fins()[-1] < timezone.localdate()


def test_the_frozen_states_give_the_figures_computed_without_them(jeu):
    for perimetre in (Perimetre(), Perimetre(axe=jeu["axe1"]), Perimetre(sujet=jeu["s1"])):
        calculee = tendance(perimetre, Periode(fin=AUJOURD_HUI), AUJOURD_HUI)
        etats_mensuels_figer(aujourd_hui=AUJOURD_HUI)
        assert tendance(perimetre, Periode(fin=AUJOURD_HUI), AUJOURD_HUI) == calculee


def test_the_trend_reads_the_frozen_states(jeu):
    etats_mensuels_figer(aujourd_hui=AUJOURD_HUI)
    # A frozen month-end is read as frozen (here altered on purpose), not rebuilt.
    EtatMensuel.objects.filter(fin=dt.date(2026, 3, 31)).update(avancement=10)
    points = {p["fin"]: p for p in tendance(Perimetre(), Periode(fin=AUJOURD_HUI), AUJOURD_HUI)}
    assert points["2026-03-31"]["moyenne"] == 10


def test_computing_the_figures_writes_nothing(jeu):
    with CaptureQueriesContext(connection) as requetes:
        indicateurs(Perimetre(), Periode(fin=AUJOURD_HUI), MAINTENANT)
    assert [q["sql"] for q in requetes if ECRITURE.match(q["sql"])] == []
    assert not EtatMensuel.objects.exists()


@pytest.fixture
def client_dg(client, jeu):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_DG
    from tests.factories import AgentFactory

    membre = AgentFactory(direction=jeu["d1"])
    membre.groups.add(Group.objects.get(name=GROUPE_DG))
    client.force_login(membre)
    client.get(reverse("tableau_de_bord"))  # the session's first request behind us
    return client


@pytest.mark.parametrize("figees", [False, True], ids=["rien-de-fige", "un-mois-manquant"])
def test_a_dashboard_get_writes_nothing(client_dg, jeu, figees):
    from django.core.cache import cache

    from faireadmin.cache import memoire

    EtatMensuel.objects.all().delete()  # whatever the session's first request did
    if figees:
        etats_mensuels_figer(aujourd_hui=AUJOURD_HUI)
        EtatMensuel.objects.filter(fin=dt.date(2026, 2, 28)).delete()
    avant = EtatMensuel.objects.count()
    cache.clear()  # computed again, not served from the cache
    memoire.vider()
    pages = [
        reverse("tableau_de_bord"),
        reverse("tableau_de_bord") + "?du=2026-01-01&au=2026-03-31",
        reverse("tableau_de_bord_axe", kwargs={"slug": jeu["axe1"].slug}),
        reverse("tableau_de_bord_sujet", kwargs={"slug": jeu["s1"].slug}),
        reverse("rapports"),
    ]
    with CaptureQueriesContext(connection) as requetes:
        for page in pages:
            assert client_dg.get(page).status_code == 200, page
    ecritures = [q["sql"] for q in requetes if ECRITURE.match(q["sql"])]
    assert ecritures == []
    assert EtatMensuel.objects.count() == avant
