"""Registrations to journées: every change of seats and ranks goes through here.

Concurrency: each function that changes seats or waiting-list ranks first locks the
journée's row (``SELECT … FOR UPDATE``), once per transaction; the count of confirmed
registrations and the ranks are then read and written under that lock, so that hundreds of
agents registering at once can never overbook a journée. The database constraints (one
active registration per agent and journée, unique ranks) remain the last word.

Refusals are ``ValidationError`` with a French message; authorisation failures are
``PermissionDenied``. E-mails are written into the outbox in the same transaction, and sent
by a Celery task once it has committed (see ``faireadmin.outbox``).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from psycopg.errors import LockNotAvailable

from faireadmin.longueurs import exiger_longueurs
from faireadmin.models import Agent
from faireadmin.permissions import exiger_organiser
from journees import historique, notifications
from journees.models import AbonnementCalendrier, Inscription, Journee
from journees.permissions import agit_pour_autrui, exiger_annuler, exiger_inscrire
from sujets.models import Sujet

Statut = Inscription.Statut
# Ranks are moved out of the way before being rewritten: the unique constraint on ranks is
# checked row by row, so the temporary range must not meet the final one.
DECALAGE_RANGS = 1_000_000
LOCK_NOT_AVAILABLE = LockNotAvailable.sqlstate


# --- Locks and ranks ----------------------------------------------------------------------
# A seat lock waits this long at most for another transaction holding it (a rush, a slow
# export), then the change is refused with « réessayez » (``VerrouOccupeError``, a 503).
ATTENTE_DU_VERROU = "3s"


class VerrouOccupeError(ValidationError):
    """The journée's row stayed locked by another change for ``ATTENTE_DU_VERROU``: a refusal
    like the others (nothing written), that the views answer with 409 (« réessayez »)."""

    code_refus = "occupe"

    def __init__(self) -> None:
        super().__init__(
            "Beaucoup de changements arrivent en même temps sur cette journée : rien n'a été "
            "enregistré. Réessayez dans un instant.",
            code=self.code_refus,
        )


def _verrouiller(journee_id: int) -> Journee:
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:  # for this transaction only
            curseur.execute(f"SET LOCAL lock_timeout = '{ATTENTE_DU_VERROU}'")
    try:
        return Journee.objects.select_for_update().get(pk=journee_id)
    except OperationalError as erreur:
        if getattr(erreur.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise VerrouOccupeError from erreur
        raise


def _verrouiller_inscription(inscription: Inscription | int) -> tuple[Inscription, Journee]:
    """Locks the journée, then reads the registration afresh under that lock."""
    pk = inscription.pk if isinstance(inscription, Inscription) else inscription
    journee_id = Inscription.objects.values_list("journee_id", flat=True).get(pk=pk)
    journee = _verrouiller(journee_id)
    return Inscription.objects.select_related("agent").get(pk=pk), journee


def _nombre_confirmees(journee: Journee) -> int:
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


def _promouvoir(inscription: Inscription) -> None:
    inscription.statut = Statut.CONFIRMEE
    inscription.rang_attente = None
    inscription.save(update_fields=["statut", "rang_attente", "modifie_le"])
    notifications.notifier(inscription, "promotion")


def _combler(journee: Journee) -> list[Inscription]:
    """Promotes the waiting list, in rank order, into the free seats (lock held)."""
    libres = journee.capacite - _nombre_confirmees(journee)
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
    par: Agent,
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
    exiger_inscrire(par, agent)
    organisateur = agit_pour_autrui(par, agent.pk)
    exiger_longueurs(
        Inscription,
        besoins_accessibilite=besoins_accessibilite,
        contraintes_repas=contraintes_repas,
    )
    maintenant = maintenant or timezone.now()
    journee = _verrouiller(journee.pk if isinstance(journee, Journee) else journee)

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
        inscrit_par=par if par.pk != agent.pk else None,
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
            par=par,
            message=f"Inscrit·e par l'organisation ({situation}).",
            ajout=True,
        )
    return inscription, True


@transaction.atomic
def inscription_annuler(
    *, inscription: Inscription | int, par: Agent, maintenant: dt.datetime | None = None
) -> Inscription:
    """Cancels a registration; a freed seat goes at once to the first on the waiting list."""
    maintenant = maintenant or timezone.now()
    inscription, journee = _verrouiller_inscription(inscription)
    exiger_annuler(par, inscription)
    if inscription.statut == Statut.ANNULEE:
        return inscription
    if agit_pour_autrui(par, inscription.agent_id):
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
    promues = _combler(journee) if confirmee else []
    if not confirmee:
        _ordonner_attente(journee, _attente(journee))
    notifications.notifier(inscription, "annulation")
    if inscription.agent_id != par.pk:
        message = "Inscription annulée par l'organisation."
        if promues:
            message += f" La place va à {promues[0].agent}, première de la liste d'attente."
        historique.consigner(inscription, par=par, message=message)
    return inscription


# --- Organisers only (faireadmin.permissions.peut_organiser) -----------------------------------
@transaction.atomic
def inscription_promouvoir(*, inscription: Inscription | int, par: Agent) -> Inscription:
    """Gives a free seat to this registration of the waiting list, whatever its rank."""
    exiger_organiser(par)
    inscription, journee = _verrouiller_inscription(inscription)
    if inscription.statut != Statut.ATTENTE:
        raise ValidationError("Seule une inscription en liste d'attente peut être promue.")
    if _nombre_confirmees(journee) >= journee.capacite:
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
        par=par,
        message=f"Passée de la liste d'attente (rang {rang}) aux inscriptions confirmées.",
    )
    return inscription


@transaction.atomic
def inscription_deplacer(*, inscription: Inscription | int, rang: int, par: Agent) -> Inscription:
    """Moves a registration to ``rang`` in the waiting list; the others keep their order."""
    exiger_organiser(par)
    inscription, journee = _verrouiller_inscription(inscription)
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
            inscription, par=par, message=f"Rang sur la liste d'attente : {avant} → {rang}."
        )
    return inscription


@transaction.atomic
def journee_combler_places(*, journee: Journee | int, par: Agent) -> list[Inscription]:
    """After a capacity increase: promotes the waiting list into the free seats."""
    exiger_organiser(par)
    journee = _verrouiller(journee.pk if isinstance(journee, Journee) else journee)
    promues = _combler(journee)
    if promues:
        historique.consigner(
            journee,
            par=par,
            message=f"{len(promues)} place(s) libre(s) attribuée(s) à la liste d'attente : "
            + ", ".join(str(i.agent) for i in promues)
            + ".",
        )
    return promues


PERIMEE = (
    "Quelqu'un a modifié cette journée pendant que vous la modifiiez : ses valeurs enregistrées "
    "sont rappelées ci-dessous, et vos saisies sont gardées. Vérifiez, puis enregistrez à nouveau."
)


def _exiger_a_jour(actuelle: Journee, version: int | None) -> None:
    """A change made from a page built on an older version of the journée is refused."""
    if version is not None and actuelle.version != version:
        raise ValidationError(PERIMEE, code="perimee")


def _valeur(journee: Journee, champ: str) -> str:
    valeur = getattr(journee, champ)
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, dt.datetime):
        return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, dt.date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, dt.time):
        return valeur.strftime("%H:%M")
    affichage = getattr(journee, f"get_{champ}_display", None)
    return str(affichage() if affichage else valeur)


# Long texts are said to have changed, not quoted.
TEXTES_LONGS = {"adresse", "programme", "enseignements"}


def journee_libelle(champ: str) -> str:
    """The French name of a journée's field (« nombre de places »)."""
    return str(getattr(Journee._meta.get_field(champ), "verbose_name", champ))


def journee_differences(
    avant: Journee, apres: Journee, champs: Iterable[str] = Journee.CHAMPS_DES_ORGANISATEURS
) -> list[str]:
    """What differs between two states of a journée, in French: « lieu : A → B »."""
    differences = []
    for champ in champs:
        if getattr(avant, champ) != getattr(apres, champ):
            nom = journee_libelle(champ)
            if champ in TEXTES_LONGS:
                differences.append(f"{nom} : texte modifié")
            else:
                differences.append(f"{nom} : {_valeur(avant, champ)} → {_valeur(apres, champ)}")
    return differences


@transaction.atomic
def journee_enregistrer(
    *, journee: Journee, sujets: Iterable[Sujet], par: Agent, version: int | None = None
) -> tuple[Journee, list[Inscription]]:
    """Creates or updates a journée set up by the organisers (validated by its form).

    ``version``: the journée's version the change was made from; if someone changed it since,
    the change is refused (``ValidationError``, code « perimee ») rather than overwrite theirs.
    A capacity increase gives the new seats to the waiting list at once; a decrease below the
    confirmed registrations is refused, checked again under the lock. Recorded in the journée's
    history with what changed. Returns the journée and the registrations promoted."""
    exiger_organiser(par)
    exiger_longueurs(Journee, adresse=journee.adresse, programme=journee.programme)
    sujets = list(sujets)
    creation = journee.pk is None
    differences: list[str] = []
    if not creation:
        actuelle = _verrouiller(journee.pk)
        _exiger_a_jour(actuelle, version)
        confirmees = _nombre_confirmees(journee)
        if journee.capacite < confirmees:
            raise ValidationError(
                {
                    "capacite": f"{confirmees} inscriptions sont déjà confirmées : annulez-en "
                    "avant de réduire le nombre de places."
                }
            )
        # The bilan's fields too: the admin edits them on the same page.
        differences = journee_differences(
            actuelle,
            journee,
            champs=(*Journee.CHAMPS_DES_ORGANISATEURS, *Journee.CHAMPS_DU_BILAN),
        )
        if {s.pk for s in sujets} != set(actuelle.sujets.values_list("pk", flat=True)):
            differences.append("sujets travaillés modifiés")
        journee.version = actuelle.version + 1
    journee.save()
    journee.sujets.set(sujets)
    promues = _combler(journee)
    if creation:
        historique.consigner(journee, par=par, message="Journée créée.", ajout=True)
    elif differences:
        message = "Modifié : " + " ; ".join(differences) + "."
        if promues:
            message += f" {len(promues)} inscription(s) de la liste d'attente confirmée(s)."
        historique.consigner(journee, par=par, message=message)
    return journee, promues


@transaction.atomic
def presence_marquer(
    *,
    inscription: Inscription | int,
    presence: str,
    par: Agent,
    maintenant: dt.datetime | None = None,
) -> Inscription:
    """Ticks a confirmed agent present or absent on the attendance sheet."""
    exiger_organiser(par)
    if presence not in Inscription.Presence.values:
        raise ValidationError("Présence inconnue.")
    inscription, journee = _verrouiller_inscription(inscription)
    if inscription.statut != Statut.CONFIRMEE:
        raise ValidationError("Seules les inscriptions confirmées figurent sur l'émargement.")
    if timezone.localdate(maintenant or timezone.now()) < journee.date:
        raise ValidationError("L'émargement ouvre le jour de la journée.")
    inscription.presence = presence
    inscription.save(update_fields=["presence", "modifie_le"])
    return inscription


@transaction.atomic
def journee_enregistrer_bilan(
    *,
    journee: Journee | int,
    nombre_participants: int | None,
    enseignements: str,
    par: Agent,
    version: int | None = None,
    maintenant: dt.datetime | None = None,
) -> Journee:
    """Records the outcome of the day: number of participants and lessons learned (refused,
    as a journée's change, when made from an older version of it)."""
    exiger_organiser(par)
    exiger_longueurs(Journee, enseignements=enseignements)
    journee = _verrouiller(journee.pk if isinstance(journee, Journee) else journee)
    _exiger_a_jour(journee, version)
    if timezone.localdate(maintenant or timezone.now()) < journee.date:
        raise ValidationError("Le bilan se renseigne à partir du jour de la journée.")
    avant = Journee(
        nombre_participants=journee.nombre_participants, enseignements=journee.enseignements
    )
    journee.nombre_participants = nombre_participants
    journee.enseignements = enseignements.strip()
    differences = journee_differences(avant, journee, champs=Journee.CHAMPS_DU_BILAN)
    if differences:
        journee.version += 1
        journee.save(update_fields=[*Journee.CHAMPS_DU_BILAN, "version", "modifie_le"])
        historique.consigner(journee, par=par, message="Bilan : " + " ; ".join(differences) + ".")
    return journee


# --- Jobs ---------------------------------------------------------------------------------
def rappels_j2_envoyer(*, maintenant: dt.datetime | None = None) -> int:
    """The reminder to confirmed registrants of the journées two days from now. Run it as
    often as you like: each registrant gets it once. Returns how many were written now."""
    jour = timezone.localdate(maintenant or timezone.now()) + dt.timedelta(days=2)
    inscriptions = Inscription.objects.filter(
        journee__date=jour, statut=Statut.CONFIRMEE, agent__is_active=True
    ).select_related("agent", "journee")
    ecrits = 0
    for inscription in inscriptions:
        with transaction.atomic():
            ecrits += notifications.rappeler(inscription, jour=jour) is not None
    return ecrits


def besoins_effacer(*, maintenant: dt.datetime | None = None) -> int:
    """Retention: the private needs given at registration (accessibility, meals) are erased
    JOURS_CONSERVATION_BESOINS days after the journée. Returns how many registrations."""
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_BESOINS"]
    limite = timezone.localdate(maintenant or timezone.now()) - dt.timedelta(days=jours)
    return (
        Inscription.objects.filter(journee__date__lte=limite)
        .exclude(besoins_accessibilite="", contraintes_repas="")
        .update(besoins_accessibilite="", contraintes_repas="")
    )


# --- Calendar feed ------------------------------------------------------------------------
@transaction.atomic
def abonnement_regenerer(*, agent: Agent) -> AbonnementCalendrier:
    """A new secret address; the old one (the first one included, see
    ``AbonnementCalendrier.premier``) stops working at once."""
    AbonnementCalendrier.objects.filter(agent=agent).delete()
    return AbonnementCalendrier.objects.create(agent=agent)
