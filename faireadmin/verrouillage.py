"""Brute force protection: after VERROUILLAGE_ECHECS failed logins for one account from one
address within VERROUILLAGE_MINUTES, that pair is locked out until the last failure is that
old. Counted from the security log, so every web process sees the same count; a successful
login starts the count again."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from faireadmin.audit import adresse_client
from faireadmin.models import EvenementSecurite

Nature = EvenementSecurite.Nature


def verrouille_jusqua(
    identifiant: str, adresse: str | None, maintenant: dt.datetime | None = None
) -> dt.datetime | None:
    """Until when this account is locked out from this address, or None."""
    maintenant = maintenant or timezone.now()
    duree = dt.timedelta(minutes=settings.VERROUILLAGE_MINUTES)
    evenements = EvenementSecurite.objects.filter(
        identifiant=identifiant.strip().lower(), adresse_ip=adresse
    )
    depuis = maintenant - duree
    derniere_reussite = evenements.filter(nature=Nature.CONNEXION).aggregate(m=Max("cree_le"))["m"]
    if derniere_reussite and derniere_reussite > depuis:
        depuis = derniere_reussite
    echecs = evenements.filter(nature=Nature.ECHEC_CONNEXION, cree_le__gt=depuis)
    if echecs.count() < settings.VERROUILLAGE_ECHECS:
        return None
    derniere = echecs.aggregate(m=Max("cree_le"))["m"]
    return derniere + duree if derniere else None


class ConnexionProtegee(ModelBackend):
    """Login by e-mail and password, refused while the account is locked out from this
    address (PermissionDenied also stops Django from trying the other backends)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and verrouille_jusqua(username, adresse_client(request)):
            raise PermissionDenied("Compte verrouillé.")
        return super().authenticate(request, username=username, password=password, **kwargs)
