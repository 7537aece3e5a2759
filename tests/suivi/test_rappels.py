import datetime as dt

import pytest
from django.utils import timezone

from faireadmin.models import Notification
from suivi import rappels
from suivi.models import Proposition
from tests.factories import (
    AgentFactory,
    JalonFactory,
    PilotageFactory,
    PointAvancementFactory,
    PropositionFactory,
)

pytestmark = pytest.mark.django_db

Statut = Proposition.Statut
MAINTENANT = timezone.now()


def il_y_a(jours):
    return MAINTENANT - dt.timedelta(days=jours)


def envois(nature):
    return sorted(
        Notification.objects.filter(nature=nature).values_list("destinataire", "objet", "periode")
    )


@pytest.fixture
def sujet_silencieux(lab):
    pilote = PilotageFactory(agent=AgentFactory(email="pilote@region.example"))
    PilotageFactory(sujet=pilote.sujet, agent=AgentFactory(email="copilote@region.example"))
    PilotageFactory(
        sujet=pilote.sujet, agent=AgentFactory(email="parti@region.example", is_active=False)
    )
    proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=proposition, cree_le=il_y_a(40))
    return pilote.sujet


def test_the_pilotes_of_a_silent_sujet_are_reminded_once(sujet_silencieux):
    periode = il_y_a(40).date().isoformat()
    assert rappels.rappels_pilotes(maintenant=MAINTENANT) == 2
    assert rappels.rappels_pilotes(maintenant=MAINTENANT) == 0
    assert envois("sujet.sans_nouvelles") == [
        ("copilote@region.example", f"sujet:{sujet_silencieux.pk}", periode),
        ("pilote@region.example", f"sujet:{sujet_silencieux.pk}", periode),
    ]
    corps = Notification.objects.filter(nature="sujet.sans_nouvelles").first().corps
    assert sujet_silencieux.titre in corps and "plus de 30 jours" in corps
    assert envois("sujet.escalade") == []  # not yet


def test_the_lab_is_told_when_the_silence_goes_on(sujet_silencieux, lab):
    rappels.rappels_pilotes(maintenant=MAINTENANT)
    quinze_jours_plus_tard = MAINTENANT + dt.timedelta(days=15)
    rappels.rappels_pilotes(maintenant=quinze_jours_plus_tard)
    rappels.rappels_pilotes(maintenant=quinze_jours_plus_tard)
    assert [d for d, _, _ in envois("sujet.escalade")] == [lab.email]
    assert len(envois("sujet.sans_nouvelles")) == 2  # no second reminder for the same silence


def test_a_new_entry_then_a_new_silence_is_a_new_reminder(sujet_silencieux):
    rappels.rappels_pilotes(maintenant=MAINTENANT)
    proposition = sujet_silencieux.propositions.get()
    PointAvancementFactory(proposition=proposition, cree_le=MAINTENANT)
    assert rappels.rappels_pilotes(maintenant=MAINTENANT + dt.timedelta(days=10)) == 0
    assert rappels.rappels_pilotes(maintenant=MAINTENANT + dt.timedelta(days=31)) == 2


def test_sujets_with_news_or_nothing_in_progress_are_left_alone():
    vivant = PilotageFactory()
    PointAvancementFactory(
        proposition=PropositionFactory(sujet=vivant.sujet, statut=Statut.EN_COURS),
        cree_le=il_y_a(3),
    )
    termine = PilotageFactory()
    PointAvancementFactory(
        proposition=PropositionFactory(sujet=termine.sujet, statut=Statut.REALISEE, avancement=100),
        cree_le=il_y_a(90),
    )
    assert rappels.rappels_pilotes(maintenant=MAINTENANT) == 0


def test_each_overdue_milestone_is_reminded_once_then_escalated(lab):
    pilote = PilotageFactory(agent=AgentFactory(email="pilote@region.example"))
    proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=proposition, cree_le=il_y_a(1))
    aujourd_hui = timezone.localdate(MAINTENANT)
    retard = JalonFactory(proposition=proposition, echeance=aujourd_hui - dt.timedelta(days=3))
    JalonFactory(
        proposition=proposition, echeance=aujourd_hui - dt.timedelta(days=3), fait_le=aujourd_hui
    )
    JalonFactory(proposition=proposition, echeance=aujourd_hui + dt.timedelta(days=3))

    assert rappels.rappels_pilotes(maintenant=MAINTENANT) == 1
    assert rappels.rappels_pilotes(maintenant=MAINTENANT) == 0
    assert envois("jalon.en_retard") == [
        ("pilote@region.example", f"jalon:{retard.pk}", retard.echeance.isoformat())
    ]
    plus_tard = MAINTENANT + dt.timedelta(days=13)
    # The Lab' for the milestone 16 days late, the pilote for the one now 10 days late.
    assert rappels.rappels_pilotes(maintenant=plus_tard) == 2
    assert [d for d, _, _ in envois("jalon.escalade")] == [lab.email]
    assert len(envois("jalon.en_retard")) == 2

    retard.echeance = aujourd_hui + dt.timedelta(days=20)  # postponed, then late again
    retard.save()
    # 21 days on: the postponed milestone is late again (a new reminder), the other one is
    # now 18 days late (the Lab').
    assert rappels.rappels_pilotes(maintenant=MAINTENANT + dt.timedelta(days=21)) == 2
    assert len(envois("jalon.en_retard")) == 3
    assert len(envois("jalon.escalade")) == 2


def test_the_weekly_digest_says_what_needs_attention_and_nothing_else():
    pilote = PilotageFactory(agent=AgentFactory(email="pilote@region.example"))
    silencieuse = PropositionFactory(
        sujet=pilote.sujet, titre="Silencieuse", statut=Statut.EN_COURS
    )
    PointAvancementFactory(proposition=silencieuse, cree_le=il_y_a(45))
    active = PropositionFactory(sujet=pilote.sujet, titre="Active", statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=active, cree_le=il_y_a(2))
    aujourd_hui = timezone.localdate(MAINTENANT)
    JalonFactory(
        proposition=active, titre="Comité de suivi", echeance=aujourd_hui + dt.timedelta(days=10)
    )
    JalonFactory(
        proposition=active, titre="Trop loin", echeance=aujourd_hui + dt.timedelta(days=40)
    )
    calme = PilotageFactory(agent=AgentFactory(email="calme@region.example"))
    PointAvancementFactory(
        proposition=PropositionFactory(sujet=calme.sujet, statut=Statut.EN_COURS), cree_le=il_y_a(1)
    )

    assert rappels.resume_hebdomadaire(maintenant=MAINTENANT) == 1
    assert rappels.resume_hebdomadaire(maintenant=MAINTENANT) == 0
    (resume,) = Notification.objects.filter(nature="pilote.resume_hebdomadaire")
    annee, semaine, _ = timezone.localdate(MAINTENANT).isocalendar()
    assert (resume.destinataire, resume.periode) == (
        "pilote@region.example",
        f"{annee}-S{semaine:02d}",
    )
    assert "Silencieuse" in resume.corps and "Comité de suivi" in resume.corps
    assert "Active" in resume.corps  # as the milestone's proposition
    assert "Trop loin" not in resume.corps
    assert rappels.resume_hebdomadaire(maintenant=MAINTENANT + dt.timedelta(days=7)) == 1
