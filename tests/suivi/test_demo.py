import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from axes.models import Axe
from faireadmin.models import Agent
from faireadmin.permissions import est_dg, est_lab
from journees.models import Inscription, Journee, Phase
from suivi.demo.construction import (
    AGENTS_PAR_ECHELLE,
    COMPTES,
    MOT_DE_PASSE,
    PILOTES_PAR_ECHELLE,
)
from suivi.demo.contenu import JOURNEES_2025, JOURNEES_A_VENIR, SUJETS
from suivi.models import Proposition
from sujets.models import Pilotage, Sujet

pytestmark = pytest.mark.django_db

AXES = [
    (1, "Accompagner les transitions"),
    (2, "Aller vers les territoires"),
    (3, "Renforcer notre culture usagers"),
    (4, "Soigner notre marque employeur"),
    (5, "Faire équipe"),
]


def projet_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"faireadmin", "axes", "sujets", "journees", "suivi", "auth"}
    ]


def instantane() -> dict:
    """Every row of every table of the project, to compare two states."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in projet_models()} | {
        "groupes": sorted(Agent.groups.through.objects.values_list("agent_id", "group_id")),
        "sujets des journées": sorted(
            Journee.sujets.through.objects.values_list("journee_id", "sujet_id")
        ),
    }


@pytest.fixture
def demo(capsys):
    call_command("demo", force=True)
    return capsys.readouterr().out


def test_demo_has_the_five_real_axes(demo):
    assert list(Axe.objects.values_list("numero", "titre")) == AXES


def test_demo_is_idempotent(demo, capsys):
    avant = instantane()
    call_command("demo", force=True)
    assert "rien à créer" in capsys.readouterr().out
    assert instantane() == avant


def test_demo_volumes(demo):
    assert Sujet.objects.count() == 18
    assert all("démonstration" in d for d in Sujet.objects.values_list("description", flat=True))
    assert 55 <= Pilotage.objects.values("agent").distinct().count() <= 65
    assert 300 <= Agent.objects.count() <= 500
    assert 12 <= Agent.objects.values("direction").distinct().count() <= 20
    assert set(Proposition.objects.values_list("statut", flat=True)) == set(
        Proposition.Statut.values
    )


def test_demo_journees_follow_the_source_text(demo):
    journees_2025 = Journee.objects.filter(date__year=2025)
    villes = {
        phase: set(journees_2025.filter(phase=phase).values_list("ville", flat=True))
        for phase in Phase.values
    }
    assert villes[Phase.EXPLORER] == {"Montpellier", "Toulouse", "Carcassonne"}
    assert villes[Phase.CREER] == {"Montpellier", "Toulouse"}
    assert villes[Phase.TESTER] == {"Montpellier", "Toulouse"}
    mois = {
        phase: set(
            d.month for d in journees_2025.filter(phase=phase).values_list("date", flat=True)
        )
        for phase in Phase.values
    }
    assert mois == {Phase.EXPLORER: {4, 5}, Phase.CREER: {6, 7}, Phase.TESTER: {10}}


def test_demo_has_a_full_upcoming_journee_with_a_gapless_waiting_list(demo):
    pleines = Journee.objects.filter(date__gt=timezone.localdate()).annotate(
        confirmees=Count("inscriptions", filter=Q(inscriptions__statut="confirmee")),
    )
    pleine = next(j for j in pleines if j.confirmees == j.capacite)
    rangs = list(
        pleine.inscriptions.filter(statut=Inscription.Statut.ATTENTE)
        .order_by("rang_attente")
        .values_list("rang_attente", flat=True)
    )
    assert rangs and rangs == list(range(1, len(rangs) + 1))


def test_demo_accounts_cover_every_role_and_are_printed(demo, client):
    comptes = {cle: Agent.objects.get(email=email) for cle, email, *_ in COMPTES}
    assert est_lab(comptes["lab"]) and not est_dg(comptes["lab"])
    assert est_dg(comptes["dg"]) and not est_lab(comptes["dg"])
    assert comptes["pilote"].pilotages.count() == 2
    assert comptes["admin"].is_superuser
    assert not any(est_lab(comptes[c]) or est_dg(comptes[c]) for c in ("agent", "pilote"))
    for _, email, *_ in COMPTES:
        assert email in demo
        assert client.login(username=email, password=MOT_DE_PASSE)


def test_scale_multiplies_the_volume(db):
    call_command("demo", scale=2, force=True)
    assert Agent.objects.count() == 2 * AGENTS_PAR_ECHELLE + len(COMPTES)
    assert Pilotage.objects.count() == 2 * PILOTES_PAR_ECHELLE
    assert Journee.objects.count() == 2 * (len(JOURNEES_2025) + len(JOURNEES_A_VENIR))
    assert Proposition.objects.count() == 2 * sum(len(s[3]) for s in SUJETS)
    assert Sujet.objects.count() == len(SUJETS) == 18


def test_demo_refuses_to_run_outside_debug_without_force(db):
    with pytest.raises(CommandError, match="hors DEBUG"):
        call_command("demo")
    assert not Agent.objects.exists()


def test_the_stress_volumes_are_design_md_s():
    from suivi.demo.construction import STRESS, Volumes
    from suivi.demo.contenu import DIRECTIONS, JOURNEES_2025, JOURNEES_A_VENIR, SUJETS

    journees_par_session = len(JOURNEES_2025) + len(JOURNEES_A_VENIR)
    propositions_par_variante = sum(len(sujet[3]) for sujet in SUJETS)
    assert STRESS.agents == 30_000 and STRESS.pilotes == 600
    assert len(DIRECTIONS) + STRESS.unites_territoriales == 400
    assert STRESS.sessions * journees_par_session == 300
    assert 3_000 <= STRESS.variantes * propositions_par_variante <= 3_100
    assert Volumes.a_l_echelle(2).agents == 2 * Volumes.a_l_echelle(1).agents


def test_stress_and_scale_do_not_go_together():
    with pytest.raises(CommandError, match="s'excluent"):
        call_command("demo", "--stress", "--scale", "2", force=True)
