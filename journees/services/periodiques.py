"""The journées' periodic jobs (called by ``journees.tasks``): the reminder two days before,
and the erasure of the registrants' private needs after the retention period."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from faireadmin.cache import portees
from journees import notifications
from journees.models import Inscription

Statut = Inscription.Statut


def rappels_j2_envoyer(*, maintenant: dt.datetime | None = None) -> int:
    """The reminder to confirmed registrants of the journées two days from now. Run it as
    often as you like: each registrant gets it once. Returns how many were written now."""
    jour = timezone.localdate(maintenant or timezone.now()) + dt.timedelta(days=2)
    inscriptions = Inscription.objects.filter(
        journee__date=jour, statut=Statut.CONFIRMEE, agent__is_active=True
    ).select_related("agent", "journee")
    ecrits = 0
    for inscription in inscriptions:
        with transaction.atomic():
            ecrits += notifications.rappeler(inscription, jour=jour) is not None
    return ecrits


def besoins_effacer(*, maintenant: dt.datetime | None = None) -> int:
    """Retention: the private needs given at registration (accessibility, meals) are erased
    JOURS_CONSERVATION_BESOINS days after the journée. Returns how many registrations."""
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_BESOINS"]
    limite = timezone.localdate(maintenant or timezone.now()) - dt.timedelta(days=jours)
    with transaction.atomic():
        effacees = (
            Inscription.objects.filter(journee__date__lte=limite)
            .exclude(besoins_accessibilite="", contraintes_repas="")
            .update(besoins_accessibilite="", contraintes_repas="")
        )
        if effacees:
            portees.inscriptions_changees()  # update() sends no signal
    return effacees
