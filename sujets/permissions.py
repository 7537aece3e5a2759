"""Who may do what on sujets. Organisation-wide roles are in ``faireadmin.roles``."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from faireadmin.models import Agent
from faireadmin.roles import est_dg, est_lab
from sujets.models import Pilotage


def sujets_pilotes(user: Agent | AnonymousUser) -> frozenset[int]:
    """The sujets the user pilots (or co-pilots). Read once for the user object, as its groups
    are (``Agent.group_names``): a request's checks and navigation share one query."""
    if not user.is_authenticated:
        return frozenset()
    try:
        return user._sujets_pilotes  # type: ignore[union-attr,attr-defined]
    except AttributeError:
        sujets = frozenset(Pilotage.objects.filter(agent=user).values_list("sujet_id", flat=True))
        user._sujets_pilotes = sujets  # type: ignore[union-attr,attr-defined]
        return sujets


def est_pilote(user: Agent | AnonymousUser) -> bool:
    return bool(sujets_pilotes(user))


def pilote_le_sujet(user: Agent | AnonymousUser, sujet_id: int) -> bool:
    return sujet_id in sujets_pilotes(user)


@dataclass(frozen=True)
class Roles:
    """The roles of the current user, as the navigation shows them."""

    est_pilote: bool
    est_lab: bool
    est_dg: bool
    est_admin: bool

    @classmethod
    def de(cls, user: Agent | AnonymousUser) -> "Roles":
        return cls(
            est_pilote=est_pilote(user),
            est_lab=est_lab(user),
            est_dg=est_dg(user),
            est_admin=user.is_authenticated and user.is_staff,
        )

    @property
    def libelles(self) -> list[str]:
        noms = [
            (self.est_pilote, "Pilote"),
            (self.est_lab, "Équipe du Lab'"),
            (self.est_dg, "Direction générale"),
            (self.est_admin, "Administration"),
        ]
        return [nom for actif, nom in noms if actif] or ["Agent"]
