"""The journée's seat lock: each change of seats or waiting-list ranks first locks the
journée's row (``SELECT … FOR UPDATE``), once per transaction; the count of confirmed
registrations and the ranks are then read and written under that lock, so that hundreds of
agents registering at once can never overbook a journée. The lock waits
``ATTENTE_DU_VERROU`` at most: then the change is refused, « réessayez »."""

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from psycopg.errors import LockNotAvailable

from journees.models import Inscription, Journee

LOCK_NOT_AVAILABLE = LockNotAvailable.sqlstate

# A seat lock waits this long at most for another transaction holding it (a rush, a slow
# export), then the change is refused with « réessayez » (``VerrouOccupeError``, answered 409).
ATTENTE_DU_VERROU = "3s"


class VerrouOccupeError(ValidationError):
    """The journée's row stayed locked by another change for ``ATTENTE_DU_VERROU``: a refusal
    like the others (nothing written), that the views answer with 409 (« réessayez »)."""

    code_refus = "occupe"

    def __init__(self) -> None:
        super().__init__(
            "Beaucoup de changements arrivent en même temps sur cette journée : rien n'a été "
            "enregistré. Réessayez dans un instant.",
            code=self.code_refus,
        )


def journee_verrouiller(journee_id: int) -> Journee:
    """The journée, its row locked until the transaction ends. On PostgreSQL the wait is
    bounded in the same statement: ``set_config(…, is_local => true)`` in its WHERE runs as the
    row is read, before it is locked, and holds for this transaction only (what
    ``SET LOCAL lock_timeout`` does, one statement fewer on every registration)."""
    journees = Journee.objects.select_for_update()
    if connection.vendor == "postgresql":
        journees = journees.filter(
            RawSQL(
                "set_config('lock_timeout', %s, true) IS NOT NULL",
                [ATTENTE_DU_VERROU],
                output_field=BooleanField(),
            )
        )
    try:
        return journees.get(pk=journee_id)
    except OperationalError as erreur:
        if getattr(erreur.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise VerrouOccupeError from erreur
        raise


def inscription_verrouiller(inscription: Inscription | int) -> tuple[Inscription, Journee]:
    """Locks the journée, then reads the registration afresh under that lock."""
    pk = inscription.pk if isinstance(inscription, Inscription) else inscription
    journee_id = Inscription.objects.values_list("journee_id", flat=True).get(pk=pk)
    journee = journee_verrouiller(journee_id)
    return Inscription.objects.select_related("agent").get(pk=pk), journee
