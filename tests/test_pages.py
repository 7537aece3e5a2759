"""Every page, on the demo data with hostile text typed by users: no inline script or style
(the Content Security Policy would block it), and user text always escaped."""

from html.parser import HTMLParser

import pytest
from django.urls import resolve, reverse

from faireadmin.models import Agent
from journees.models import Inscription, Journee
from suivi.models import PointAvancement, Proposition, Rapport
from tests import balayage

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class Inline(HTMLParser):
    """What the Content Security Policy would block: inline scripts, style elements and
    attributes, event handler attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.trouves: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        noms = dict(attrs)
        if tag == "script" and "src" not in noms:
            self.trouves.append("inline script")
        if tag == "style":
            self.trouves.append("style element")
        for nom, valeur in attrs:
            if nom == "style" or nom.startswith("on"):
                self.trouves.append(f"{nom}= on <{tag}>")
            if (valeur or "").strip().lower().startswith("javascript:"):
                self.trouves.append(f"javascript: URL on <{tag}>")


def inline(contenu: str) -> list[str]:
    analyse = Inline()
    analyse.feed(contenu)
    return analyse.trouves


@pytest.fixture(scope="module")
def donnees(django_db_setup, django_db_blocker):
    with balayage.demo_le_temps_du_module(django_db_blocker):
        proposition = Proposition.objects.filter(statut="en_cours").first()
        Proposition.objects.filter(pk=proposition.pk).update(
            titre=HOSTILE, meteo="orage", meteo_explication=HOSTILE
        )
        PointAvancement.objects.create(proposition=proposition, texte=HOSTILE)
        journee = Journee.objects.filter(inscriptions__statut="confirmee").order_by("date").last()
        Journee.objects.filter(pk=journee.pk).update(programme=HOSTILE, lieu=HOSTILE)
        Inscription.objects.filter(journee=journee).update(besoins_accessibilite=HOSTILE)
        Agent.objects.filter(inscriptions__journee=journee).update(last_name=HOSTILE)
        yield {"proposition": proposition, "journee": journee}


def pages(d):
    proposition, journee = d["proposition"], d["journee"]
    sujet, axe = proposition.sujet, proposition.sujet.axe
    rapport = Rapport.objects.first()
    return [
        reverse("programme"),
        reverse("axe", args=[axe.slug]),
        reverse("sujet", args=[sujet.slug]),
        reverse("feuille_de_route"),
        reverse("espace_pilote"),
        reverse("proposition", args=[proposition.pk]),
        reverse("journees"),
        reverse("journee", args=[journee.pk]),
        reverse("mes_inscriptions"),
        reverse("organisation", args=[journee.pk]),
        reverse("emargement", args=[journee.pk]),
        reverse("bilan", args=[journee.pk]),
        reverse("journee_modifier", args=[journee.pk]),
        reverse("journee_nouvelle"),
        reverse("tableau_de_bord"),
        reverse("tableau_de_bord_axe", args=[axe.slug]),
        reverse("tableau_de_bord_sujet", args=[sujet.slug]),
        reverse("rapports"),
        reverse("rapport", args=[rapport.pk]),
        reverse("mes_donnees"),
        reverse("mot_de_passe_change"),
        reverse("donnees_personnelles"),
        reverse("accessibilite"),
    ]


@pytest.mark.django_db
def test_no_page_has_inline_code_and_user_text_is_escaped(client, donnees):
    client.force_login(Agent.objects.get(email="admin@laregion.example"))  # sees every page
    vus: set[str] = set()
    for url in pages(donnees):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        contenu = reponse.content.decode()
        assert inline(contenu) == [], url
        assert "<script>alert" not in contenu and "<img src=x" not in contenu, url
        vus.update({url} if "&lt;script&gt;alert" in contenu else set())
    # The hostile text did reach the pages that show it, escaped.
    d = donnees
    assert {
        reverse("proposition", args=[d["proposition"].pk]),
        reverse("feuille_de_route"),
        reverse("journee", args=[d["journee"].pk]),
        reverse("organisation", args=[d["journee"].pk]),
        reverse("emargement", args=[d["journee"].pk]),
        reverse("tableau_de_bord"),
    } <= vus
    anonyme = client.__class__()
    for nom in ("connexion", "mot_de_passe_oublie", "donnees_personnelles"):
        assert inline(anonyme.get(reverse(nom)).content.decode()) == [], nom


# --- The information pages, linked from every page ------------------------------------------
# What the sweep must at least have served to each role (it fails if a page stops answering).
PAGES_DES_AGENTS = {
    "programme", "axe", "sujet", "feuille_de_route", "espace_pilote", "proposition", "journees",
    "journee", "mes_inscriptions", "mes_donnees", "mot_de_passe_change", "donnees_personnelles",
    "accessibilite",
}  # fmt: skip
PAGES_DE_LA_DG = PAGES_DES_AGENTS | {
    "tableau_de_bord", "tableau_de_bord_axe", "tableau_de_bord_sujet", "rapports", "rapport",
}  # fmt: skip
PAGES_SERVIES = {
    "anonyme": {
        "connexion", "mot_de_passe_oublie", "mot_de_passe_envoye", "mot_de_passe_nouveau",
        "annulation_par_lien", "donnees_personnelles", "accessibilite",
    },
    "agent": PAGES_DES_AGENTS,
    "pilote": PAGES_DES_AGENTS,
    "dg": PAGES_DE_LA_DG,
    "lab": PAGES_DE_LA_DG | {
        "journee_nouvelle", "journee_modifier", "organisation", "emargement", "bilan",
        "propositions_journee",
    },
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("role", PAGES_SERVIES)
def test_every_page_links_to_the_information_pages(client, donnees, role):
    """Every URL of the application (the admin aside) that answers this role with an HTML
    page, after its redirects: the footer links to the personal data and accessibility pages,
    and, signed in, to « Mes données »."""
    compte = None if role == "anonyme" else Agent.objects.get(email=f"{role}@laregion.example")
    if compte:
        client.force_login(compte)
    liens = ["donnees_personnelles", "accessibilite"] + (["mes_donnees"] if compte else [])
    servies, sans_liens = set(), []
    for adresse in balayage.adresses(balayage.valeurs_reelles(compte)):
        reponse = client.get(adresse, follow=True)
        html = reponse["Content-Type"].startswith("text/html")
        if reponse.status_code != 200 or not html or reponse.has_header("Content-Disposition"):
            continue  # not a page: refused, POST only, a file
        page = resolve(reponse.request["PATH_INFO"]).url_name
        servies.add(page)
        contenu = reponse.content.decode()
        if manquants := [n for n in liens if f'href="{reverse(n)}"' not in contenu]:
            sans_liens.append(f"{page} ({reponse.request['PATH_INFO']}) : {manquants}")
    assert sans_liens == []
    assert PAGES_SERVIES[role] <= servies  # the sweep did reach the pages of the role
