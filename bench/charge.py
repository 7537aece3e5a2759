"""The pages of make bench and their load: each page, logged in, under wrk (bench/requete.lua),
and the SQL queries of one of its requests."""

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from pile import DEMO  # (bench/pile.py: puts the repository on sys.path)

from tests.vrais_services import session  # one way to log in, the tests' own

LUA = Path(__file__).with_name("requete.lua")
FILS_WRK = 2


# --- Sessions (logged in as the demo accounts and as stress agents) -----------------------
def fichier_de_sessions(dossier: Path, nom: str, cles: list[str]) -> Path:
    chemin = dossier / f"{nom}.txt"
    chemin.write_text("\n".join(cles) + "\n")
    return chemin


# --- Pages ----------------------------------------------------------------------------------
@dataclass
class Page:
    nom: str
    chemin: str
    sessions: Path
    methode: str = "GET"
    corps: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    session_de_mesure: str = ""  # for counting the SQL queries of one request


def pages(dossier: Path) -> list[Page]:
    from faireadmin.models import Agent
    from journees.models import Inscription, Journee
    from suivi.models import Proposition

    comptes = {
        cle: Agent.objects.get(email=f"{cle}@laregion.example") for cle in ("agent", "pilote", "dg")
    }
    une = {cle: fichier_de_sessions(dossier, cle, [session(a)]) for cle, a in comptes.items()}
    maintenant = __import__("django.utils.timezone", fromlist=["now"]).now()
    ouvertes = Journee.objects.filter(
        ouverture_inscriptions__lte=maintenant, cloture_inscriptions__gt=maintenant
    ).order_by("date")
    journee = ouvertes.first()
    # Registrations under load: a different agent each request, none registered there yet.
    deja = Inscription.objects.filter(journee=journee).values("agent")
    inscrits = list(
        Agent.objects.exclude(pk__in=deja).exclude(email__in=DEMO).order_by("pk")[:6000]
    )
    cles_inscription = [session(a) for a in inscrits[:-1]]
    proposition = (
        Proposition.objects.filter(sujet__pilotages__agent=comptes["pilote"])
        .exclude(statut=Proposition.Statut.ABANDONNEE)
        .order_by("pk")
        .first()
    )
    etat = {
        "statut": proposition.statut,
        "avancement": str(proposition.avancement),
        "meteo": proposition.meteo,
        "meteo_explication": proposition.meteo_explication,
    }
    point = {**{f"initial-{k}": v for k, v in etat.items()}, **etat}
    point |= {"version": str(proposition.version), "texte": "Point de mesure (make bench)."}
    return [
        Page("baseline", "/ping/", une["agent"]),
        Page("accueil", "/", une["agent"]),
        Page("journees", "/journees/", une["agent"]),
        Page("journee", f"/journees/{journee.pk}/", une["agent"]),
        Page("feuille_de_route", "/feuille-de-route/", une["agent"]),
        Page("espace_pilote", "/espace-pilote/", une["pilote"]),
        Page("proposition", f"/propositions/{proposition.pk}/", une["pilote"]),
        Page("tableau_de_bord", "/tableau-de-bord/", une["dg"]),
        Page(
            "mise_a_jour_htmx",
            f"/propositions/{proposition.pk}/point/",
            une["pilote"],
            methode="POST",
            corps=point,
            htmx=True,
        ),
        Page(
            "inscription",
            f"/journees/{journee.pk}/inscription/",
            fichier_de_sessions(dossier, "inscriptions", cles_inscription),
            methode="POST",
            htmx=True,
            session_de_mesure=session(inscrits[-1]),
        ),
    ]


def charger(site: str, page: Page, csrf: str, duree: int, connexions: int) -> dict:
    env = {
        **os.environ,
        "BENCH_METHODE": page.methode,
        "BENCH_CORPS": urlencode(page.corps),
        "BENCH_HTMX": "1" if page.htmx else "",
        "BENCH_SESSIONS": str(page.sessions),
        "BENCH_CSRF": csrf,
        "BENCH_FILS": str(FILS_WRK),
    }
    resultat = subprocess.run(
        [
            *("wrk", f"-t{FILS_WRK}", f"-c{connexions}", f"-d{duree}s", "--timeout", "5s"),
            *("-s", str(LUA), site + page.chemin),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def requetes_sql(page: Page) -> int:
    """The SQL queries of one request, served as under the load (warm cache)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    cle = page.session_de_mesure or page.sessions.read_text().split()[0]
    client.cookies["sessionid"] = cle
    entetes = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    with CaptureQueriesContext(connection) as requetes:
        if page.methode == "POST":
            reponse = client.post(page.chemin, page.corps, **entetes)
        else:
            reponse = client.get(page.chemin, **entetes)
    assert reponse.status_code == 200, (page.nom, reponse.status_code)
    return len(requetes)
