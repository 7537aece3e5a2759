import datetime as dt
import time

import pytest
from django.core import mail
from django.db import transaction
from icalendar import Calendar

from journees import services
from journees.calendrier import uid
from journees.models import Inscription
from journees.notifications import jeton_annulation
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory

Statut = Inscription.Statut


def ics(message) -> Calendar:
    (nom, contenu, type_mime) = message.attachments[0]
    assert (nom, type_mime) == ("journee.ics", "text/calendar")
    return Calendar.from_ical(contenu)


def evenement(calendrier: Calendar):
    (vevent,) = calendrier.walk("VEVENT")
    return vevent


@pytest.mark.django_db
def test_confirmation_mail_has_the_invitation_and_a_cancel_link(
    django_capture_on_commit_callbacks, settings
):
    settings.FAIREADMIN = {
        **settings.FAIREADMIN,
        "SITE_URL": "https://faire-administration.region.example",
    }
    journee = JourneeFactory(
        titre="Explorer — Albi", date=dt.date(2027, 4, 10), lieu="Salle Jaurès"
    )
    agent = AgentFactory(first_name="Inès", email="ines@region.example")
    with django_capture_on_commit_callbacks(execute=True):
        inscription, _ = services.inscription_creer(journee=journee, agent=agent, acteur=agent)

    (message,) = mail.outbox
    assert message.to == ["ines@region.example"]
    assert message.subject == "Inscription confirmée : Explorer — Albi, le 10/04/2027"
    assert "Bonjour Inès" in message.body and "Salle Jaurès" in message.body
    lien = (
        f"https://faire-administration.region.example/annulation/{jeton_annulation(inscription)}/"
    )
    assert lien in message.body
    calendrier = ics(message)
    assert calendrier["METHOD"] == "PUBLISH"
    vevent = evenement(calendrier)
    assert vevent["UID"] == uid(journee)
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent.decoded("DTSTART") == journee.debut
    assert vevent.decoded("DTSTART").utcoffset() == dt.timedelta(0)


@pytest.mark.django_db
def test_waiting_list_mail_gives_the_rank(django_capture_on_commit_callbacks):
    journee = JourneeFactory(capacite=1)
    InscriptionFactory(journee=journee)
    agent = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_creer(journee=journee, agent=agent, acteur=agent)
    (message,) = mail.outbox
    assert message.subject.startswith("Liste d'attente :")
    assert "au rang 1" in message.body
    assert evenement(ics(message))["STATUS"] == "TENTATIVE"


@pytest.mark.django_db
def test_a_cancellation_tells_both_agents(django_capture_on_commit_callbacks):
    journee = JourneeFactory(capacite=1)
    partant = InscriptionFactory(
        journee=journee, agent=AgentFactory(email="partant@region.example")
    )
    InscriptionFactory(
        journee=journee,
        statut=Statut.ATTENTE,
        rang_attente=1,
        agent=AgentFactory(email="suivant@region.example"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_annuler(inscription=partant, acteur=partant.agent)

    par_destinataire = {m.to[0]: m for m in mail.outbox}
    assert set(par_destinataire) == {"partant@region.example", "suivant@region.example"}
    promotion = par_destinataire["suivant@region.example"]
    assert promotion.subject.startswith("Une place s'est libérée")
    assert evenement(ics(promotion))["STATUS"] == "CONFIRMED"
    annulation = par_destinataire["partant@region.example"]
    assert annulation.subject.startswith("Inscription annulée")
    assert ics(annulation)["METHOD"] == "CANCEL"
    assert evenement(ics(annulation))["STATUS"] == "CANCELLED"


@pytest.mark.django_db
def test_no_mail_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    journee = JourneeFactory()
    agent = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True) as rappels, transaction.atomic():
        services.inscription_creer(journee=journee, agent=agent, acteur=agent)
        transaction.set_rollback(True)
    assert rappels == [] and mail.outbox == []
    assert not journee.inscriptions.exists()


@pytest.mark.django_db
def test_a_registration_by_an_organiser_is_confirmed_to_the_agent(
    django_capture_on_commit_callbacks, lab
):
    agent = AgentFactory(email="inscrit@region.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_creer(journee=JourneeFactory(), agent=agent, acteur=lab)
    assert [m.to for m in mail.outbox] == [["inscrit@region.example"]]


def test_a_real_worker_sends_exactly_one_confirmation(worker_celery):
    """Through the real Redis broker and a real worker: one registration, one e-mail."""
    journee = JourneeFactory()
    agent = AgentFactory(email="reel@region.example")
    services.inscription_creer(journee=journee, agent=agent, acteur=agent)  # commits

    limite = time.monotonic() + 15
    while not mail.outbox and time.monotonic() < limite:
        time.sleep(0.05)
    time.sleep(0.5)  # a second e-mail would have arrived by now
    assert [(m.to, m.subject.split(" :")[0]) for m in mail.outbox] == [
        (["reel@region.example"], "Inscription confirmée")
    ]
