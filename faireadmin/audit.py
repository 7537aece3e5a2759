"""The security log (``EvenementSecurite``): who logged in, failed, was locked out, logged out,
got or lost rights, exported data, changed something in the admin, was anonymised.

Logins and failures come from Django's authentication signals, rights from changes to an
agent's groups and flags, admin changes from Django's own admin log; exports are logged by
the views that produce them."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from faireadmin.models import Agent, EvenementSecurite
from faireadmin.proxy import adresse_client

Nature = EvenementSecurite.Nature


def consigner(
    nature: str,
    *,
    agent: Agent | None = None,
    request: HttpRequest | None = None,
    identifiant: str = "",
    appareil: str = "",
    **details: Any,
) -> EvenementSecurite:
    return EvenementSecurite.objects.create(
        nature=nature,
        agent=agent if agent is not None and agent.pk else None,
        identifiant=identifiant[:254],
        adresse_ip=adresse_client(request),
        appareil=appareil,
        details=details,
    )


def purger(*, maintenant: dt.datetime | None = None) -> int:
    """Retention: events older than JOURS_CONSERVATION_JOURNAL_SECURITE days are deleted."""
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_JOURNAL_SECURITE"]
    limite = (maintenant or timezone.now()) - dt.timedelta(days=jours)
    supprimes, _ = EvenementSecurite.objects.filter(cree_le__lt=limite).delete()
    return supprimes


def demandes_recentes(*, nature: str, identifiant: str, operation: str, heures: int = 1) -> int:
    """How many times ``identifiant`` asked for ``operation`` in the last ``heures`` (the
    limits on repeated requests, such as a password reset, read the log)."""
    return EvenementSecurite.objects.filter(
        nature=nature,
        identifiant=identifiant,
        details__operation=operation,
        cree_le__gte=timezone.now() - dt.timedelta(hours=heures),
    ).count()


def exporte(request: HttpRequest, quoi: str, **details: Any) -> None:
    """An export of personal or steering data: who, what, from where."""
    consigner(Nature.EXPORT, agent=request.user, request=request, quoi=quoi, **details)  # type: ignore[arg-type]


# --- Receivers (connected in FaireAdminConfig.ready) ---------------------------------------
def a_la_connexion(sender: Any, request: HttpRequest, user: Agent, **kwargs: Any) -> None:
    methode = "sso" if "sso" in (getattr(user, "backend", "") or "") else "mot_de_passe"
    consigner(
        Nature.CONNEXION, agent=user, request=request, identifiant=user.email, methode=methode
    )


def a_l_echec(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A login refused by single sign-on (password logins are logged by their backend, under
    the lock of verrouillage)."""
    if "username" in credentials or getattr(request, "echec_consigne", False):
        return
    consigner(
        Nature.ECHEC_CONNEXION,
        request=request,
        methode="sso",
        motif=getattr(request, "motif_echec_sso", "réponse du fournisseur refusée"),
    )


def a_la_deconnexion(sender: Any, request: HttpRequest, user: Agent | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        consigner(Nature.DECONNEXION, agent=user, request=request, identifiant=user.email)


def aux_groupes(sender: Any, instance: Any, action: str, pk_set: set | None, **kwargs: Any) -> None:
    """Rights given or taken through groups (the Lab', the direction générale)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.contrib.auth.models import Group

    groupes = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    if isinstance(instance, Agent):
        consigner(
            Nature.DROITS,
            agent=instance,
            identifiant=instance.email,
            groupes=groupes,
            operation={"post_add": "ajout", "post_remove": "retrait", "post_clear": "tous retirés"}[
                action
            ],
        )


CHAMPS_DE_DROITS = ("is_active", "is_staff", "is_superuser")


def avant_enregistrement_agent(sender: Any, instance: Agent, **kwargs: Any) -> None:
    if not instance.pk:
        return
    avant = Agent.objects.filter(pk=instance.pk).values(*CHAMPS_DE_DROITS).first()
    if not avant:
        return
    changes = {
        champ: {"avant": avant[champ], "apres": getattr(instance, champ)}
        for champ in CHAMPS_DE_DROITS
        if avant[champ] != getattr(instance, champ)
    }
    if changes:
        consigner(Nature.DROITS, agent=instance, identifiant=instance.email, changements=changes)


def a_l_administration(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every change made in the admin (Django's LogEntry), copied into the security log."""
    if not created:
        return
    consigner(
        Nature.ADMINISTRATION,
        agent=instance.user if isinstance(instance.user, Agent) else None,
        objet=f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id}",
        libelle=instance.object_repr,
        action={1: "ajout", 2: "modification", 3: "suppression"}.get(instance.action_flag, ""),
        message=instance.get_change_message(),
    )
