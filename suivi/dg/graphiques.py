"""Geometry of the dashboard's charts, drawn as SVG by templates/suivi/dg/graphiques.html.

Charts are computed here, on the server, as plain numbers: no script, nothing from outside
(the Content Security Policy forbids both), and they print. Every chart has a title, a
description and its data table next to it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

LARGEUR = 640
MARGE_LIBELLE = 250  # room for the labels, left of the bars
LARGEUR_BARRES = 300
HAUTEUR_LIGNE = 30
LONGUEUR_LIBELLE = 30

COULEUR = "#a1123a"
COULEURS_METEO = {"soleil": "#1b6b3a", "nuage": "#8a4b00", "orage": "#a1123a"}


def _court(texte: str, longueur: int = LONGUEUR_LIBELLE) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _pourcent(valeur: float | None) -> str:
    return "—" if valeur is None else f"{round(valeur)} %"


@dataclass
class Graphique:
    titre: str
    description: str
    largeur: int = LARGEUR
    hauteur: int = 0
    elements: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def barres(
    lignes: list[dict[str, Any]],
    *,
    titre: str,
    description: str,
    maximum: float = 100.0,
    valeur: str = "moyenne",
    texte=None,
) -> Graphique:
    """Horizontal bars, one per line; ``texte(ligne)`` writes the figure shown at the end."""
    graphique = Graphique(titre, description, hauteur=HAUTEUR_LIGNE * len(lignes) + 10)
    for rang, ligne in enumerate(lignes):
        nombre = ligne.get(valeur)
        largeur = 0.0 if not nombre or not maximum else min(nombre / maximum, 1) * LARGEUR_BARRES
        graphique.elements.append(
            {
                "y": 5 + rang * HAUTEUR_LIGNE,
                "libelle": _court(ligne["libelle"]),
                "libelle_complet": ligne["libelle"],
                "lien": ligne.get("lien", ""),
                "largeur": round(largeur, 1),
                "x_texte": MARGE_LIBELLE + round(largeur, 1) + 6,
                "texte": texte(ligne) if texte else _pourcent(nombre),
                "couleur": ligne.get("couleur") or COULEUR,
            }
        )
    graphique.extra = {
        "x_barres": MARGE_LIBELLE,
        "x_libelle": MARGE_LIBELLE - 8,
        "largeur_barres": LARGEUR_BARRES,
    }
    return graphique


def entonnoir(etapes: list[dict[str, Any]]) -> Graphique:
    """The lifecycle as a funnel: for each step, how many propositions reached at least it."""
    avancees = [e for e in etapes if e["au_moins"] is not None]
    maximum = max((e["au_moins"] for e in avancees), default=0) or 1
    graphique = Graphique(
        "Les propositions, étape par étape",
        "Pour chaque étape du cycle de vie, le nombre de propositions qui l'ont atteinte "
        "(et, entre parenthèses, celles qui y sont aujourd'hui).",
        hauteur=HAUTEUR_LIGNE * len(avancees) + 10,
    )
    centre = MARGE_LIBELLE + LARGEUR_BARRES / 2
    for rang, etape in enumerate(avancees):
        largeur = etape["au_moins"] / maximum * LARGEUR_BARRES
        graphique.elements.append(
            {
                "y": 5 + rang * HAUTEUR_LIGNE,
                "libelle": etape["libelle"],
                "x": round(centre - largeur / 2, 1),
                "x_libelle": round(centre - LARGEUR_BARRES / 2 - 8, 1),
                "largeur": round(max(largeur, 1), 1),
                "x_texte": round(centre + LARGEUR_BARRES / 2 + 8, 1),
                "texte": f"{etape['au_moins']} ({etape['nombre']})",
            }
        )
    return graphique


def meteo(repartition: list[dict[str, Any]]) -> Graphique:
    """The weather of the propositions in progress, as one bar split in three."""
    total = sum(m["nombre"] for m in repartition)
    graphique = Graphique(
        "La météo des propositions en cours",
        "Répartition des propositions en cours entre soleil (dans les temps), nuage "
        "(vigilance) et orage (bloquée).",
        hauteur=70,
    )
    x = 0.0
    for part in repartition:
        largeur = part["nombre"] / total * (LARGEUR - 20) if total else 0
        graphique.elements.append(
            {
                "x": round(10 + x, 1),
                "largeur": round(largeur, 1),
                "couleur": COULEURS_METEO[part["meteo"]],
                "libelle": part["libelle"],
                "nombre": part["nombre"],
                "texte": f"{part['nombre']}" if largeur > 24 else "",
                "x_texte": round(10 + x + largeur / 2, 1),
            }
        )
        x += largeur
    return graphique


def tendance(points: list[dict[str, Any]]) -> Graphique:
    """The mean progress at the end of each month, as a line from 0 to 100 %."""
    hauteur_trace, marge_haut, marge_gauche = 160, 15, 45
    largeur_trace = LARGEUR - marge_gauche - 40
    graphique = Graphique(
        "L'avancement, mois après mois",
        "Avancement moyen du périmètre à la fin de chaque mois, reconstitué à partir du "
        "journal des propositions.",
        hauteur=hauteur_trace + marge_haut + 40,
    )
    pas = largeur_trace / max(len(points) - 1, 1)
    trace = []
    for rang, point in enumerate(points):
        x = marge_gauche + rang * pas
        y = None
        if point["moyenne"] is not None:
            y = marge_haut + hauteur_trace * (1 - point["moyenne"] / 100)
            trace.append(f"{x:.1f},{y:.1f}")
        graphique.elements.append(
            {
                "x": round(x, 1),
                "y": round(y, 1) if y is not None else None,
                "libelle": point["libelle"],
                "texte": _pourcent(point["moyenne"]),
            }
        )
    graphique.extra = {
        "trace": " ".join(trace),
        "graduations": [
            {"y": round(marge_haut + hauteur_trace * (1 - v / 100), 1), "texte": f"{v} %"}
            for v in (0, 25, 50, 75, 100)
        ],
        "x_debut": marge_gauche,
        "x_graduation": marge_gauche - 6,
        "x_fin": marge_gauche + largeur_trace,
        "y_mois": marge_haut + hauteur_trace + 22,
    }
    return graphique


def directions_affichees(par_direction: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The largest directions (by headcount), in their given order: the dashboard shows
    ``TABLEAU_DE_BORD_DIRECTIONS_AFFICHEES`` of them at most (all of them at the Region's
    scale); the export lists every direction."""
    au_plus = settings.FAIREADMIN["TABLEAU_DE_BORD_DIRECTIONS_AFFICHEES"]
    if len(par_direction) <= au_plus:
        return par_direction
    plus_grandes = sorted(par_direction, key=lambda d: (-d["effectif"], d["nom"]))
    gardees = {id(d) for d in plus_grandes[:au_plus]}
    return [d for d in par_direction if id(d) in gardees]


def pour(donnees: dict[str, Any]) -> dict[str, Graphique]:
    """Every chart of a set of figures (the dashboard's, or a report's)."""
    elements = donnees["elements"]
    niveau = {"programme": "axe", "axe": "sujet", "sujet": "proposition"}
    return {
        "avancement": barres(
            elements,
            titre=f"L'avancement par {niveau[donnees['perimetre']['nature']]}",
            description="Avancement moyen des propositions qui comptent (de maquettée à "
            "réalisée), avec le nombre de propositions moyennées.",
            texte=lambda ligne: (
                "—"
                if ligne["moyenne"] is None
                else f"{round(ligne['moyenne'])} % · {ligne['nombre']}"
            ),
        ),
        "entonnoir": entonnoir(donnees["entonnoir"]),
        "meteo": meteo(donnees["meteo"]),
        "tendance": tendance(donnees["tendance"]),
        "directions": barres(
            [
                {**d, "libelle": f"{d['sigle']} · {d['nom']}", "taux_pct": (d["taux"] or 0) * 100}
                for d in directions_affichees(donnees["participation"]["par_direction"])
            ],
            titre="La participation par direction",
            description="Part des agents de chaque direction qui ont participé à au moins "
            "une journée (participants / effectif).",
            valeur="taux_pct",
            texte=lambda d: f"{round(d['taux_pct'])} % · {d['participants']}/{d['effectif']}",
        ),
    }
