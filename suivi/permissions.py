"""Who may change a proposition: the pilotes of its sujet and the équipe du Lab'.
Everyone logged in reads; the direction générale reads everything and changes nothing.
Creating propositions and test feedback is the Lab's (``faireadmin.permissions``). Reports:
anyone who reads the pilotage builds one on demand, the periodic ones are the Lab's. Erasing
an agent (irreversible): superusers only."""

from django.core.exceptions import PermissionDenied

from faireadmin.permissions import Utilisateur, peut_lire_le_pilotage, peut_organiser
from suivi.models import Proposition, Rapport
from sujets.permissions import pilote_le_sujet


def peut_modifier_proposition(user: Utilisateur, proposition: Proposition) -> bool:
    return peut_organiser(user) or pilote_le_sujet(user, proposition.sujet_id)


def exiger_modifier_proposition(user: Utilisateur, proposition: Proposition) -> None:
    if not peut_modifier_proposition(user, proposition):
        raise PermissionDenied(
            "Seuls les pilotes du sujet et l'équipe du Lab' modifient cette proposition."
        )


def peut_construire_rapport(user: Utilisateur, type: str) -> bool:
    """On demand: whoever reads the reports; a periodic one (normally built by beat) ahead of
    time: the Lab'."""
    if type == Rapport.Type.PONCTUEL:
        return peut_lire_le_pilotage(user)
    return peut_organiser(user)


def exiger_construire_rapport(user: Utilisateur, type: str) -> None:
    if not peut_construire_rapport(user, type):
        raise PermissionDenied(
            "Rapports réservés à la direction générale et au Lab'."
            if type == Rapport.Type.PONCTUEL
            else "Rapports périodiques réservés à l'équipe du Lab'."
        )


def peut_anonymiser(user: Utilisateur) -> bool:
    return user.is_authenticated and user.is_superuser


def exiger_anonymiser(user: Utilisateur) -> None:
    if not peut_anonymiser(user):
        raise PermissionDenied("Anonymiser un agent est réservé aux super-administrateurs.")
