"""Registrants and attendance of a journée, as CSV (Excel in French) and XLSX."""

import csv as csv_module
import io
from collections.abc import Iterable
from typing import TypeVar

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from journees.models import Inscription, Journee

T = TypeVar("T")

ENTETES = [
    "Nom",
    "Prénom",
    "E-mail",
    "Direction",
    "Statut",
    "Rang d'attente",
    "Sujet souhaité",
    "Présence",
    "Inscrit le",
    "Inscrit par",
    "Besoins d'accessibilité",
    "Contraintes alimentaires",
]


# A cell starting with one of these is a formula for spreadsheets: agents type these texts.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def cellule(valeur: T) -> T:
    """A value safe in a spreadsheet: text that would start a formula is quoted, control
    characters that XLSX forbids (pasted from Word, e.g. a vertical tab) are dropped."""
    if isinstance(valeur, str):
        valeur = ILLEGAL_CHARACTERS_RE.sub("", valeur)  # type: ignore[assignment]
        if valeur.startswith(DEBUTS_DE_FORMULE):  # type: ignore[attr-defined]
            return "'" + valeur  # type: ignore[return-value, operator]
    return valeur


def lignes(inscriptions: Iterable[Inscription]) -> Iterable[list[str | int]]:
    for i in inscriptions:
        yield [cellule(valeur) for valeur in _valeurs(i)]


def _valeurs(i: Inscription) -> list[str | int]:
    return [
        i.agent.last_name,
        i.agent.first_name,
        i.agent.email,
        i.agent.direction.sigle if i.agent.direction else "",
        i.get_statut_display(),
        i.rang_attente or "",
        i.sujet_souhaite.titre if i.sujet_souhaite else "",
        i.get_presence_display(),
        f"{timezone.localtime(i.cree_le):%d/%m/%Y %H:%M}",
        str(i.inscrit_par) if i.inscrit_par else "",
        i.besoins_accessibilite,
        i.contraintes_repas,
    ]


def csv(inscriptions: Iterable[Inscription]) -> str:
    """Semicolon-separated with a byte order mark: what Excel expects in French."""
    tampon = io.StringIO()
    tampon.write("\ufeff")
    ecrivain = csv_module.writer(tampon, delimiter=";")
    ecrivain.writerow(ENTETES)
    ecrivain.writerows(lignes(inscriptions))
    return tampon.getvalue()


def xlsx(journee: Journee, inscriptions: Iterable[Inscription]) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Inscrits"
    feuille.append(ENTETES)
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for ligne in lignes(inscriptions):
        feuille.append(ligne)
        for cellule in feuille[feuille.max_row]:
            if isinstance(cellule.value, str):
                cellule.data_type = "s"  # text, never a formula
    for colonne, entete in enumerate(ENTETES, start=1):
        feuille.column_dimensions[get_column_letter(colonne)].width = max(14, len(entete) + 4)
    feuille.freeze_panes = "A2"
    classeur.properties.title = f"Inscrits — {journee.titre}"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
