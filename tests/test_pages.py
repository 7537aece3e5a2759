"""Every page, on the demo data with hostile text typed by users: no inline script or style
(the Content Security Policy would block it), and user text always escaped."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from faireadmin.models import Agent
from journees import notifications
from journees.models import AbonnementCalendrier, Inscription, Journee
from suivi.models import Jalon, PointAvancement, Proposition, Rapport

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


def _motifs(motifs=None):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        if isinstance(motif, URLResolver):
            if motif.app_name != "admin":
                yield from _motifs(motif.url_patterns)
        elif isinstance(motif, URLPattern):
            yield motif


def _valeurs(compte: Agent | None) -> dict:
    """Real objects of the demo for the URLs' parameters: by the route's segment just before
    the parameter (``journees/<int:pk>/``), else by the parameter's name."""
    jalon = Jalon.objects.select_related("proposition__sujet__axe").first()
    proposition = jalon.proposition
    inscription = (
        Inscription.objects.filter(statut=Inscription.Statut.CONFIRMEE)
        .select_related("agent")
        .first()
    )
    titulaire = compte or inscription.agent
    return {
        ("journees", "pk"): inscription.journee_id,
        ("propositions", "pk"): proposition.pk,
        ("rapports", "pk"): Rapport.objects.first().pk,
        ("sujets", "pk"): proposition.sujet.pk,
        ("sujets", "slug"): proposition.sujet.slug,
        ("axes", "slug"): proposition.sujet.axe.slug,
        ("calendrier", "jeton"): AbonnementCalendrier.objects.de(titulaire).jeton,
        ("annulation", "jeton"): notifications.jeton_annulation(inscription),
        "inscription_pk": inscription.pk,
        "jalon_pk": jalon.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(titulaire.pk)),
        "token": default_token_generator.make_token(titulaire),
        "format": "csv",
        "quoi": "propositions",
    }


def _adresses(valeurs: dict) -> list[str]:
    adresses = []
    for motif in _motifs():
        route, arguments = str(motif.pattern), {}
        for nom in motif.pattern.regex.groupindex:
            segment = re.search(rf"([\w-]+)/<(?:\w+:)?{nom}>", route)
            cle = (segment.group(1), nom) if segment else None
            arguments[nom] = valeurs[cle] if cle in valeurs else valeurs[nom]
        adresses.append(reverse(motif.name, kwargs=arguments))
    return adresses


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
    for adresse in _adresses(_valeurs(compte)):
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
