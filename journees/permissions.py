"""Who may register whom, and cancel which registration. Organising a journée (its waiting
list, attendance, bilan) is ``faireadmin.permissions.peut_organiser``."""

from django.core.exceptions import PermissionDenied

from faireadmin.models import Agent
from faireadmin.permissions import Utilisateur, peut_organiser
from journees.models import Inscription


def peut_inscrire(acteur: Utilisateur, agent: Agent) -> bool:
    """Oneself, always (within the journée's rules); anyone else: the organisers."""
    return acteur.is_authenticated and (acteur.pk == agent.pk or peut_organiser(acteur))


def exiger_inscrire(acteur: Utilisateur, agent: Agent) -> None:
    if not peut_inscrire(acteur, agent):
        raise PermissionDenied("Vous ne pouvez inscrire que vous-même.")


def peut_annuler(acteur: Utilisateur, inscription: Inscription) -> bool:
    """One's own registration; anyone's: the organisers."""
    return acteur.is_authenticated and (inscription.agent_id == acteur.pk or peut_organiser(acteur))


def exiger_annuler(acteur: Utilisateur, inscription: Inscription) -> None:
    if not peut_annuler(acteur, inscription):
        raise PermissionDenied("Vous ne pouvez annuler que vos propres inscriptions.")


def agit_pour_autrui(acteur: Utilisateur, agent_id: int) -> bool:
    """An organiser acting on someone else's registration (other rules apply: registration
    closed or not, the history of the journée)."""
    return acteur.pk != agent_id and peut_organiser(acteur)
