import datetime as dt

import pytest
from django.utils import timezone

from faireadmin.models import Notification
from journees import services
from journees.models import Inscription
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory

pytestmark = pytest.mark.django_db


def test_j2_reminds_confirmed_registrants_of_the_day_after_tomorrow_once():
    maintenant = timezone.now()
    apres_demain = JourneeFactory(date=timezone.localdate(maintenant) + dt.timedelta(days=2))
    confirmee = InscriptionFactory(journee=apres_demain)
    InscriptionFactory(journee=apres_demain, statut=Inscription.Statut.ATTENTE, rang_attente=1)
    InscriptionFactory(journee=apres_demain, statut=Inscription.Statut.ANNULEE)
    InscriptionFactory(journee=apres_demain, agent=AgentFactory(is_active=False))
    InscriptionFactory(
        journee=JourneeFactory(date=timezone.localdate(maintenant) + dt.timedelta(days=3))
    )

    assert services.rappels_j2_envoyer(maintenant=maintenant) == 1
    assert services.rappels_j2_envoyer(maintenant=maintenant) == 0
    (rappel,) = Notification.objects.all()
    assert (rappel.destinataire, rappel.nature) == (confirmee.agent.email, "inscription.rappel_j2")
    assert rappel.sujet.startswith("Rappel :") and "après-demain" in rappel.sujet
    assert apres_demain.lieu in rappel.corps
    # The cancellation link is made when the e-mail leaves, never stored.
    assert rappel.liens_secrets == {"annulation": {"inscription": confirmee.pk}}
    assert "[lien pour annuler l'inscription : ajouté à l'envoi]" in rappel.corps
    assert rappel.pieces_jointes[0]["nom"] == "journee.ics"
