"""The organisation-wide roles, granted by group membership.

The pilote role is a row of ``sujets.Pilotage`` and is checked in ``sujets.permissions``.
"""

from django.contrib.auth.models import AnonymousUser

from faireadmin.models import Agent

GROUPE_LAB = "Équipe du Lab'"
GROUPE_DG = "Direction générale"


def est_lab(user: Agent | AnonymousUser) -> bool:
    """Organisers: manage journées, registrations and propositions of any sujet."""
    return user.is_authenticated and (user.is_superuser or GROUPE_LAB in user.group_names)


def est_dg(user: Agent | AnonymousUser) -> bool:
    """Direction générale: reads every dashboard and report, changes nothing."""
    return user.is_authenticated and (user.is_superuser or GROUPE_DG in user.group_names)
