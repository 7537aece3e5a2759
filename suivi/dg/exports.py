"""Exports for the direction générale, with French headers, for a scope and a period:
propositions and their state, the journal, participation per direction."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from journees.exports import cellule
from suivi.dg.indicateurs import Perimetre, Periode, etat_a_la_fin, participation
from suivi.models import PointAvancement, Proposition

Ligne = list[Any]


def propositions(perimetre: Perimetre, periode: Periode) -> tuple[Ligne, Iterator[Ligne]]:
    """The propositions that existed at the end of the period, in the state they had then."""
    aujourd_hui = timezone.localdate()
    au = f" au {periode.fin:%d/%m/%Y}" if periode.fin < aujourd_hui else ""
    entetes = [
        "Axe",
        "Sujet",
        "Proposition",
        f"Statut{au}",
        f"Avancement (%){au}",
        f"Météo{au}",
        f"Explication de la météo{au}",
        "Journée d'origine",
        "Créée le",
        "Modifiée le",
    ]
    etat = etat_a_la_fin(perimetre, periode.fin, aujourd_hui)
    lignes = (
        [
            p.sujet.axe.numero,
            p.sujet.titre,
            p.titre,
            Proposition.Statut(p.statut_alors).label,
            p.avancement_alors,
            Proposition.Meteo(p.meteo_alors).label,
            p.meteo_explication_alors,
            p.journee_origine.titre if p.journee_origine else "",
            f"{timezone.localtime(p.cree_le):%d/%m/%Y}",
            f"{timezone.localtime(p.modifie_le):%d/%m/%Y}",
        ]
        for p in etat.select_related("sujet__axe", "journee_origine")
        .order_by("sujet__axe__numero", "sujet__ordre", "titre")
        .iterator(chunk_size=2000)
    )
    return entetes, lignes


def journal(perimetre: Perimetre, periode: Periode) -> tuple[Ligne, Iterator[Ligne]]:
    entetes = ["Date", "Auteur", "Sujet", "Proposition", "Changements", "Texte"]
    points = PointAvancement.objects.filter(
        proposition__in=perimetre.propositions(), cree_le__date__lte=periode.fin
    )
    if periode.debut:
        points = points.filter(cree_le__date__gte=periode.debut)
    lignes = (
        [
            f"{timezone.localtime(p.cree_le):%d/%m/%Y %H:%M}",
            p.auteur.get_full_name() if p.auteur else "agent anonymisé",
            p.proposition.sujet.titre,
            p.proposition.titre,
            " ; ".join(p.changements_lisibles()),
            p.texte,
        ]
        for p in points.select_related("auteur", "proposition__sujet")
        .order_by("-cree_le", "-id")
        .iterator(chunk_size=2000)
    )
    return entetes, lignes


def participation_par_direction(
    perimetre: Perimetre, periode: Periode
) -> tuple[Ligne, Iterator[Ligne]]:
    entetes = ["Sigle", "Direction", "Services généraux", "Effectif", "Participants", "Taux (%)"]
    donnees = participation(perimetre, periode, timezone.now())["par_direction"]
    lignes = (
        [
            d["sigle"],
            d["nom"],
            "oui" if d["services_generaux"] else "non",
            d["effectif"],
            d["participants"],
            round(d["taux"] * 100, 1) if d["taux"] is not None else "",
        ]
        for d in donnees
    )
    return entetes, iter(lignes)


EXPORTS = {
    "propositions": ("propositions", propositions),
    "journal": ("journal", journal),
    "participation": ("participation-par-direction", participation_par_direction),
}


class _Tampon:
    def write(self, valeur: str) -> str:
        return valeur


def csv_en_flux(entetes: Ligne, lignes: Iterable[Ligne]) -> Iterator[str]:
    """CSV for Excel in French (BOM, semicolons), streamed line by line."""
    ecrivain = csv.writer(_Tampon(), delimiter=";")
    yield "\ufeff" + ecrivain.writerow(entetes)
    for ligne in lignes:
        yield ecrivain.writerow([cellule(v) for v in ligne])


def xlsx(titre: str, entetes: Ligne, lignes: Iterable[Ligne]) -> bytes:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet(title=titre[:31])
    feuille.append(entetes)
    for ligne in lignes:
        feuille.append([cellule(v) for v in ligne])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
