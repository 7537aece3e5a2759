"""Who did what, and when, to a journée and its registrations: every organiser's action
(registering someone, cancelling, promoting, moving in the waiting list, giving free seats,
editing the journée, its bilan), made on the organisation pages or in the admin. Written in
Django's admin history (``LogEntry``: the object's « Historique » in the admin), which the
security log copies, by the services that make the change: one place, whatever the door."""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from faireadmin.models import Agent
from journees.models import Inscription, Journee


def consigner(
    objet: Journee | Inscription, *, acteur: Agent, message: str, ajout: bool = False
) -> LogEntry:
    """``message`` about ``objet`` (a registration's is prefixed by the agent's name)."""
    if isinstance(objet, Inscription):
        message = f"{objet.agent} : {message[0].lower()}{message[1:]}"
    return LogEntry.objects.log_actions(
        user_id=acteur.pk,
        queryset=[objet],
        action_flag=ADDITION if ajout else CHANGE,
        change_message=message,
        single_object=True,
    )
