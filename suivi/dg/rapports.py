"""Reports to the direction générale: frozen figures and what changed during the period.

A report stores, as JSON, every figure of the dashboard at the moment it is built, and the
changes of its period: new propositions, statut changes, milestones reached and overdue,
journées held and new participants. Its figures never move afterwards. Weekly and monthly
reports of the programme are built by Celery beat (once per period: the database refuses a
second one) and e-mailed to the direction générale through the outbox.
"""

import base64
import datetime as dt
import io
import re
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from faireadmin import outbox
from faireadmin.models import Agent
from faireadmin.roles import GROUPE_DG
from journees.exports import cellule
from journees.models import Inscription
from suivi.dg import graphiques
from suivi.dg.indicateurs import Perimetre, Periode, indicateurs
from suivi.models import Jalon, PointAvancement, Rapport, StatutProposition

Type = Rapport.Type
PROGRAMME = Perimetre()


def perimetre_du(rapport: Rapport) -> Perimetre:
    axe = rapport.sujet.axe if rapport.sujet else rapport.axe
    return Perimetre(axe=axe, sujet=rapport.sujet)


def periode_precedente(type_: str, jour: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete week (Monday to Sunday) or month before ``jour``."""
    if type_ == Type.HEBDOMADAIRE:
        fin = jour - dt.timedelta(days=jour.isoweekday())
        return fin - dt.timedelta(days=6), fin
    fin = jour.replace(day=1) - dt.timedelta(days=1)
    return fin.replace(day=1), fin


def _bornes(debut: dt.date, fin: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(debut, dt.time())),
        timezone.make_aware(dt.datetime.combine(fin + dt.timedelta(days=1), dt.time())),
    )


def changements(perimetre: Perimetre, debut: dt.date, fin: dt.date) -> dict[str, Any]:
    """What happened in the scope between ``debut`` and ``fin`` (included)."""
    depuis, jusqua = _bornes(debut, fin)
    propositions = perimetre.propositions()
    nouvelles = propositions.filter(cree_le__gte=depuis, cree_le__lt=jusqua).select_related("sujet")
    statuts = (
        PointAvancement.objects.filter(
            proposition__in=propositions,
            cree_le__gte=depuis,
            cree_le__lt=jusqua,
            changements__has_key="statut",
        )
        .select_related("proposition", "auteur")
        .order_by("cree_le", "id")
    )
    jalons_atteints = Jalon.objects.filter(
        proposition__in=propositions, fait_le__gte=debut, fait_le__lte=fin
    ).select_related("proposition")
    journees = perimetre.journees().filter(date__gte=debut, date__lte=fin)
    presents = Inscription.objects.filter(
        statut=Inscription.Statut.CONFIRMEE, presence=Inscription.Presence.PRESENT
    )
    premiere_fois = (
        presents.filter(journee__in=perimetre.journees())
        .values("agent")
        .annotate(premiere=Min("journee__date"))
        .filter(premiere__gte=debut, premiere__lte=fin)
    )
    return {
        "nouvelles_propositions": [
            {"titre": p.titre, "lien": p.get_absolute_url(), "sujet": p.sujet.titre}
            for p in nouvelles.order_by("sujet__titre", "titre")
        ],
        "changements_de_statut": [
            {
                "proposition": point.proposition.titre,
                "lien": point.proposition.get_absolute_url(),
                "avant": str(StatutProposition(point.changements["statut"]["avant"]).label),
                "apres": str(StatutProposition(point.changements["statut"]["apres"]).label),
                "date": timezone.localtime(point.cree_le).date().isoformat(),
            }
            for point in statuts
        ],
        "jalons_atteints": [
            {
                "titre": j.titre,
                "proposition": j.proposition.titre,
                "lien": j.proposition.get_absolute_url(),
                "fait_le": j.fait_le.isoformat() if j.fait_le else None,
            }
            for j in jalons_atteints.order_by("fait_le", "id")
        ],
        "journees": [
            {
                "titre": j.titre,
                "lien": j.get_absolute_url(),
                "date": j.date.isoformat(),
                "participants": j.participants,  # type: ignore[attr-defined]
            }
            for j in journees.annotate(
                participants=Count(
                    "inscriptions",
                    filter=Q(
                        inscriptions__statut=Inscription.Statut.CONFIRMEE,
                        inscriptions__presence=Inscription.Presence.PRESENT,
                    ),
                )
            ).order_by("date")
        ],
        "nouveaux_participants": premiere_fois.count(),
    }


def ecarts(actuels: dict[str, Any], precedents: dict[str, Any] | None) -> dict[str, Any]:
    """How the headline figures moved since the previous report of the same series."""
    if not precedents:
        return {}

    def difference(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return {
        "avancement": difference(
            actuels["avancement"]["moyenne"], precedents["avancement"]["moyenne"]
        ),
        "propositions_comptees": actuels["avancement"]["nombre"]
        - precedents["avancement"]["nombre"],
        "participants": actuels["participation"]["participants"]
        - precedents["participation"]["participants"],
        "precedent_du": precedents["date"],
    }


@transaction.atomic
def construire(
    *,
    type: str,
    debut: dt.date,
    fin: dt.date,
    perimetre: Perimetre = PROGRAMME,
    par: Agent | None = None,
    maintenant: dt.datetime | None = None,
    envoyer: bool = True,
) -> tuple[Rapport, bool]:
    """Builds and stores a report (and e-mails the weekly and monthly ones to the direction
    générale, unless ``envoyer`` is false). A periodic report already built for this period is
    returned as it is."""
    maintenant = maintenant or timezone.now()
    if type != Type.PONCTUEL:
        existant = Rapport.objects.filter(type=type, fin=fin).first()
        if existant:
            return existant, False
    axe = perimetre.axe if not perimetre.sujet else None
    precedent = (
        Rapport.objects.filter(type=type, axe=axe, sujet=perimetre.sujet, fin__lt=fin)
        .order_by("-fin")
        .first()
    )
    # A periodic report gives the programme to date (its figures follow one another from report
    # to report); a report on demand, the period asked for, as the dashboard does.
    periode = Periode(debut=debut if type == Type.PONCTUEL else None, fin=fin)
    figures = indicateurs(perimetre, periode, maintenant)
    donnees = {
        **figures,
        "periode_du_rapport": {"debut": debut.isoformat(), "fin": fin.isoformat()},
        "changements": changements(perimetre, debut, fin),
        "ecarts": ecarts(figures, precedent.donnees if precedent else None),
    }
    try:
        with transaction.atomic():
            rapport = Rapport.objects.create(
                type=type,
                axe=axe,
                sujet=perimetre.sujet,
                debut=debut,
                fin=fin,
                cree_le=maintenant,
                cree_par=par,
                donnees=donnees,
            )
    except IntegrityError:  # built meanwhile by another worker
        return Rapport.objects.get(type=type, fin=fin), False
    if envoyer and type != Type.PONCTUEL:
        envoyer_a_la_dg(rapport)
    return rapport, True


def contexte(rapport: Rapport) -> dict[str, Any]:
    return {
        "rapport": rapport,
        "d": rapport.donnees,
        "site": settings.FAIREADMIN["SITE_URL"],
        "lien": settings.FAIREADMIN["SITE_URL"] + rapport.get_absolute_url(),
    }


def envoyer_a_la_dg(rapport: Rapport) -> None:
    """The report, as HTML (and text), to every member of the direction générale."""
    valeurs = contexte(rapport)
    corps = render_to_string("suivi/dg/rapport_courriel.txt", valeurs)
    corps_html = render_to_string("suivi/dg/rapport_courriel.html", valeurs)
    for membre in Agent.objects.filter(groups__name=GROUPE_DG, is_active=True):
        outbox.notifier(
            nature="rapport.envoi",
            objet=f"rapport:{rapport.pk}",
            destinataire=membre,
            sujet=f"Faire Administration · {rapport}",
            corps=corps,
            corps_html=corps_html,
        )


SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def _svg_en_image(correspondance: re.Match[str]) -> str:
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
        _svg_en_image,
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
