"""Who may change a proposition: the pilotes of its sujet and the équipe du Lab'.
Everyone logged in reads; the direction générale reads everything and changes nothing."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from faireadmin.models import Agent
from faireadmin.roles import est_lab
from suivi.models import Proposition
from sujets.permissions import pilote_le_sujet


def peut_modifier(user: Agent | AnonymousUser, proposition: Proposition) -> bool:
    return est_lab(user) or pilote_le_sujet(user, proposition.sujet_id)


def exiger_modification(user: Agent, proposition: Proposition) -> None:
    if not peut_modifier(user, proposition):
        raise PermissionDenied(
            "Seuls les pilotes du sujet et l'équipe du Lab' modifient cette proposition."
        )
