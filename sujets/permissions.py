"""Who pilots which sujet. Organisation-wide roles and the views' access rules are in
``faireadmin.permissions``."""

from dataclasses import dataclass

from faireadmin.models import Agent
from faireadmin.permissions import (
    Utilisateur,
    est_dg,
    est_lab,
    peut_lire_le_pilotage,
    peut_organiser,
)
from sujets.models import Pilotage


def sujets_pilotes(user: Utilisateur) -> frozenset[int]:
    """The sujets the user pilots (or co-pilots). Read once for the user object, as its groups
    are (``Agent.group_names``): a request's checks and navigation share one query."""
    if not isinstance(user, Agent):
        return frozenset()
    if user._sujets_pilotes is None:
        user._sujets_pilotes = frozenset(
            Pilotage.objects.filter(agent=user).values_list("sujet_id", flat=True)
        )
    return user._sujets_pilotes


def est_pilote(user: Utilisateur) -> bool:
    return bool(sujets_pilotes(user))


def pilote_le_sujet(user: Utilisateur, sujet_id: int) -> bool:
    return sujet_id in sujets_pilotes(user)


@dataclass(frozen=True)
class Roles:
    """The roles of the current user and what they allow, as the navigation and the
    templates read them (``{{ roles.peut_organiser }}``): the same answers as the views'."""

    est_pilote: bool
    est_lab: bool
    est_dg: bool
    est_admin: bool
    peut_organiser: bool
    peut_lire_le_pilotage: bool

    @classmethod
    def de(cls, user: Utilisateur) -> "Roles":
        return cls(
            est_pilote=est_pilote(user),
            est_lab=est_lab(user),
            est_dg=est_dg(user),
            est_admin=user.is_authenticated and user.is_staff,
            peut_organiser=peut_organiser(user),
            peut_lire_le_pilotage=peut_lire_le_pilotage(user),
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
