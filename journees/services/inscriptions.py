"""Registrations: registering, cancelling, the waiting list (promotion, ranks), the
attendance sheet, and the agent's calendar feed. Every change of seats and ranks is made under
the journée's lock (``verrous.py``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from faireadmin.cache import portees
from faireadmin.longueurs import exiger_longueurs
from faireadmin.models import Agent
from faireadmin.permissions import exiger_organiser
from journees import historique, notifications
from journees.models import AbonnementCalendrier, Inscription, Journee
from journees.permissions import agit_pour_autrui, exiger_annuler, exiger_inscrire
from journees.services.verrous import inscription_verrouiller, journee_verrouiller
from sujets.models import Sujet

Statut = Inscription.Statut
# Ranks are moved out of the way before being rewritten: the unique constraint on ranks is
# checked row by row, so the temporary range must not meet the final one.
DECALAGE_RANGS = 1_000_000


# --- Ranks ------------------------------------------------------------------------------
def nombre_confirmees(journee: Journee) -> int:
    return journee.inscriptions.filter(statut=Statut.CONFIRMEE).count()


def _attente(journee: Journee) -> list[int]:
    """Ids of the waiting list, in rank order."""
    return list(
        journee.inscriptions.filter(statut=Statut.ATTENTE)
        .order_by("rang_attente", "cree_le")
        .values_list("pk", flat=True)
    )


def _ordonner_attente(journee: Journee, ids: list[int]) -> None:
    """Gives the waiting registrations ``ids`` the ranks 1..n in that order."""
    attente = journee.inscriptions.filter(statut=Statut.ATTENTE)
    attente.update(rang_attente=F("rang_attente") + DECALAGE_RANGS)
    lignes = [Inscription(pk=pk, rang_attente=rang) for rang, pk in enumerate(ids, start=1)]
    Inscription.objects.bulk_update(lignes, ["rang_attente"])
    portees.inscriptions_changees(journee.pk)  # update() and bulk_update() send no signal


def _promouvoir(inscription: Inscription) -> None:
    inscription.statut = Statut.CONFIRMEE
    inscription.rang_attente = None
    inscription.save(update_fields=["statut", "rang_attente", "modifie_le"])
    portees.inscriptions_changees(inscription.journee_id)
    notifications.notifier(inscription, "promotion")


def places_attribuer(journee: Journee) -> list[Inscription]:
    """Promotes the waiting list, in rank order, into the free seats (lock held)."""
    libres = journee.capacite - nombre_confirmees(journee)
    if libres <= 0:
        return []
    ids = _attente(journee)
    promues = list(Inscription.objects.filter(pk__in=ids[:libres]).order_by("rang_attente"))
    for inscription in promues:
        _promouvoir(inscription)
    _ordonner_attente(journee, ids[libres:])
    return promues


# --- Agents and organisers ----------------------------------------------------------------
@transaction.atomic
def inscription_creer(
    *,
    journee: Journee | int,
    agent: Agent,
    acteur: Agent,
    sujet_souhaite: Sujet | None = None,
    besoins_accessibilite: str = "",
    contraintes_repas: str = "",
    maintenant: dt.datetime | None = None,
) -> tuple[Inscription, bool]:
    """Registers ``agent`` (confirmed while seats remain, else on the waiting list).

    Returns the registration and whether it was created: registering again (a double click,
    a replayed request) returns the current registration unchanged.
    """
    # Organisers may register someone else (also once registration has closed).
    exiger_inscrire(acteur, agent)
    organisateur = agit_pour_autrui(acteur, agent.pk)
    exiger_longueurs(
        Inscription,
        besoins_accessibilite=besoins_accessibilite,
        contraintes_repas=contraintes_repas,
    )
    maintenant = maintenant or timezone.now()
    journee = journee_verrouiller(journee.pk if isinstance(journee, Journee) else journee)

    # Under the journée's lock, in one read: is the agent registered already, how many seats
    # are taken, and the last rank of the waiting list.
    etat = journee.inscriptions.aggregate(
        deja=Count("pk", filter=Q(agent=agent) & ~Q(statut=Statut.ANNULEE)),
        confirmees=Count("pk", filter=Q(statut=Statut.CONFIRMEE)),
        dernier_rang=Max("rang_attente", filter=Q(statut=Statut.ATTENTE)),
    )
    if etat["deja"]:
        existante = journee.inscriptions.exclude(statut=Statut.ANNULEE).get(agent=agent)
        return existante, False

    refus = journee.refus_inscription(maintenant)
    if organisateur and not journee.est_passee(maintenant):
        refus = None
    if refus:
        raise ValidationError(refus)
    if sujet_souhaite is not None and not journee.sujets.filter(pk=sujet_souhaite.pk).exists():
        raise ValidationError("Ce sujet n'est pas travaillé lors de cette journée.")

    inscription = Inscription(
        agent=agent,
        journee=journee,
        sujet_souhaite=sujet_souhaite,
        besoins_accessibilite=besoins_accessibilite.strip(),
        contraintes_repas=contraintes_repas.strip(),
        inscrit_par=acteur if acteur.pk != agent.pk else None,
        cree_le=maintenant,
    )
    if etat["confirmees"] < journee.capacite:
        inscription.statut = Statut.CONFIRMEE
    else:
        inscription.statut = Statut.ATTENTE
        inscription.rang_attente = (etat["dernier_rang"] or 0) + 1
    # The lock makes a duplicate impossible here; the database's constraint would still refuse
    # one (the whole registration is then rolled back).
    inscription.save()
    portees.inscriptions_changees(journee.pk)
    notifications.notifier(
        inscription, "confirmation" if inscription.statut == Statut.CONFIRMEE else "attente"
    )
    if organisateur:
        situation = (
            "confirmée"
            if inscription.statut == Statut.CONFIRMEE
            else f"en liste d'attente, rang {inscription.rang_attente}"
        )
        historique.consigner(
            inscription,
            acteur=acteur,
            message=f"Inscrit·e par l'organisation ({situation}).",
            ajout=True,
        )
    return inscription, True


@transaction.atomic
def inscription_annuler(
    *, inscription: Inscription | int, acteur: Agent, maintenant: dt.datetime | None = None
) -> Inscription:
    """Cancels a registration; a freed seat goes at once to the first on the waiting list."""
    maintenant = maintenant or timezone.now()
    inscription, journee = inscription_verrouiller(inscription)
    exiger_annuler(acteur, inscription)
    if inscription.statut == Statut.ANNULEE:
        return inscription
    if agit_pour_autrui(acteur, inscription.agent_id):
        if journee.est_passee(maintenant):
            raise ValidationError("Cette journée est passée : l'inscription ne peut plus changer.")
    elif maintenant >= journee.debut:
        raise ValidationError(
            "La journée a commencé : pour vous désister, contactez l'équipe du Lab'."
        )

    confirmee = inscription.statut == Statut.CONFIRMEE
    inscription.statut = Statut.ANNULEE
    inscription.rang_attente = None
    inscription.annulee_le = maintenant
    inscription.save(update_fields=["statut", "rang_attente", "annulee_le", "modifie_le"])
    portees.inscriptions_changees(inscription.journee_id)
    promues = places_attribuer(journee) if confirmee else []
    if not confirmee:
        _ordonner_attente(journee, _attente(journee))
    notifications.notifier(inscription, "annulation")
    if inscription.agent_id != acteur.pk:
        message = "Inscription annulée par l'organisation."
        if promues:
            message += f" La place va à {promues[0].agent}, première de la liste d'attente."
        historique.consigner(inscription, acteur=acteur, message=message)
    return inscription


# --- Organisers only (faireadmin.permissions.peut_organiser) -----------------------------------
@transaction.atomic
def inscription_promouvoir(*, inscription: Inscription | int, acteur: Agent) -> Inscription:
    """Gives a free seat to this registration of the waiting list, whatever its rank."""
    exiger_organiser(acteur)
    inscription, journee = inscription_verrouiller(inscription)
    if inscription.statut != Statut.ATTENTE:
        raise ValidationError("Seule une inscription en liste d'attente peut être promue.")
    if nombre_confirmees(journee) >= journee.capacite:
        raise ValidationError(
            "La journée est complète : annulez une inscription confirmée ou augmentez "
            "le nombre de places avant de promouvoir."
        )
    ids = _attente(journee)
    rang = inscription.rang_attente
    ids.remove(inscription.pk)
    _promouvoir(inscription)
    _ordonner_attente(journee, ids)
    historique.consigner(
        inscription,
        acteur=acteur,
        message=f"Passée de la liste d'attente (rang {rang}) aux inscriptions confirmées.",
    )
    return inscription


@transaction.atomic
def inscription_deplacer(
    *, inscription: Inscription | int, rang: int, acteur: Agent
) -> Inscription:
    """Moves a registration to ``rang`` in the waiting list; the others keep their order."""
    exiger_organiser(acteur)
    inscription, journee = inscription_verrouiller(inscription)
    if inscription.statut != Statut.ATTENTE:
        raise ValidationError("Seule une inscription en liste d'attente peut changer de rang.")
    ids = _attente(journee)
    if not 1 <= rang <= len(ids):
        raise ValidationError(f"Le rang doit être compris entre 1 et {len(ids)}.")
    avant = ids.index(inscription.pk) + 1
    ids.remove(inscription.pk)
    ids.insert(rang - 1, inscription.pk)
    _ordonner_attente(journee, ids)
    inscription.refresh_from_db()
    if rang != avant:
        historique.consigner(
            inscription, acteur=acteur, message=f"Rang sur la liste d'attente : {avant} → {rang}."
        )
    return inscription


@transaction.atomic
def journee_combler_places(*, journee: Journee | int, acteur: Agent) -> list[Inscription]:
    """After a capacity increase: promotes the waiting list into the free seats."""
    exiger_organiser(acteur)
    journee = journee_verrouiller(journee.pk if isinstance(journee, Journee) else journee)
    promues = places_attribuer(journee)
    if promues:
        historique.consigner(
            journee,
            acteur=acteur,
            message=f"{len(promues)} place(s) libre(s) attribuée(s) à la liste d'attente : "
            + ", ".join(str(i.agent) for i in promues)
            + ".",
        )
    return promues


@transaction.atomic
def presence_marquer(
    *,
    inscription: Inscription | int,
    presence: str,
    acteur: Agent,
    maintenant: dt.datetime | None = None,
) -> Inscription:
    """Ticks a confirmed agent present or absent on the attendance sheet."""
    exiger_organiser(acteur)
    if presence not in Inscription.Presence.values:
        raise ValidationError("Présence inconnue.")
    inscription, journee = inscription_verrouiller(inscription)
    if inscription.statut != Statut.CONFIRMEE:
        raise ValidationError("Seules les inscriptions confirmées figurent sur l'émargement.")
    if timezone.localdate(maintenant or timezone.now()) < journee.date:
        raise ValidationError("L'émargement ouvre le jour de la journée.")
    inscription.presence = presence
    inscription.save(update_fields=["presence", "modifie_le"])
    portees.inscriptions_changees(journee.pk)
    return inscription


# --- Calendar feed ------------------------------------------------------------------------
@transaction.atomic
def abonnement_regenerer(*, agent: Agent) -> AbonnementCalendrier:
    """A new secret address; the old one (the first one included, see
    ``AbonnementCalendrier.premier``) stops working at once."""
    AbonnementCalendrier.objects.filter(agent=agent).delete()
    return AbonnementCalendrier.objects.create(agent=agent)
