"""Brute force protection: after VERROUILLAGE_ECHECS failed logins for one account from one
address within VERROUILLAGE_MINUTES, that pair is locked out until the last failure is that
old. Counted from the security log, so every web process sees the same count. The attempts on
one pair are serialised (a PostgreSQL advisory lock held from the count to the record of the
failure): attempts sent in parallel cannot all pass the count. A successful login from that
address, or a password reset, starts the count again."""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from faireadmin import audit
from faireadmin.models import Agent, EvenementSecurite

Nature = EvenementSecurite.Nature


def verrouille_jusqua(
    identifiant: str, adresse: str | None, maintenant: dt.datetime | None = None
) -> dt.datetime | None:
    """Until when this account is locked out from this address, or None."""
    maintenant = maintenant or timezone.now()
    duree = dt.timedelta(minutes=settings.VERROUILLAGE_MINUTES)
    evenements = EvenementSecurite.objects.filter(
        identifiant=Agent.objects.normalize_email(identifiant)
    )
    depuis = maintenant - duree
    remise_a_zero = evenements.filter(
        Q(nature=Nature.CONNEXION, adresse_ip=adresse)
        | Q(nature=Nature.MOT_DE_PASSE, details__operation="réinitialisation")
    ).aggregate(m=Max("cree_le"))["m"]
    if remise_a_zero and remise_a_zero > depuis:
        depuis = remise_a_zero
    echecs = evenements.filter(
        nature=Nature.ECHEC_CONNEXION, adresse_ip=adresse, cree_le__gt=depuis
    )
    if echecs.count() < settings.VERROUILLAGE_ECHECS:
        return None
    derniere = echecs.aggregate(m=Max("cree_le"))["m"]
    return derniere + duree if derniere else None


def _une_tentative_a_la_fois(identifiant: str, adresse: str | None) -> None:
    """Until the transaction ends, other attempts on this pair wait (PostgreSQL; the SQLite
    of ``make run`` serves one request at a time)."""
    if connection.vendor != "postgresql":
        return
    empreinte = hashlib.sha256(f"connexion:{identifiant}:{adresse}".encode()).digest()
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(empreinte[:8], "big", signed=True)]
        )


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
        if username is None or password is None:
            return None  # not a password login
        identifiant = Agent.objects.normalize_email(username)
        adresse = audit.adresse_client(request)
        with transaction.atomic():
            _une_tentative_a_la_fois(identifiant, adresse)
            verrouille = verrouille_jusqua(identifiant, adresse)
            agent = (
                None
                if verrouille
                else super().authenticate(request, username=username, password=password, **kwargs)
            )
            if agent is None:
                # Recorded here, under the lock, so that the next attempt counts it.
                audit.consigner(
                    Nature.VERROUILLAGE if verrouille else Nature.ECHEC_CONNEXION,
                    agent=Agent.objects.filter(email=identifiant).first(),
                    request=request,
                    identifiant=identifiant,
                )
                if request is not None:
                    request.echec_consigne = True  # type: ignore[attr-defined]
        if verrouille:
            if request is not None:  # for the login form's message
                request.verrouille_jusqua = verrouille  # type: ignore[attr-defined]
            raise PermissionDenied("Compte verrouillé.")
        return agent
