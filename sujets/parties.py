"""What every page reads of the user, cached for that user (never in a shared entry): the
roles of the navigation. Views and templates read them through ``context_processors.roles``;
the views' own checks read the database (``permissions.py``)."""

from faireadmin.cache import en_cache
from faireadmin.cache.portees import PROGRAMME
from faireadmin.models import Agent
from faireadmin.permissions import Utilisateur
from sujets.permissions import Roles


def roles(user: Utilisateur) -> Roles:
    """The user's roles, until a pilotage, an agent or a group changes (``programme``)."""
    if not isinstance(user, Agent):
        return Roles.de(user)
    return en_cache(
        f"roles:{user.pk}",
        lambda: Roles.de(user),
        portees=(PROGRAMME,),
        partage=False,
        compte=False,  # read on every page: not what its content came from
    )
