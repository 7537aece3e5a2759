"""Writes of the journées: registrations and the journées themselves go through here.

- ``verrous``: the journée's seat lock, under which seats and ranks change;
- ``inscriptions``: registering, cancelling, the waiting list, the attendance sheet and the
  calendar feed;
- ``journees``: a journée's details and its bilan;
- ``periodiques``: the jobs (the reminder two days before, the erasure of private needs).

Refusals are ``ValidationError`` with a French message; authorisation failures are
``PermissionDenied``. E-mails are written into the outbox in the same transaction, and sent
by a Celery task once it has committed (see ``faireadmin.outbox``). Each write names the cache
scopes it changes (``faireadmin.cache.portees``).
"""

from journees.services.inscriptions import (
    abonnement_regenerer,
    inscription_annuler,
    inscription_creer,
    inscription_deplacer,
    inscription_promouvoir,
    journee_combler_places,
    presence_marquer,
)
from journees.services.journees import (
    PERIMEE,
    TEXTES_LONGS,
    journee_differences,
    journee_enregistrer,
    journee_enregistrer_bilan,
    journee_libelle,
)
from journees.services.periodiques import besoins_effacer, rappels_j2_envoyer
from journees.services.verrous import VerrouOccupeError

__all__ = [
    "PERIMEE",
    "TEXTES_LONGS",
    "VerrouOccupeError",
    "abonnement_regenerer",
    "besoins_effacer",
    "inscription_annuler",
    "inscription_creer",
    "inscription_deplacer",
    "inscription_promouvoir",
    "journee_combler_places",
    "journee_differences",
    "journee_enregistrer",
    "journee_enregistrer_bilan",
    "journee_libelle",
    "presence_marquer",
    "rappels_j2_envoyer",
]
