"""Writes of the suivi: every change of a proposition goes through here and is journaled.

Each function checks the author's right first (pilote of the sujet, or équipe du Lab'),
validates, changes, then writes the journal entry, all in one transaction. A change of
statut, avancement or météo is made against the ``version`` the author's form was built on:
if someone changed the proposition in between, the change is refused with what changed,
never silently overwritten. Journal entries themselves never conflict.
"""

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from faireadmin.cache import portees
from faireadmin.longueurs import exiger_longueurs, limite, nombre
from faireadmin.models import Agent
from faireadmin.permissions import exiger_organiser
from journees.models import Journee, Phase
from suivi.models import Jalon, PointAvancement, Proposition, RetourTest
from suivi.permissions import exiger_modifier_proposition
from sujets.models import Sujet

Statut = Proposition.Statut
Meteo = Proposition.Meteo


# --- Propositions -------------------------------------------------------------------------
@transaction.atomic
def proposition_creer(
    *,
    sujet: Sujet,
    titre: str,
    description: str = "",
    journee_origine: Journee | None = None,
    acteur: Agent,
) -> Proposition:
    """Records a proposition born in a Créer journée; its journal opens with its birth."""
    exiger_organiser(acteur)
    titre = titre.strip()
    if not titre:
        raise ValidationError({"titre": "Donnez un titre à la proposition."})
    exiger_longueurs(Proposition, description=description)
    if journee_origine is not None and journee_origine.phase != Phase.CREER:
        raise ValidationError("Les propositions naissent lors des journées « Créer ».")
    proposition = Proposition.objects.create(
        sujet=sujet,
        titre=titre,
        description=description.strip(),
        journee_origine=journee_origine,
    )
    naissances_journaliser(propositions=[proposition], acteur=acteur)
    return proposition


@dataclass(frozen=True)
class Changement:
    """What the author asks to change; ``None`` leaves a field as it is."""

    statut: str | None = None
    avancement: int | None = None
    meteo: str | None = None
    meteo_explication: str | None = None
    motif_abandon: str | None = None


def _nouvel_etat(proposition: Proposition, demande: Changement) -> dict[str, Any]:
    """The fields that change, validated against the lifecycle; errors by field, in French."""
    erreurs: dict[str, str] = {}
    etat: dict[str, Any] = {}

    statut = demande.statut if demande.statut is not None else proposition.statut
    if statut != proposition.statut:
        if statut not in proposition.transitions():
            erreurs["statut"] = (
                f"Une proposition « {proposition.get_statut_display()} » ne peut pas passer "
                f"directement à « {Statut(statut).label if statut in Statut.values else statut} »."
            )
        etat["statut"] = statut
    if statut == Statut.ABANDONNEE and proposition.statut != Statut.ABANDONNEE:
        motif = (demande.motif_abandon or "").strip()
        if not motif:
            erreurs["motif_abandon"] = "Indiquez pourquoi la proposition est abandonnée."
        etat["motif_abandon"] = motif

    avancement = demande.avancement if demande.avancement is not None else proposition.avancement
    if statut == Statut.REALISEE:
        if demande.avancement is not None and demande.avancement != 100:
            erreurs["avancement"] = "Une proposition réalisée est à 100 %."
        avancement = 100  # done is done
    if not 0 <= avancement <= 100:
        erreurs["avancement"] = "L'avancement va de 0 à 100 %."
    elif avancement != proposition.avancement:
        etat["avancement"] = avancement

    meteo = demande.meteo if demande.meteo is not None else proposition.meteo
    if meteo not in Meteo.values:
        erreurs["meteo"] = "Choisissez soleil, nuage ou orage."
    explication = (
        demande.meteo_explication.strip()
        if demande.meteo_explication is not None
        else proposition.meteo_explication
    )
    if meteo == Meteo.SOLEIL:
        explication = ""
    elif not explication:
        erreurs["meteo_explication"] = "Expliquez en une phrase ce qui freine ou bloque."
    if meteo != proposition.meteo:
        etat["meteo"] = meteo
    if explication != proposition.meteo_explication:
        etat["meteo_explication"] = explication

    if erreurs:
        raise ValidationError(erreurs)
    return etat


@transaction.atomic
def proposition_mettre_a_jour(
    *,
    proposition: Proposition | int,
    acteur: Agent,
    version: int,
    changement: Changement = Changement(),
    texte: str = "",
    maintenant: dt.datetime | None = None,
) -> PointAvancement | None:
    """A point d'étape: optional changes of statut, avancement and météo, and an optional
    text, recorded together as one journal entry (with before → after). Returns the entry,
    or None when there was nothing to record."""
    pk = proposition.pk if isinstance(proposition, Proposition) else proposition
    # A change of state is made under the proposition's lock, against the version it was asked
    # from; a text alone needs no lock (two texts written at once both land).
    texte_seul = all(valeur is None for valeur in asdict(changement).values())
    propositions = Proposition.objects if texte_seul else Proposition.objects.select_for_update()
    proposition = propositions.avec_dernier_point().get(pk=pk)
    exiger_modifier_proposition(acteur, proposition)
    # A change asked from a page built on an older state is refused before anything else:
    # the author sees the current state, rather than an error about a state they never saw.
    demande = {k: v for k, v in asdict(changement).items() if k != "motif_abandon"}
    if proposition.version != version and any(v is not None for v in demande.values()):
        raise ValidationError(
            "La proposition a été modifiée entre-temps (voir le journal) : vérifiez son état "
            "actuel, affiché ci-dessus, puis validez à nouveau.",
            code="perimee",
        )
    exiger_longueurs(PointAvancement, texte=texte)
    exiger_longueurs(
        Proposition,
        motif_abandon=changement.motif_abandon,
        meteo_explication=changement.meteo_explication,
    )
    etat = _nouvel_etat(proposition, changement)
    texte = texte.strip()
    if not etat and not texte:
        return None
    changements = {
        champ: {"avant": getattr(proposition, champ), "apres": valeur}
        for champ, valeur in etat.items()
    }
    if etat:
        Proposition.objects.filter(pk=proposition.pk).update(
            **etat, version=F("version") + 1, modifie_le=timezone.now()
        )
    maintenant = maintenant or timezone.now()
    # A text alone on the day of the proposition's last point changes nothing its sujet's
    # parts show (the day of its last point, its silence): its own page only.
    dernier_point = getattr(proposition, "dernier_point", None)  # (avec_dernier_point)
    meme_jour = bool(
        not etat
        and dernier_point
        and timezone.localdate(dernier_point) == timezone.localdate(maintenant)
    )
    portees.proposition_changee(proposition.pk, *([] if meme_jour else [proposition.sujet_id]))
    with portees.explicites():  # update() sends no signal; the entry's would say more
        return PointAvancement.objects.create(
            proposition=proposition,
            auteur=acteur,
            texte=texte,
            changements=changements,
            cree_le=maintenant,
        )


# --- Milestones ---------------------------------------------------------------------------
def _journaliser_jalon(jalon: Jalon, evenement: str, acteur: Agent, **details: Any) -> None:
    portees.proposition_changee(jalon.proposition_id, jalon.proposition.sujet_id)
    PointAvancement.objects.create(
        proposition=jalon.proposition,
        auteur=acteur,
        changements={"jalon": {"titre": jalon.titre, "evenement": evenement, **details}},
    )


def _valider_jalon(titre: str, echeance: dt.date | None) -> str:
    titre = titre.strip()
    erreurs = {}
    if not titre:
        erreurs["titre"] = "Donnez un titre au jalon."
    if echeance is None:
        erreurs["echeance"] = "Indiquez une échéance."
    if erreurs:
        raise ValidationError(erreurs)
    return titre


@transaction.atomic
def jalon_ajouter(
    *, proposition: Proposition, titre: str, echeance: dt.date, acteur: Agent
) -> Jalon:
    exiger_modifier_proposition(acteur, proposition)
    jalon = Jalon.objects.create(
        proposition=proposition, titre=_valider_jalon(titre, echeance), echeance=echeance
    )
    _journaliser_jalon(jalon, "ajoute", acteur)
    return jalon


def _jalon_verrouille(jalon: Jalon | int, acteur: Agent) -> Jalon:
    pk = jalon.pk if isinstance(jalon, Jalon) else jalon
    jalon = Jalon.objects.select_for_update().select_related("proposition").get(pk=pk)
    exiger_modifier_proposition(acteur, jalon.proposition)
    return jalon


@transaction.atomic
def jalon_modifier(*, jalon: Jalon | int, titre: str, echeance: dt.date, acteur: Agent) -> Jalon:
    jalon = _jalon_verrouille(jalon, acteur)
    titre = _valider_jalon(titre, echeance)
    avant = {"titre": jalon.titre, "echeance": jalon.echeance.isoformat()}
    if (titre, echeance) == (jalon.titre, jalon.echeance):
        return jalon  # nothing changed: no journal entry (it would hide a silence)
    jalon.titre, jalon.echeance = titre, echeance
    jalon.save(update_fields=["titre", "echeance"])
    _journaliser_jalon(jalon, "modifie", acteur, avant=avant, echeance=echeance.isoformat())
    return jalon


@transaction.atomic
def jalon_marquer_fait(
    *, jalon: Jalon | int, acteur: Agent, fait_le: dt.date | None = None
) -> Jalon:
    jalon = _jalon_verrouille(jalon, acteur)
    if jalon.fait_le is None:
        jalon.fait_le = fait_le or timezone.localdate()
        jalon.save(update_fields=["fait_le"])
        _journaliser_jalon(jalon, "fait", acteur)
    return jalon


@transaction.atomic
def jalon_rouvrir(*, jalon: Jalon | int, acteur: Agent) -> Jalon:
    jalon = _jalon_verrouille(jalon, acteur)
    if jalon.fait_le is not None:
        jalon.fait_le = None
        jalon.save(update_fields=["fait_le"])
        _journaliser_jalon(jalon, "rouvert", acteur)
    return jalon


# --- Tester journées ----------------------------------------------------------------------
@transaction.atomic
def retour_test_ajouter(
    *,
    proposition: Proposition,
    journee: Journee,
    synthese: str,
    points_forts: str = "",
    pistes_amelioration: str = "",
    nombre_testeurs: int | None = None,
    acteur: Agent,
) -> RetourTest:
    """Records what testers said of a proposition's mock-up at a Tester journée."""
    exiger_organiser(acteur)
    erreurs = {}
    if journee.phase != Phase.TESTER:
        erreurs["journee"] = "Les retours de test se recueillent lors des journées « Tester »."
    if not synthese.strip():
        erreurs["synthese"] = "Résumez ce que les testeurs ont dit."
    if erreurs:
        raise ValidationError(erreurs)
    exiger_longueurs(
        RetourTest,
        synthese=synthese,
        points_forts=points_forts,
        pistes_amelioration=pistes_amelioration,
    )
    retour = RetourTest.objects.create(
        proposition=proposition,
        journee=journee,
        synthese=synthese.strip(),
        points_forts=points_forts.strip(),
        pistes_amelioration=pistes_amelioration.strip(),
        nombre_testeurs=nombre_testeurs,
        auteur=acteur,
    )
    PointAvancement.objects.create(
        proposition=proposition,
        auteur=acteur,
        texte=f"Retours recueillis lors de la journée « {journee.titre} ».",
    )
    portees.proposition_changee(proposition.pk, proposition.sujet_id)
    return retour


# --- CSV import ---------------------------------------------------------------------------
TITRE_MAX: int = Proposition._meta.get_field("titre").max_length or 250
DESCRIPTION_MAX = limite(Proposition, "description")


def _texte_de_naissance(journee: Journee | None) -> str:
    """The first entry of a proposition's journal."""
    if journee is None:
        return "Proposition enregistrée."
    return f"Proposition née lors de la journée « {journee.titre} »."


def naissances_journaliser(*, propositions: list[Proposition], acteur: Agent | None) -> None:
    """Opens the journal of new propositions (however they were recorded: page, CSV import,
    admin) with their birth."""
    PointAvancement.objects.bulk_create(
        [
            PointAvancement(
                proposition=p, auteur=acteur, texte=_texte_de_naissance(p.journee_origine)
            )
            for p in propositions
        ],
        batch_size=500,
    )
    portees.propositions_creees(p.sujet_id for p in propositions)  # bulk_create: no signal


def _lire_csv(contenu: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty lines of a CSV file, with their line number in the file."""
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        texte = contenu.decode("cp1252", errors="replace")  # Excel's default in France
    if "\x00" in texte:
        raise ValidationError("Ce fichier n'est pas un fichier texte CSV.")
    premiere_ligne = texte.splitlines()[0] if texte else ""
    separateur = ";" if premiere_ligne.count(";") >= premiere_ligne.count(",") else ","
    lecteur = csv.DictReader(io.StringIO(texte), delimiter=separateur, restkey="_en_trop")
    entetes = [(e or "").strip().lower() for e in (lecteur.fieldnames or [])]
    manquantes = [c for c in ("sujet", "titre") if c not in entetes]
    if manquantes:
        raise ValidationError(
            "Colonnes attendues : sujet, titre, description. Manquantes : "
            + ", ".join(manquantes)
            + "."
        )
    lignes = []
    try:
        for ligne in lecteur:
            valeurs = {
                (cle or "").strip().lower(): valeur
                if isinstance(valeur, list)
                else (valeur or "").strip()
                for cle, valeur in ligne.items()
            }
            if any(valeurs.values()):
                lignes.append((lecteur.line_num, valeurs))
    except csv.Error as erreur:
        raise ValidationError(
            f"Fichier CSV illisible (ligne {lecteur.line_num}) : {erreur}."
        ) from None
    return lignes


@transaction.atomic
def propositions_importer(*, journee: Journee, contenu: bytes, acteur: Agent) -> list[Proposition]:
    """Imports the propositions of a Créer journée from a CSV file (columns: sujet, titre,
    description; separated by ; or ,). All or nothing: one bad line and nothing is written;
    the errors name their line in the file."""
    exiger_organiser(acteur)
    if journee.phase != Phase.CREER:
        raise ValidationError("Les propositions naissent lors des journées « Créer ».")
    sujets = {s.slug: s for s in Sujet.objects.all()}
    sujets_par_titre = {s.titre.casefold(): s for s in sujets.values()}
    erreurs = []
    nouvelles = []
    for numero, valeurs in _lire_csv(contenu):
        nom_sujet, titre = valeurs.get("sujet", ""), valeurs.get("titre", "")
        sujet = sujets.get(nom_sujet) or sujets_par_titre.get(nom_sujet.casefold())
        if "_en_trop" in valeurs:
            erreurs.append(
                f"Ligne {numero} : trop de colonnes (une virgule ou un point-virgule dans un "
                "texte doit être entre guillemets)."
            )
        if sujet is None:
            erreurs.append(f"Ligne {numero} : sujet inconnu « {nom_sujet} ».")
        if not titre:
            erreurs.append(f"Ligne {numero} : le titre est vide.")
        elif len(titre) > TITRE_MAX:
            erreurs.append(f"Ligne {numero} : le titre dépasse {TITRE_MAX} caractères.")
        if len(valeurs.get("description", "")) > DESCRIPTION_MAX:
            erreurs.append(
                f"Ligne {numero} : la description dépasse {nombre(DESCRIPTION_MAX)} caractères."
            )
        nouvelles.append(
            Proposition(
                sujet=sujet,
                titre=titre,
                description=valeurs.get("description", ""),
                journee_origine=journee,
            )
        )
    if erreurs:
        raise ValidationError(erreurs)
    if not nouvelles:
        raise ValidationError("Le fichier ne contient aucune proposition.")
    Proposition.objects.bulk_create(nouvelles, batch_size=500)
    naissances_journaliser(propositions=nouvelles, acteur=acteur)
    return nouvelles
