"""Who may change a proposition: the pilotes of its sujet and the équipe du Lab'.
Everyone logged in reads; the direction générale reads everything and changes nothing.
Creating propositions and test feedback is the Lab's (``faireadmin.permissions``)."""

from django.core.exceptions import PermissionDenied

from faireadmin.permissions import Utilisateur, peut_organiser
from suivi.models import Proposition
from sujets.permissions import pilote_le_sujet


def peut_modifier_proposition(user: Utilisateur, proposition: Proposition) -> bool:
    return peut_organiser(user) or pilote_le_sujet(user, proposition.sujet_id)


def exiger_modifier_proposition(user: Utilisateur, proposition: Proposition) -> None:
    if not peut_modifier_proposition(user, proposition):
        raise PermissionDenied(
            "Seuls les pilotes du sujet et l'équipe du Lab' modifient cette proposition."
        )
