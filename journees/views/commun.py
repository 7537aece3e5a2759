"""What the agents' and the organisers' views share: how a refused write is answered."""

from django.core.exceptions import ValidationError

from journees import services
from journees.models import Inscription

Statut = Inscription.Statut


def message_du_refus(erreur: ValidationError) -> str:
    return " ".join(erreur.messages)


def statut_du_refus(erreur: ValidationError) -> int:
    """A refusal: 422; a journée too busy to take the change now (nothing written): 409."""
    return 409 if getattr(erreur, "code", None) == services.VerrouOccupeError.code_refus else 422
