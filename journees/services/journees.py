"""A journée's own changes: its details (from a page built on its current version, else
refused with both states shown) and its bilan."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from faireadmin.cache import portees
from faireadmin.longueurs import exiger_longueurs
from faireadmin.models import Agent
from faireadmin.permissions import exiger_organiser
from journees import historique
from journees.models import Inscription, Journee
from journees.services.inscriptions import nombre_confirmees, places_attribuer
from journees.services.verrous import journee_verrouiller
from sujets.models import Sujet

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
    *, journee: Journee, sujets: Iterable[Sujet], acteur: Agent, version: int | None = None
) -> tuple[Journee, list[Inscription]]:
    """Creates or updates a journée set up by the organisers (validated by its form).

    ``version``: the journée's version the change was made from; if someone changed it since,
    the change is refused (``ValidationError``, code « perimee ») rather than overwrite theirs.
    A capacity increase gives the new seats to the waiting list at once; a decrease below the
    confirmed registrations is refused, checked again under the lock. Recorded in the journée's
    history with what changed. Returns the journée and the registrations promoted."""
    exiger_organiser(acteur)
    exiger_longueurs(Journee, adresse=journee.adresse, programme=journee.programme)
    sujets = list(sujets)
    creation = journee.pk is None
    differences: list[str] = []
    if not creation:
        actuelle = journee_verrouiller(journee.pk)
        _exiger_a_jour(actuelle, version)
        confirmees = nombre_confirmees(journee)
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
    portees.journee_changee()
    journee.sujets.set(sujets)
    promues = places_attribuer(journee)
    if creation:
        historique.consigner(journee, acteur=acteur, message="Journée créée.", ajout=True)
    elif differences:
        message = "Modifié : " + " ; ".join(differences) + "."
        if promues:
            message += f" {len(promues)} inscription(s) de la liste d'attente confirmée(s)."
        historique.consigner(journee, acteur=acteur, message=message)
    return journee, promues


@transaction.atomic
def journee_enregistrer_bilan(
    *,
    journee: Journee | int,
    nombre_participants: int | None,
    enseignements: str,
    acteur: Agent,
    version: int | None = None,
    maintenant: dt.datetime | None = None,
) -> Journee:
    """Records the outcome of the day: number of participants and lessons learned (refused,
    as a journée's change, when made from an older version of it)."""
    exiger_organiser(acteur)
    exiger_longueurs(Journee, enseignements=enseignements)
    journee = journee_verrouiller(journee.pk if isinstance(journee, Journee) else journee)
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
        portees.journee_changee()
        historique.consigner(
            journee, acteur=acteur, message="Bilan : " + " ; ".join(differences) + "."
        )
    return journee
