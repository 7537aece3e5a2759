"""The right to erasure, as an admin performs it: ``agent_anonymiser``. The agent's name and
address are gone for good, while the figures of the programme (registrations, attendance, their
direction) and the journal's text stay.

Who may: the Django admin's action allows superusers only (``suivi.admin``), the one caller."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from faireadmin import audit
from faireadmin.cache import portees
from faireadmin.models import Agent, EvenementSecurite, Notification
from journees import services as journees_services
from journees.models import AbonnementCalendrier, Inscription
from suivi.models import Rapport
from suivi.permissions import exiger_anonymiser
from sujets.models import Pilotage, Sujet

# What is left of an anonymised agent: its direction (for the participation figures) and dates.
PRENOM_ANONYME = "Agent"
NOM_ANONYME = "anonymisé"


def email_anonyme(agent: Agent) -> str:
    return f"anonyme-{agent.pk}@anonyme.invalid"


def _caviarder(valeur: Any, remplacements: list[tuple[re.Pattern[str], str]]) -> Any:
    """``valeur`` (text, or JSON made of dicts and lists) with every mention replaced."""
    if isinstance(valeur, str):
        for motif, nouveau in remplacements:
            valeur = motif.sub(nouveau, valeur)
        return valeur
    if isinstance(valeur, dict):
        return {cle: _caviarder(v, remplacements) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_caviarder(v, remplacements) for v in valeur]
    return valeur


def _caviarder_les_traces(agent: Agent, ancien_email: str, ancien_nom: tuple[str, str]) -> None:
    """What still names the agent elsewhere: frozen reports (pilotes of the storms, overdue
    milestones, silent sujets), the admin's history, the security log, e-mails to others (an
    escalation names the pilotes). Their address and full name become the anonymous ones."""
    prenom, nom = (partie.strip() for partie in ancien_nom)
    mentions = [ancien_email]
    if prenom and nom:
        mentions += [f"{prenom} {nom}", f"{nom} {prenom}"]
    remplacements = [(re.compile(re.escape(ancien_email), re.IGNORECASE), agent.email)] + [
        (re.compile(re.escape(m), re.IGNORECASE), str(agent)) for m in mentions[1:]
    ]

    def mentionnant(modele: Any, *champs: str, json: str = "") -> Any:
        lignes = modele.objects.all()
        if json:
            lignes = lignes.annotate(_texte=Cast(json, TextField()))
            champs = (*champs, "_texte")
        condition = Q()
        for champ in champs:
            for mention in mentions:
                condition |= Q(**{f"{champ}__icontains": mention})
        return lignes.filter(condition)

    for rapport in mentionnant(Rapport, json="donnees"):
        rapport.donnees = _caviarder(rapport.donnees, remplacements)
        rapport.save(update_fields=["donnees"])
    for entree in mentionnant(LogEntry, "object_repr", "change_message"):
        entree.object_repr = _caviarder(entree.object_repr, remplacements)[:200]
        entree.change_message = _caviarder(entree.change_message, remplacements)
        entree.save(update_fields=["object_repr", "change_message"])
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Agent), object_id=str(agent.pk)
    ).update(object_repr=str(agent))
    for evenement in mentionnant(EvenementSecurite, "identifiant", json="details"):
        evenement.identifiant = _caviarder(evenement.identifiant, remplacements)
        evenement.details = _caviarder(evenement.details, remplacements)
        evenement.save(update_fields=["identifiant", "details"])
    for message in mentionnant(Notification, "sujet", "corps", "corps_html"):
        message.sujet = _caviarder(message.sujet, remplacements)
        message.corps = _caviarder(message.corps, remplacements)
        message.corps_html = _caviarder(message.corps_html, remplacements)
        message.save(update_fields=["sujet", "corps", "corps_html"])


@dataclass
class Anonymisation:
    agent: Agent
    inscriptions_annulees: int = 0
    sujets_sans_pilote: list[Sujet] = field(default_factory=list)


@transaction.atomic
def agent_anonymiser(
    *, acteur: Agent, agent: Agent, maintenant: dt.datetime | None = None
) -> Anonymisation:
    """Erases an agent's identity for good. Kept: their direction, their registrations and
    attendance (the figures), the journal's text (author shown as « agent anonymisé »).
    Removed: name, e-mail, password, rights, pilotages, private needs, calendar address,
    messages; registrations to journées still to come are cancelled (the waiting list moves
    on)."""
    exiger_anonymiser(acteur)
    maintenant = maintenant or timezone.now()
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if agent.anonymise_le:
        raise ValidationError("Cet agent est déjà anonymisé.")
    if agent.pk == acteur.pk:
        raise ValidationError("Vous ne pouvez pas anonymiser votre propre compte.")
    ancien_email, ancien_nom = agent.email, (agent.first_name, agent.last_name)
    resultat = Anonymisation(agent=agent)

    a_venir = Inscription.objects.filter(agent=agent, journee__date__gte=maintenant.date()).exclude(
        statut=Inscription.Statut.ANNULEE
    )
    for inscription in a_venir.select_related("journee"):
        if inscription.journee.debut > maintenant:
            journees_services.inscription_annuler(
                inscription=inscription, acteur=agent, maintenant=maintenant
            )
            resultat.inscriptions_annulees += 1
    Inscription.objects.filter(agent=agent).update(besoins_accessibilite="", contraintes_repas="")

    pilotages = Pilotage.objects.filter(agent=agent).select_related("sujet")
    sujets = [p.sujet for p in pilotages]
    pilotages.delete()
    resultat.sujets_sans_pilote = [s for s in sujets if not s.pilotages.exists()]
    AbonnementCalendrier.objects.filter(agent=agent).delete()
    # Messages for them are deleted (the ones waiting are not to be sent any more); messages
    # to others that name them are redacted below.
    Notification.objects.filter(Q(agent=agent) | Q(destinataire=ancien_email)).delete()

    agent.groups.clear()
    agent.user_permissions.clear()
    agent.email = email_anonyme(agent)
    agent.first_name, agent.last_name = PRENOM_ANONYME, NOM_ANONYME
    agent.is_active = agent.is_staff = agent.is_superuser = False
    agent.last_login = None
    agent.identifiant_sso = None  # the person's identity at the provider
    agent.anonymise_le = maintenant
    agent.set_unusable_password()  # also ends every open session of the agent
    agent.save()

    _caviarder_les_traces(agent, ancien_email, ancien_nom)
    # The pages that named them (pilotes, journal authors), cached or not, are stale from the
    # commit on: said here, not left to the signals of the rows above.
    portees.agent_anonymise()
    audit.consigner(
        EvenementSecurite.Nature.ANONYMISATION,
        agent=acteur,
        identifiant=acteur.email,
        agent_anonymise=agent.pk,
    )
    return resultat
