"""Every page, on the demo data with hostile text typed by users: no inline script or style
(the Content Security Policy would block it), and user text always escaped."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from faireadmin.models import Agent
from journees.models import Inscription, Journee
from suivi.models import PointAvancement, Proposition, Rapport

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
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", force=True, stdout=None)
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
        transaction.set_rollback(True)


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
