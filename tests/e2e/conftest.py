"""Browser tests: the application served as in production (gunicorn, DEBUG off, static files
by WhiteNoise, a PostgreSQL database of its own loaded with the demo data), driven by Debian's
Chromium through Playwright. Every page visited is checked by axe-core (no "serious" or
"critical" violation), must not trip the Content Security Policy, and is photographed at
desktop and mobile widths into artefacts/e2e/."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

RACINE = Path(__file__).resolve().parents[2]
ARTEFACTS = RACINE / "artefacts" / "e2e"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DRAPEAUX = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MOT_DE_PASSE_DEMO = "faire-administration"
BUREAU = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _base_e2e() -> tuple[str, str]:
    """The e2e database's address (next to the suite's), and the server's maintenance one."""
    parties = urlsplit(os.environ["DATABASE_URL"])
    nom = parties.path.lstrip("/") + "_e2e"
    return (
        urlunsplit(parties._replace(path=f"/{nom}")),
        urlunsplit(parties._replace(path="/postgres")),
    )


def _recreer(maintenance: str, nom: str) -> None:
    with psycopg.connect(maintenance, autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        connexion.execute(f'CREATE DATABASE "{nom}"')


@pytest.fixture(scope="session")
def site():
    """The base address of the application, served by gunicorn on a free port."""
    url_base, maintenance = _base_e2e()
    nom = urlsplit(url_base).path.lstrip("/")
    _recreer(maintenance, nom)
    statiques = Path(tempfile.mkdtemp(prefix="faireadmin-e2e-static-"))
    port = _port_libre()
    adresse = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url_base,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # Tasks run in the web process (no worker here); the cache is shared by the workers.
        "REDIS_URL": "",
        "CACHE_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1").rsplit("/", 1)[0]
        + "/3",
        "STATIC_ROOT": str(statiques),
        "SITE_URL": adresse,
        # The demo's sujets have 4 propositions: folded, as at the stress scale, so that the
        # journeys open them.
        "PROPOSITIONS_DEPLIEES_AU_PLUS": "2",
    }
    python = sys.executable
    for commande in (
        ["migrate", "--noinput", "-v0"],
        ["demo", "--force"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [python, "manage.py", *commande], cwd=RACINE, env=env, check=True, capture_output=True
        )
    gunicorn = str(Path(python).with_name("gunicorn"))
    journal = open(ARTEFACTS.parent / "e2e-serveur.log", "w")  # noqa: SIM115
    serveur = subprocess.Popen(
        # Production's gunicorn settings, two workers on loopback.
        [gunicorn, "-c", "python:faireadmin.gunicorn", "faireadmin.wsgi"],
        cwd=RACINE,
        env={**env, "BIND_HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2"},
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{adresse}/sante/", timeout=1)  # noqa: S310 (http)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Le serveur de test ne répond pas (voir artefacts/e2e-serveur.log).")
        yield adresse
    finally:
        serveur.terminate()
        serveur.wait(timeout=10)
        journal.close()
        shutil.rmtree(statiques, ignore_errors=True)
        _recreer(maintenance, nom)  # leave it empty


@pytest.fixture(scope="session")
def navigateur() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium (voir README, "
            "« Tester »)."
        )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=DRAPEAUX)
        yield navigateur
        navigateur.close()


class Visite:
    """A person's browser: their own context (cookies), the page, and what the checks saw."""

    def __init__(self, navigateur: Browser, site: str, nom: str) -> None:
        self.site = site
        self.nom = nom
        self.contexte = navigateur.new_context(
            viewport=BUREAU, locale="fr-FR", accept_downloads=True
        )
        self.page: Page = self.contexte.new_page()
        self.erreurs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.erreurs.append(f"erreur JavaScript : {e}"))
        self.verifiees: list[str] = []

    def _console(self, message) -> None:
        texte = message.text
        if message.type == "error" and "favicon" not in texte:
            self.erreurs.append(texte)

    def aller(self, chemin: str) -> None:
        reponse = self.page.goto(self.site + chemin)
        assert reponse is not None and reponse.status == 200, (chemin, reponse and reponse.status)

    def connecter(self, email: str) -> None:
        self.aller("/connexion/")
        self.page.get_by_label("Adresse e-mail").fill(email)
        self.page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url(lambda url: "/connexion/" not in url)

    def verifier(self, etape: str) -> None:
        """axe-core on the page as it is, no error in the console (CSP violations show there),
        and the screenshots at both widths."""
        page = self.page
        page.wait_for_load_state("networkidle")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text() + "\n;0")
        resultats = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, aide: v.help,"
            " noeuds: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
        )
        graves = [v for v in resultats if v["impact"] in ("serious", "critical")]
        assert graves == [], f"{etape} ({page.url}) : {graves}"
        assert self.erreurs == [], f"{etape} ({page.url}) : {self.erreurs}"
        fichier = f"{self.nom}-{len(self.verifiees) + 1:02d}-{etape}"
        page.screenshot(path=ARTEFACTS / f"{fichier}-bureau.png", full_page=True)
        page.set_viewport_size(MOBILE)
        page.screenshot(path=ARTEFACTS / f"{fichier}-mobile.png", full_page=True)
        page.set_viewport_size(BUREAU)
        self.verifiees.append(etape)

    def fermer(self) -> None:
        self.contexte.close()


@pytest.fixture
def visite(navigateur, site, request):
    """``visite(email)``: a logged-in browser of that demo account."""
    ouvertes: list[Visite] = []

    def ouvrir(email: str | None = None) -> Visite:
        v = Visite(navigateur, site, request.node.name)
        ouvertes.append(v)
        if email:
            v.connecter(email)
        return v

    yield ouvrir
    for v in ouvertes:
        v.fermer()
