"""Personal data (RGPD): what is stored about an agent, and its erasure.

``donnees_de`` gathers every row that concerns an agent, across the applications (this module
sits at the top of the import chain for that reason), for the page « Mes données » and its
JSON and CSV downloads. ``anonymiser`` is the right to erasure as an admin performs it: the
agent's name and address are gone for good, while the figures of the programme (registrations,
attendance, their direction) and the journal's text stay."""

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

from faireadmin import audit, cache
from faireadmin.models import Agent, EvenementSecurite, Notification
from journees import services as journees_services
from journees.models import AbonnementCalendrier, Inscription
from suivi.dg.exports import csv_en_flux
from suivi.models import PointAvancement, Rapport, RetourTest
from sujets.models import Pilotage, Sujet

# What is left of an anonymised agent: its direction (for the participation figures) and dates.
PRENOM_ANONYME = "Agent"
NOM_ANONYME = "anonymisé"


def email_anonyme(agent: Agent) -> str:
    return f"anonyme-{agent.pk}@anonyme.invalid"


def _date(valeur: dt.datetime | dt.date | None) -> dt.datetime | dt.date | str:
    """Dates stay dates (the page formats them in French, JSON and CSV in ISO 8601)."""
    if valeur is None:
        return ""
    if isinstance(valeur, dt.datetime):
        return timezone.localtime(valeur).replace(microsecond=0)
    return valeur


# --- Access -------------------------------------------------------------------------------
def donnees_de(agent: Agent) -> dict[str, Any]:
    """Everything stored about the agent, section by section: texts, numbers and dates."""
    inscriptions = (
        Inscription.objects.filter(agent=agent)
        .select_related("journee", "sujet_souhaite", "inscrit_par")
        .order_by("journee__date", "cree_le")
    )
    return {
        "compte": {
            "adresse e-mail": agent.email,
            "prénom": agent.first_name,
            "nom": agent.last_name,
            "direction": str(agent.direction) if agent.direction else "",
            "compte créé le": _date(agent.date_joined),
            "dernière connexion": _date(agent.last_login),
            "actif": "oui" if agent.is_active else "non",
            "accès à l'administration": "oui" if agent.is_staff else "non",
            "rôles": ", ".join(sorted(agent.groups.values_list("name", flat=True))),
            "authentification unique": (
                "compte lié à votre identité de la Région" if agent.identifiant_sso else "non"
            ),
            "mot de passe": (
                "défini (conservé chiffré, illisible)"
                if agent.has_usable_password()
                else "aucun (connexion par le compte de la Région)"
            ),
        },
        "pilotages": [
            {"sujet": p.sujet.titre, "rôle": p.get_role_display()}
            for p in Pilotage.objects.filter(agent=agent).select_related("sujet")
        ],
        "inscriptions": [
            {
                "journée": i.journee.titre,
                "date": _date(i.journee.date),
                "ville": i.journee.ville,
                "statut": i.get_statut_display(),
                "rang sur la liste d'attente": i.rang_attente or "",
                "présence": i.get_presence_display(),
                "sujet souhaité": i.sujet_souhaite.titre if i.sujet_souhaite else "",
                "besoins d'accessibilité": i.besoins_accessibilite,
                "contraintes alimentaires": i.contraintes_repas,
                "inscrit par": str(i.inscrit_par) if i.inscrit_par else "",
                "inscrit le": _date(i.cree_le),
                "annulée le": _date(i.annulee_le),
            }
            for i in inscriptions
        ],
        "calendrier": [
            {"adresse d'abonnement créée le": _date(a.cree_le)}
            for a in AbonnementCalendrier.objects.filter(agent=agent)
        ],
        "journal": [
            {
                "date": _date(p.cree_le),
                "proposition": p.proposition.titre,
                "texte": p.texte,
                "changements": " ; ".join(p.changements_lisibles()),
            }
            for p in PointAvancement.objects.filter(auteur=agent)
            .select_related("proposition")
            .order_by("cree_le", "id")
        ],
        "retours de test saisis": [
            {"date": _date(r.cree_le), "proposition": r.proposition.titre, "synthèse": r.synthese}
            for r in RetourTest.objects.filter(auteur=agent)
            .select_related("proposition")
            .order_by("cree_le")
        ],
        "rapports construits": [
            {"rapport": str(r), "construit le": _date(r.cree_le)}
            for r in Rapport.objects.filter(cree_par=agent)
            .select_related("axe", "sujet")
            .order_by("cree_le")
        ],
        "messages envoyés": [
            {
                "date": _date(n.cree_le),
                "objet du message": n.sujet,
                "état": n.get_statut_display(),
            }
            for n in Notification.objects.filter(Q(agent=agent) | Q(destinataire=agent.email))
            .only("cree_le", "sujet", "statut")
            .order_by("cree_le")
        ],
        "modifications de votre compte dans l'administration": [
            {
                "date": _date(e.action_time),
                "action": {1: "création", 2: "modification", 3: "suppression"}.get(
                    e.action_flag, ""
                ),
                "détail": e.get_change_message(),
            }
            for e in LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Agent), object_id=str(agent.pk)
            ).order_by("action_time")
        ],
        "journal de sécurité": [
            {
                "date": _date(e.cree_le),
                "événement": e.get_nature_display(),
                "adresse IP": e.adresse_ip or "",
            }
            for e in EvenementSecurite.objects.filter(Q(agent=agent) | Q(identifiant=agent.email))
            .only("cree_le", "nature", "adresse_ip")
            .order_by("cree_le")
        ],
    }


def en_csv(donnees: dict[str, Any]) -> str:
    """The same data as one CSV for Excel in French: rubrique, n°, champ, valeur."""
    lignes = (
        [rubrique, numero, champ, valeur.isoformat() if isinstance(valeur, dt.date) else valeur]
        for rubrique, contenu in donnees.items()
        for numero, element in enumerate([contenu] if isinstance(contenu, dict) else contenu, 1)
        for champ, valeur in element.items()
    )
    return "".join(csv_en_flux(["Rubrique", "N°", "Champ", "Valeur"], lignes))


# --- Erasure ------------------------------------------------------------------------------
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
def anonymiser(*, agent: Agent, par: Agent, maintenant: dt.datetime | None = None) -> Anonymisation:
    """Erases an agent's identity for good. Kept: their direction, their registrations and
    attendance (the figures), the journal's text (author shown as « agent anonymisé »).
    Removed: name, e-mail, password, rights, pilotages, private needs, calendar address,
    messages; registrations to journées still to come are cancelled (the waiting list moves
    on)."""
    maintenant = maintenant or timezone.now()
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if agent.anonymise_le:
        raise ValidationError("Cet agent est déjà anonymisé.")
    if agent.pk == par.pk:
        raise ValidationError("Vous ne pouvez pas anonymiser votre propre compte.")
    ancien_email, ancien_nom = agent.email, (agent.first_name, agent.last_name)
    resultat = Anonymisation(agent=agent)

    a_venir = Inscription.objects.filter(agent=agent, journee__date__gte=maintenant.date()).exclude(
        statut=Inscription.Statut.ANNULEE
    )
    for inscription in a_venir.select_related("journee"):
        if inscription.journee.debut > maintenant:
            journees_services.inscription_annuler(
                inscription=inscription, par=agent, maintenant=maintenant
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
    cache.invalider()
    audit.consigner(
        EvenementSecurite.Nature.ANONYMISATION,
        agent=par,
        identifiant=par.email,
        agent_anonymise=agent.pk,
    )
    return resultat
