"""A report as a PDF (WeasyPrint, its charts as images) and as an XLSX workbook (one sheet per
part)."""

import base64
import io
import re
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from journees.exports import cellule
from suivi.dg import graphiques
from suivi.dg.rapports.contenu import contexte
from suivi.models import Rapport

SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def svg_en_image(correspondance: re.Match[str]) -> str:
    """An inline chart as an image: WeasyPrint draws SVG images reliably."""
    svg = correspondance.group(0)
    taille = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
    largeur, hauteur = taille.groups() if taille else ("640", "200")
    donnees = base64.b64encode(svg.encode()).decode()
    # The chart's title and description (already escaped in the SVG) become its text
    # alternative; a decorative one (a legend's swatch) keeps an empty one.
    textes = [t.strip() for t in re.findall(r"<(?:title|desc)\b[^>]*>(.*?)</", svg, re.DOTALL)]
    alternative = " ".join(t for t in textes if t)
    return (
        f'<img src="data:image/svg+xml;base64,{donnees}" width="{largeur}" height="{hauteur}" '
        f'alt="{alternative}" class="graphique__image">'
    )


def pdf(rapport: Rapport) -> bytes:
    """The report as PDF (WeasyPrint: needs Pango, see README)."""
    from weasyprint import CSS, HTML  # imported here: make run works without Pango

    html = SVG.sub(
        svg_en_image,
        render_to_string(
            "suivi/dg/rapport_pdf.html",
            {**contexte(rapport), "graphiques": graphiques.pour(rapport.donnees)},
        ),
    )
    feuille = finders.find("css/rapport.css")
    return HTML(string=html, base_url=settings.FAIREADMIN["SITE_URL"]).write_pdf(
        stylesheets=[CSS(filename=feuille)]
    )


def xlsx(rapport: Rapport) -> bytes:
    d = rapport.donnees
    classeur = Workbook()
    gras = Font(bold=True)

    def feuille(titre: str, entetes: list[str], lignes: list[list[Any]]) -> None:
        f = classeur.create_sheet(title=titre[:31])
        f.append(entetes)
        for entete in f[1]:
            entete.font = gras
        for ligne in lignes:
            f.append([cellule(v) for v in ligne])
        for colonne in f.columns:
            f.column_dimensions[colonne[0].column_letter].width = 22

    synthese = classeur.active
    synthese.title = "Synthèse"
    participation = d["participation"]
    for ligne in [
        ["Rapport", str(rapport)],
        ["Périmètre", d["perimetre"]["libelle"]],
        ["Chiffres au", d["date"][:10]],
        ["Avancement moyen (%)", _arrondi(d["avancement"]["moyenne"])],
        ["Propositions moyennées", d["avancement"]["nombre"]],
        ["Agents inscrits", participation["inscrits"]],
        ["Agents participants", participation["participants"]],
        [
            "Taux de participation, services généraux (%)",
            _pourcent(participation["services_generaux"]["taux"]),
        ],
        [
            "Taux de participation, organisation (%)",
            _pourcent(participation["organisation"]["taux"]),
        ],
        ["Taux de présence (%)", _pourcent(participation["pointage"]["taux_presence"])],
    ]:
        synthese.append([cellule(v) for v in ligne])
    synthese.column_dimensions["A"].width = 45
    synthese.column_dimensions["B"].width = 40
    feuille(
        "Avancement",
        ["Élément", "Avancement (%)", "Propositions moyennées"],
        [[e["libelle"], _arrondi(e["moyenne"]), e["nombre"]] for e in d["elements"]],
    )
    feuille(
        "Étapes",
        ["Étape", "À cette étape", "Ont atteint cette étape"],
        [[e["libelle"], e["nombre"], e["au_moins"]] for e in d["entonnoir"]],
    )
    feuille(
        "Météo",
        ["Météo", "Propositions en cours"],
        [[m["libelle"], m["nombre"]] for m in d["meteo"]],
    )
    feuille(
        "Tendance",
        ["Fin du mois", "Avancement (%)", "Propositions"],
        [[t["libelle"], _arrondi(t["moyenne"]), t["nombre"]] for t in d["tendance"]],
    )
    arbitrer = d["a_arbitrer"]
    feuille(
        "À arbitrer",
        ["Nature", "Objet", "Détail", "Pilotes"],
        [["Orage", o["titre"], o["explication"], _noms(o["pilotes"])] for o in arbitrer["orages"]]
        + [
            [
                "Jalon en retard",
                j["titre"],
                f"{j['jours_de_retard']} jours · {j['proposition']}",
                _noms(j["pilotes"]),
            ]
            for j in arbitrer["jalons_en_retard"]
        ]
        + [
            [
                "Sujet sans nouvelles",
                s["titre"],
                s["dernier_point"] or "jamais",
                _noms(s["pilotes"]),
            ]
            for s in arbitrer["sujets_silencieux"]
        ],
    )
    feuille(
        "Directions",
        ["Sigle", "Direction", "Services généraux", "Effectif", "Participants", "Taux (%)"],
        [
            [
                direction["sigle"],
                direction["nom"],
                "oui" if direction["services_generaux"] else "non",
                direction["effectif"],
                direction["participants"],
                _pourcent(direction["taux"]),
            ]
            for direction in participation["par_direction"]
        ],
    )
    feuille(
        "Journées",
        ["Journée", "Date", "Ville", "Places", "Confirmées", "Remplissage (%)", "Liste d'attente"],
        [
            [
                j["titre"],
                j["date"],
                j["ville"],
                j["capacite"],
                j["confirmees"],
                _pourcent(j["remplissage"]),
                j["attente"],
            ]
            for j in participation["journees"]
        ],
    )
    c = d["changements"]
    feuille(
        "Changements",
        ["Nature", "Objet", "Détail", "Date"],
        [["Nouvelle proposition", p["titre"], p["sujet"], ""] for p in c["nouvelles_propositions"]]
        + [
            ["Changement de statut", s["proposition"], f"{s['avant']} → {s['apres']}", s["date"]]
            for s in c["changements_de_statut"]
        ]
        + [
            ["Jalon atteint", j["titre"], j["proposition"], j["fait_le"]]
            for j in c["jalons_atteints"]
        ]
        + [
            ["Journée", j["titre"], f"{j['participants']} participants", j["date"]]
            for j in c["journees"]
        ],
    )
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _arrondi(valeur: float | None) -> float | None:
    return None if valeur is None else round(valeur, 1)


def _pourcent(taux: float | None) -> float | None:
    return None if taux is None else round(taux * 100, 1)


def _noms(pilotes: list[dict[str, str]]) -> str:
    return ", ".join(p["nom"] for p in pilotes)
