"""What is stored about an agent (RGPD right of access): every row that concerns them, across
the applications (this module sits at the top of the import chain for that reason), for the
page « Mes données » and its JSON and CSV downloads. Reads only."""

import datetime as dt
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from faireadmin.models import Agent, EvenementSecurite, Notification
from journees.models import AbonnementCalendrier, Inscription
from suivi.dg.exports import csv_en_flux
from suivi.models import PointAvancement, Rapport, RetourTest
from sujets.models import Pilotage


def _date(valeur: dt.datetime | dt.date | None) -> dt.datetime | dt.date | str:
    """Dates stay dates (the page formats them in French, JSON and CSV in ISO 8601)."""
    if valeur is None:
        return ""
    if isinstance(valeur, dt.datetime):
        return timezone.localtime(valeur).replace(microsecond=0)
    return valeur


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
