"""make bench: the real stack at the stress scale of DESIGN.md, under load.

1. A PostgreSQL database of its own (<base>_bench), migrated and loaded with `demo --stress`.
2. The application under gunicorn, configured as in production (faireadmin/gunicorn.py,
   DEBUG off, persistent database connections with health checks, Redis cache and broker).
3. wrk, from its own process on loopback, logged in, 8 connections, on each page; then the
   registration rush (500 agents and 20 double submissions, 50 at a time, 40 seats) and a
   PostgreSQL restart while serving, on a cluster of the benchmark's own (pg_createcluster on a
   free port, dropped afterwards): the machine's shared PostgreSQL is never restarted.

Prints one JSON line per page on stdout, with exactly the keys page, rps, p50_ms, p95_ms,
errors, queries, ratio (requests/s over the baseline's, measured in the same run); the rush,
the restart and the targets go to stderr. Exits 1 when a target is missed.
"""

import argparse
import concurrent.futures
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))
from tests.vrais_services import session  # noqa: E402 (one way to log in, the tests' own)

LUA = Path(__file__).with_name("requete.lua")
FILS_WRK = 2

# Targets (issue « Proof »), at the stress scale.
RATIO_LECTURE, RATIO_CACHEES, RATIO_ECRITURE = 0.10, 0.25, 0.05
P95_MAX_MS, REQUETES_SQL_MAX = 150.0, 15
CACHEES = {"tableau_de_bord", "feuille_de_route"}
DEMO = [f"{cle}@laregion.example" for cle in ("agent", "pilote", "lab", "dg", "admin")]
ECRITURES = {"mise_a_jour_htmx", "inscription"}


def dire(texte: str) -> None:
    print(texte, file=sys.stderr, flush=True)


# --- The stack ----------------------------------------------------------------------------
def environnement(port: int) -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/faireadmin")
    parties = urlsplit(base)
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1").rsplit("/", 1)[0]
    return {
        "DATABASE_URL": urlunsplit(parties._replace(path=parties.path + "_bench")),
        "REDIS_URL": f"{redis}/6",  # the cache: /7
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        # Plain HTTP on loopback: no TLS redirect, no Secure cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }


def recreer_la_base(url: str) -> None:
    import psycopg

    parties = urlsplit(url)
    nom = parties.path.lstrip("/")
    with psycopg.connect(urlunsplit(parties._replace(path="/postgres")), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{nom}"')


def analyser(url: str) -> None:
    """The state of a live database: statistics, and tables vacuumed (a freshly loaded
    database would otherwise be vacuumed by autovacuum during the first measures)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connexion:
        connexion.execute("VACUUM (ANALYZE)")


def manage(env: dict[str, str], *commande: str) -> str:
    resultat = subprocess.run(
        [sys.executable, "manage.py", *commande],
        cwd=RACINE,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if resultat.returncode:
        raise SystemExit(f"manage.py {' '.join(commande)} a échoué :\n{resultat.stderr}")
    return resultat.stdout


def demarrer(env: dict[str, str], journal: str = "bench-gunicorn.log") -> subprocess.Popen:
    serveur = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:faireadmin.gunicorn",
            "faireadmin.wsgi",
        ],
        cwd=RACINE,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(RACINE / "artefacts" / journal, "w"),  # noqa: SIM115
    )
    adresse = env["SITE_URL"]
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{adresse}/sante/", timeout=1)  # noqa: S310 (http)
            return serveur
        except OSError:
            time.sleep(0.2)
    serveur.terminate()
    raise SystemExit(f"gunicorn ne répond pas : voir artefacts/{journal}.")


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


# --- The registration rush ----------------------------------------------------------------
def ruee(site: str, csrf: str) -> dict:
    import datetime as dt

    import requests
    from django.utils import timezone

    from faireadmin.models import Agent
    from journees.models import Inscription, Journee

    maintenant = timezone.now()
    journee = Journee.objects.create(
        phase="explorer",
        titre="Journée de la ruée (mesure)",
        date=timezone.localdate() + dt.timedelta(days=40),
        ville="Montpellier",
        lieu="Hôtel de Région",
        capacite=40,
        ouverture_inscriptions=maintenant - dt.timedelta(hours=1),
        cloture_inscriptions=maintenant + dt.timedelta(days=30),
    )
    agents = list(Agent.objects.exclude(email__in=DEMO).order_by("-pk")[:500])
    cles = [session(a) for a in agents]
    envois = cles + cles[:20]  # 20 double submissions
    random.Random(7).shuffle(envois)
    url = f"{site}/journees/{journee.pk}/inscription/"

    def inscrire(cle: str) -> tuple[int, float]:
        debut = time.perf_counter()
        try:
            r = requests.post(
                url,
                cookies={"sessionid": cle, "csrftoken": csrf},
                headers={"X-CSRFToken": csrf, "HX-Request": "true"},
                allow_redirects=False,
                timeout=30,
            )
            return r.status_code, time.perf_counter() - debut
        except requests.RequestException:
            return 599, time.perf_counter() - debut

    debut = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as groupe:
        resultats = list(groupe.map(inscrire, envois))
    duree = time.perf_counter() - debut
    statuts = [s for s, _ in resultats]
    latences = sorted(t for _, t in resultats)
    lignes = Inscription.objects.filter(journee=journee).exclude(statut="annulee")
    rangs = sorted(lignes.filter(statut="attente").values_list("rang_attente", flat=True))
    return {
        "envois": len(envois),
        "duree_s": round(duree, 2),
        "p95_ms": round(latences[int(len(latences) * 0.95)] * 1000, 1),
        "5xx": sum(s >= 500 for s in statuts),
        "autres_refus": sum(400 <= s < 500 for s in statuts),
        "confirmees": lignes.filter(statut="confirmee").count(),
        "en_attente": len(rangs),
        "rangs_sans_trou": rangs == list(range(1, len(rangs) + 1)),
        "doublons": lignes.count() - lignes.values("agent").distinct().count(),
    }


# --- PostgreSQL restarted while serving ---------------------------------------------------
def redemarrage_postgresql() -> dict:
    """A PostgreSQL restart while serving, on a cluster of the benchmark's own (created,
    loaded with the demo data, then dropped): the machine's shared server is never touched."""
    import requests

    from tests.vrais_services import PostgresJetable

    if not PostgresJetable.disponible():
        return {"mesure": "impossible : pg_createcluster absent"}
    grappe = PostgresJetable().creer()
    serveur = None
    try:
        port = 8766
        env = {
            **environnement(port),
            "DATABASE_URL": grappe.creer_base("faireadmin_redemarrage"),
            "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/8",  # its cache: /9
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo", "--force")
        serveur = demarrer(env, journal="bench-redemarrage.log")
        site = env["SITE_URL"]
        with requests.Session() as navigateur:  # a real login, on that database
            navigateur.get(f"{site}/connexion/", timeout=10)
            navigateur.post(
                f"{site}/connexion/",
                {
                    "username": DEMO[0],
                    "password": "faire-administration",
                    "csrfmiddlewaretoken": navigateur.cookies["csrftoken"],
                },
                timeout=10,
            )
            cle = navigateur.cookies["sessionid"]
        return mesurer_un_redemarrage(site, cle, grappe)
    finally:
        if serveur is not None:
            serveur.terminate()
            serveur.wait(timeout=20)
        grappe.supprimer()


def mesurer_un_redemarrage(site: str, cle: str, grappe) -> dict:
    import requests

    reponses: list[tuple[float, int]] = []
    arret = threading.Event()

    def servir() -> None:
        with requests.Session() as navigateur:
            navigateur.cookies.set("sessionid", cle)
            while not arret.is_set():
                try:
                    statut = navigateur.get(f"{site}/", timeout=10).status_code
                except requests.RequestException:
                    statut = 599
                reponses.append((time.monotonic(), statut))

    fils = [threading.Thread(target=servir) for _ in range(4)]
    for fil in fils:
        fil.start()
    time.sleep(2)
    coupure = time.monotonic()
    grappe.redemarrer()
    while not grappe.repond():
        time.sleep(0.1)
    retour = time.monotonic()
    time.sleep(5)
    arret.set()
    for fil in fils:
        fil.join()
    avant = [s for t, s in reponses if t < coupure]
    apres = [s for t, s in reponses if t >= retour]
    pendant = [s for t, s in reponses if coupure <= t < retour]
    return {
        "coupure_s": round(retour - coupure, 2),
        "reponses_avant": len(avant),
        "5xx_avant": sum(s >= 500 for s in avant),
        "reponses_pendant": len(pendant),
        "5xx_pendant": sum(s >= 500 for s in pendant),
        "reponses_apres": len(apres),
        "5xx_apres": sum(s >= 500 for s in apres),
    }


# --- Main -----------------------------------------------------------------------------------
def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--duree", type=int, default=10, help="secondes de charge par page")
    arguments.add_argument("--connexions", type=int, default=8)
    arguments.add_argument(
        "--reprendre",
        action="store_true",
        help="garde la base de mesure d'un passage précédent (sans la reconstruire)",
    )
    arguments.add_argument("--pages", help="seulement ces pages (noms séparés par des virgules)")
    arguments.add_argument("--sans-ruee", action="store_true")
    arguments.add_argument("--sans-redemarrage", action="store_true")
    options = arguments.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk absent : apt-get install wrk (make bench l'installe).")

    (RACINE / "artefacts").mkdir(exist_ok=True)
    port = 8765
    statiques = Path(tempfile.mkdtemp(prefix="faireadmin-bench-static-"))
    env = {**environnement(port), "STATIC_ROOT": str(statiques)}
    os.environ.update(env)
    debut = time.perf_counter()
    if not options.reprendre:
        recreer_la_base(env["DATABASE_URL"])
        manage(env, "migrate", "--noinput", "-v0")
        bilan = manage(env, "demo", "--stress", "--force").splitlines()[0]
        analyser(env["DATABASE_URL"])
        dire(f"# Jeu de stress en {time.perf_counter() - debut:.0f} s : {bilan}")
    manage(env, "collectstatic", "--noinput", "-v0")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")
    import django

    django.setup()
    dossier = Path(tempfile.mkdtemp(prefix="faireadmin-bench-"))
    serveur = demarrer(env)
    site = env["SITE_URL"]
    csrf = secrets.token_hex(16)  # a CSRF secret: 32 characters, cookie and header alike
    echecs: list[str] = []
    try:
        liste = pages(dossier)
        if options.pages:
            voulues = {"baseline", *options.pages.split(",")}
            liste = [page for page in liste if page.nom in voulues]
        mesures = {}
        for page in liste:
            charger(site, page, csrf, 2, options.connexions)  # warm-up: caches, connections
            mesure = charger(site, page, csrf, options.duree, options.connexions)
            mesure["requetes_sql"] = requetes_sql(page)
            mesures[page.nom] = mesure
        reference = mesures["baseline"]["requetes"] / mesures["baseline"]["duree_s"]
        for page in liste:
            m = mesures[page.nom]
            rps = m["requetes"] / m["duree_s"]
            ligne = {
                "page": page.nom,
                "rps": round(rps, 1),
                "p50_ms": round(m["p50_ms"], 1),
                "p95_ms": round(m["p95_ms"], 1),
                "errors": m["erreurs"],
                "queries": m["requetes_sql"],
                "ratio": round(rps / reference, 3),
            }
            print(json.dumps(ligne), flush=True)
            if page.nom != "baseline":
                seuil = (
                    RATIO_CACHEES
                    if page.nom in CACHEES
                    else RATIO_ECRITURE
                    if page.nom in ECRITURES
                    else RATIO_LECTURE
                )
                if ligne["ratio"] < seuil:
                    echecs.append(f"{page.nom} : ratio {ligne['ratio']} < {seuil}")
            if ligne["errors"]:
                echecs.append(f"{page.nom} : {ligne['errors']} erreur(s)")
            if ligne["p95_ms"] > P95_MAX_MS:
                echecs.append(f"{page.nom} : p95 {ligne['p95_ms']} ms > {P95_MAX_MS} ms")
            if ligne["queries"] > REQUETES_SQL_MAX:
                echecs.append(f"{page.nom} : {ligne['queries']} requêtes SQL > {REQUETES_SQL_MAX}")

        if not options.sans_ruee:
            verifier_la_ruee(ruee(site, csrf), echecs)
        redemarrage = None if options.sans_redemarrage else redemarrage_postgresql()
        if redemarrage is not None:
            dire(
                f"# PostgreSQL redémarré en service : {json.dumps(redemarrage, ensure_ascii=False)}"
            )
            if (
                redemarrage.get("5xx_apres", 1)
                or redemarrage.get("5xx_avant", 1)
                or not redemarrage.get("reponses_apres")
            ):
                echecs.append(f"redémarrage de PostgreSQL : {redemarrage}")
    finally:
        serveur.terminate()
        serveur.wait(timeout=20)
        shutil.rmtree(dossier, ignore_errors=True)
        shutil.rmtree(statiques, ignore_errors=True)
    return conclure(echecs)


def verifier_la_ruee(r: dict, echecs: list[str]) -> None:
    dire(f"# Ruée sur 40 places : {json.dumps(r, ensure_ascii=False)}")
    attendu = {"confirmees": 40, "en_attente": 460, "doublons": 0, "5xx": 0}
    for cle, valeur in attendu.items():
        if r[cle] != valeur:
            echecs.append(f"ruée : {cle} = {r[cle]}, attendu {valeur}")
    if not r["rangs_sans_trou"]:
        echecs.append("ruée : rangs d'attente avec des trous")


def conclure(echecs: list[str]) -> int:
    for echec in echecs:
        dire(f"# OBJECTIF MANQUÉ — {echec}")
    dire(
        "# Tous les objectifs sont tenus."
        if not echecs
        else f"# {len(echecs)} objectif(s) manqué(s)."
    )
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
