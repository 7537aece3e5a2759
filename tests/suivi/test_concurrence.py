"""Two pilotes editing at once, on real PostgreSQL from real threads: nothing is lost."""

import pytest
from django.core.exceptions import ValidationError

from suivi import services
from suivi.models import Proposition
from suivi.services import Changement
from tests.factories import PilotageFactory, PropositionFactory
from tests.journees.test_concurrence import en_meme_temps

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deux_pilotes():
    premier = PilotageFactory()
    second = PilotageFactory(sujet=premier.sujet)
    proposition = PropositionFactory(sujet=premier.sujet, statut=Proposition.Statut.EN_COURS)
    return proposition, premier.agent, second.agent


def test_concurrent_journal_entries_all_land(deux_pilotes):
    proposition, premier, second = deux_pilotes
    actions = [
        lambda auteur=auteur, n=n: services.proposition_mettre_a_jour(
            proposition=proposition.pk, acteur=auteur, version=0, texte=f"Point {n}"
        )
        for n, auteur in enumerate([premier, second] * 5)
    ]
    en_meme_temps(actions)
    assert sorted(proposition.journal.values_list("texte", flat=True)) == sorted(
        f"Point {n}" for n in range(10)
    )


def test_two_changes_from_the_same_page_version_one_wins_the_other_is_told(deux_pilotes):
    proposition, premier, second = deux_pilotes

    def changer(auteur, avancement):
        try:
            services.proposition_mettre_a_jour(
                proposition=proposition.pk,
                acteur=auteur,
                version=0,
                changement=Changement(avancement=avancement),
            )
        except ValidationError as erreur:
            return erreur.code
        return "ok"

    resultats = en_meme_temps([lambda: changer(premier, 30), lambda: changer(second, 70)])

    assert sorted(resultats) == ["ok", "perimee"]
    proposition.refresh_from_db()
    assert proposition.version == 1
    gagnant = 30 if resultats[0] == "ok" else 70
    assert proposition.avancement == gagnant
    assert proposition.journal.get().changements["avancement"]["apres"] == gagnant
