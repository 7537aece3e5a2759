"""The stack the bench scripts start: its environment, its database, manage.py, gunicorn.

Shared by make bench (bench/run.py), make pannes (bench/pannes.py: also its Pile, gunicorn, a
Celery worker, a Redis and an SMTP server of its own) and make profil (bench/profil.py).
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

DEMO = [f"{cle}@laregion.example" for cle in ("agent", "pilote", "lab", "dg", "admin")]


def dire(texte: str) -> None:
    print(texte, file=sys.stderr, flush=True)


def base_de(suffixe: str) -> str:
    """The database of DATABASE_URL's server named after it, followed by ``suffixe``."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/faireadmin")
    parties = urlsplit(base)
    return urlunsplit(parties._replace(path=parties.path + suffixe))


def redis_de(numero: int) -> str:
    """Database ``numero`` of REDIS_URL's server."""
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1").rsplit("/", 1)[0]
    return f"{redis}/{numero}"


def environnement(port: int) -> dict[str, str]:
    return {
        "DATABASE_URL": base_de("_bench"),
        "REDIS_URL": redis_de(6),  # the cache: /7
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
        # Each answer says whether it came from the cache (the hit_ratio of a row).
        "CACHE_SERVER_TIMING": "1",
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


# --- make pannes's stack ------------------------------------------------------------------
class Pile:
    """gunicorn, a worker, Redis and an SMTP server; each scenario may restart them."""

    def __init__(self, base: str) -> None:
        from tests.vrais_services import RedisJetable

        self.base = base
        self.redis = RedisJetable(persistant=True)
        self.redis.demarrer()
        self.serveur = None
        self.worker = None
        self.smtp = None

    def servir(self) -> None:
        from tests.vrais_services import ServeurWeb

        self.serveur = ServeurWeb(
            redis=self.redis.url, base=self.base, SECONDES_AVANT_BALAYAGE="0"
        ).demarrer()

    def travailler(self, *, lenteur: float = 0.0) -> None:
        """A new SMTP server (slow if asked) and a worker sending to it."""
        from tests.vrais_services import BoiteSmtp

        self.arreter_le_worker()
        if self.smtp is not None:
            self.smtp.__exit__()
        self.smtp = BoiteSmtp(lenteur=lenteur).__enter__()
        self.relancer_le_worker()

    def relancer_le_worker(self) -> None:
        from tests.vrais_services import WorkerCelery

        self.worker = WorkerCelery(
            broker=self.redis.url,
            smtp=self.smtp.url,
            production=True,
            nom="pannes",
            SECONDES_AVANT_BALAYAGE="0",
        ).demarrer()

    def arreter_le_worker(self) -> None:
        if self.worker is not None:
            self.worker.arreter()
            self.worker = None

    def arreter(self) -> None:
        self.arreter_le_worker()
        if self.smtp is not None:
            self.smtp.__exit__()
        if self.serveur is not None:
            self.serveur.arreter()
        self.redis.nettoyer()
