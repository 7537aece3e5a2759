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
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 2
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 0
    assert envois("sujet.sans_nouvelles") == [
        ("copilote@region.example", f"sujet:{sujet_silencieux.pk}", periode),
        ("pilote@region.example", f"sujet:{sujet_silencieux.pk}", periode),
    ]
    corps = Notification.objects.filter(nature="sujet.sans_nouvelles").first().corps
    assert sujet_silencieux.titre in corps and "plus de 30 jours" in corps
    assert envois("sujet.escalade") == []  # not yet


def test_the_lab_is_told_when_the_silence_goes_on(sujet_silencieux, lab):
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT)
    quinze_jours_plus_tard = MAINTENANT + dt.timedelta(days=15)
    rappels.rappels_pilotes_envoyer(maintenant=quinze_jours_plus_tard)
    rappels.rappels_pilotes_envoyer(maintenant=quinze_jours_plus_tard)
    assert [d for d, _, _ in envois("sujet.escalade")] == [lab.email]
    assert len(envois("sujet.sans_nouvelles")) == 2  # no second reminder for the same silence


def test_a_new_entry_then_a_new_silence_is_a_new_reminder(sujet_silencieux):
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT)
    proposition = sujet_silencieux.propositions.get()
    PointAvancementFactory(proposition=proposition, cree_le=MAINTENANT)
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=10)) == 0
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=31)) == 2


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
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 0


def test_each_overdue_milestone_is_reminded_once_then_escalated(lab):
    pilote = PilotageFactory(agent=AgentFactory(email="pilote@region.example"))
    proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=proposition, cree_le=il_y_a(1))
    aujourd_hui = timezone.localdate(MAINTENANT)
    retard = JalonFactory(proposition=proposition, echeance=aujourd_hui - dt.timedelta(days=3))
    JalonFactory(
        proposition=proposition, echeance=aujourd_hui - dt.timedelta(days=3), fait_le=aujourd_hui
    )

    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 1
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 0
    assert envois("jalon.en_retard") == [
        ("pilote@region.example", f"jalon:{retard.pk}", retard.echeance.isoformat())
    ]
    # The Lab' is told 15 days after the reminder, not before, and once.
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=14)) == 0
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=15)) == 1
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=16)) == 0
    assert [d for d, _, _ in envois("jalon.escalade")] == [lab.email]

    retard.echeance = aujourd_hui + dt.timedelta(days=20)  # postponed, then late again
    retard.save()
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=21)) == 1
    assert len(envois("jalon.en_retard")) == 2


def test_never_escalated_together_with_the_reminder(lab):
    """On a first run (or after an outage), a case long overdue gets its reminder first."""
    pilote = PilotageFactory()
    proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=proposition, cree_le=il_y_a(80))
    JalonFactory(
        proposition=proposition, echeance=timezone.localdate(MAINTENANT) - dt.timedelta(60)
    )
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT)
    assert envois("sujet.escalade") == envois("jalon.escalade") == []
    assert len(envois("sujet.sans_nouvelles")) == len(envois("jalon.en_retard")) == 1


def test_a_newcomer_to_the_lab_is_not_sent_old_escalations(sujet_silencieux, lab):
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT)
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=15))
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_LAB

    nouveau = AgentFactory(email="nouveau@region.example")
    nouveau.groups.add(Group.objects.get(name=GROUPE_LAB))
    rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT + dt.timedelta(days=60))
    assert [d for d, _, _ in envois("sujet.escalade")] == [lab.email]


def test_re_running_the_job_costs_few_queries(django_assert_max_num_queries):
    for _ in range(10):
        pilote = PilotageFactory()
        proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS)
        PointAvancementFactory(proposition=proposition, cree_le=il_y_a(40))
        JalonFactory(
            proposition=proposition, echeance=timezone.localdate(MAINTENANT) - dt.timedelta(3)
        )
    # Ten silent sujets, ten overdue milestones: the first run has work, the second none.
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 20
    with django_assert_max_num_queries(8):
        assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 0


def test_long_titles_do_not_stop_the_job():
    pilote = PilotageFactory()
    proposition = PropositionFactory(sujet=pilote.sujet, statut=Statut.EN_COURS, titre="p" * 240)
    PointAvancementFactory(proposition=proposition, cree_le=il_y_a(1))
    JalonFactory(
        proposition=proposition,
        titre="j" * 240,
        echeance=timezone.localdate(MAINTENANT) - dt.timedelta(3),
    )
    assert rappels.rappels_pilotes_envoyer(maintenant=MAINTENANT) == 1
    assert len(Notification.objects.get().sujet) == 250


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

    assert rappels.resumes_hebdomadaires_envoyer(maintenant=MAINTENANT) == 1
    assert rappels.resumes_hebdomadaires_envoyer(maintenant=MAINTENANT) == 0
    (resume,) = Notification.objects.filter(nature="pilote.resume_hebdomadaire")
    annee, semaine, _ = timezone.localdate(MAINTENANT).isocalendar()
    assert (resume.destinataire, resume.periode) == (
        "pilote@region.example",
        f"{annee}-S{semaine:02d}",
    )
    assert "Silencieuse" in resume.corps and "Comité de suivi" in resume.corps
    assert "Active" in resume.corps  # as the milestone's proposition
    assert "Trop loin" not in resume.corps
    assert rappels.resumes_hebdomadaires_envoyer(maintenant=MAINTENANT + dt.timedelta(days=7)) == 1
