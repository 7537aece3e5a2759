import pytest
from django.db.models import ProtectedError

from suivi.models import Proposition
from tests.constraints import refused_by
from tests.factories import (
    AgentFactory,
    JalonFactory,
    PointAvancementFactory,
    PropositionFactory,
    RetourTestFactory,
)

pytestmark = pytest.mark.django_db

Statut = Proposition.Statut


@pytest.mark.parametrize("avancement", [-1, 101])
def test_avancement_stays_between_0_and_100(avancement):
    with refused_by("proposition_avancement_0_100"):
        PropositionFactory(avancement=avancement)


@pytest.mark.parametrize("avancement", [0, 100])
def test_avancement_bounds_are_allowed(avancement):
    assert PropositionFactory(avancement=avancement).pk


def test_statut_and_meteo_must_be_known():
    with refused_by("proposition_statut_valide"):
        PropositionFactory(statut="rêvée")
    with refused_by("proposition_meteo_valide"):
        PropositionFactory(meteo="neige", meteo_explication="Il neige.")


def test_abandoning_needs_a_reason():
    with refused_by("proposition_abandon_motive"):
        PropositionFactory(statut=Statut.ABANDONNEE, motif_abandon="")
    PropositionFactory(statut=Statut.ABANDONNEE, motif_abandon="Fusionnée avec une autre.")


def test_a_cloudy_weather_needs_an_explanation():
    with refused_by("proposition_meteo_expliquee"):
        PropositionFactory(meteo=Proposition.Meteo.ORAGE, meteo_explication="")
    PropositionFactory(meteo=Proposition.Meteo.NUAGE, meteo_explication="Budget en attente.")


def test_a_proposition_with_a_journal_cannot_be_deleted():
    point = PointAvancementFactory()
    with pytest.raises(ProtectedError):
        point.proposition.delete()


def test_a_proposition_with_test_feedback_cannot_be_deleted():
    retour = RetourTestFactory()
    with pytest.raises(ProtectedError):
        retour.proposition.delete()


def test_milestones_go_with_their_proposition():
    jalon = JalonFactory()
    jalon.proposition.delete()
    assert not type(jalon).objects.filter(pk=jalon.pk).exists()


def test_the_journal_keeps_its_text_when_its_author_is_deleted():
    auteur = AgentFactory()
    point = PointAvancementFactory(auteur=auteur)
    auteur.delete()
    point.refresh_from_db()
    assert point.auteur is None and point.texte == "Point d'étape."


def test_only_maquettee_and_beyond_count_in_progress():
    for statut in Statut.values:
        PropositionFactory(
            statut=statut,
            motif_abandon="motif" if statut == Statut.ABANDONNEE else "",
        )
    assert set(Proposition.objects.comptees().values_list("statut", flat=True)) == {
        Statut.MAQUETTEE,
        Statut.TESTEE,
        Statut.RETENUE,
        Statut.EN_COURS,
        Statut.REALISEE,
    }


def test_par_etape_follows_the_lifecycle():
    for statut in reversed(Statut.values):
        PropositionFactory(
            statut=statut, motif_abandon="motif" if statut == Statut.ABANDONNEE else ""
        )
    assert list(Proposition.objects.par_etape().values_list("statut", flat=True)) == (Statut.values)
