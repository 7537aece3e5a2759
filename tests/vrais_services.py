"""Real services for the tests of the jobs and of the faults: a Redis server of the test's own
(to stop, freeze and start it), a Celery worker in its own process (to kill it), the
application under gunicorn as in production, an SMTP server that keeps what it receives, and a
TCP server that accepts connections and never answers. ``bench/pannes.py`` uses them too."""

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

RACINE = Path(__file__).resolve().parents[1]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre(condition, *, delai: float = 20.0, message: str = "") -> None:
    limite = time.monotonic() + delai
    while not condition():
        if time.monotonic() > limite:
            raise AssertionError(f"Délai dépassé : {message}")
        time.sleep(0.05)


class RedisJetable:
    """A Redis server on a free port, that the test stops, starts, freezes (SIGSTOP: it
    accepts connections and never answers) and thaws at will. ``persistant``: with its
    append-only file, as docker-compose runs it (what it held comes back after a restart)."""

    def __init__(self, *, persistant: bool = False) -> None:
        self.port = port_libre()
        self.processus: subprocess.Popen | None = None
        self.dossier = tempfile.mkdtemp(prefix="redis-jetable-") if persistant else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def repond(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def demarrer(self) -> None:
        persistance = (
            ["--appendonly", "yes", "--appendfsync", "always", "--dir", self.dossier]
            if self.dossier
            else ["--appendonly", "no"]
        )
        self.processus = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *persistance],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        attendre(self.repond, message="Redis ne démarre pas")

    def arreter(self) -> None:
        if self.processus:
            self.degeler()
            self.processus.terminate()
            self.processus.wait(timeout=10)
            self.processus = None

    def geler(self) -> None:
        assert self.processus
        self.processus.send_signal(signal.SIGSTOP)

    def degeler(self) -> None:
        if self.processus:
            self.processus.send_signal(signal.SIGCONT)

    def nettoyer(self) -> None:
        self.arreter()
        if self.dossier:
            shutil.rmtree(self.dossier, ignore_errors=True)


class PostgresJetable:
    """A PostgreSQL cluster of its own, on a free port, created and dropped here (Debian's
    pg_createcluster): restarting it disturbs nobody, never the machine's shared server."""

    def __init__(self) -> None:
        self.port = port_libre()
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.nom = f"jetable{self.port}"

    @staticmethod
    def disponible() -> bool:
        return bool(shutil.which("pg_createcluster")) and Path("/etc/postgresql").is_dir()

    def url(self, base: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{base}"

    def creer(self) -> "PostgresJetable":
        subprocess.run(
            ["pg_createcluster", self.version, self.nom, "-p", str(self.port), "--start",
             "--", "--auth-local=trust", "--auth-host=trust"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return self

    def creer_base(self, nom: str) -> str:
        subprocess.run(
            ["psql", self.url(), "-q", "-c", f'CREATE DATABASE "{nom}"'],
            check=True,
            capture_output=True,
        )
        return self.url(nom)

    def redemarrer(self) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.nom, "restart"],
            check=True,
            capture_output=True,
        )

    def repond(self) -> bool:
        commande = ["pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-q"]
        return subprocess.run(commande, check=False).returncode == 0

    def supprimer(self) -> None:
        subprocess.run(
            ["pg_dropcluster", self.version, self.nom, "--stop"], check=False, capture_output=True
        )


class BoiteSmtp:
    """An SMTP server that keeps the messages it receives. ``sans_au_revoir``: it takes the
    messages ("250"), then never answers the client's QUIT; ``lenteur``: it takes this long
    to accept each message (a task that lasts)."""

    class _Gestionnaire:
        def __init__(self, messages: list, lenteur: float = 0.0) -> None:
            self.messages = messages
            self.lenteur = lenteur

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            if self.lenteur:
                await asyncio.sleep(self.lenteur)
            self.messages.append(envelope)
            return "250 Message accepté"

    class _SansAuRevoir(_Gestionnaire):
        async def handle_QUIT(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            await asyncio.sleep(60)
            return "221 Au revoir"

    def __init__(self, *, sans_au_revoir: bool = False, lenteur: float = 0.0) -> None:
        self.port = port_libre()
        self.messages: list = []
        gestionnaire = self._SansAuRevoir if sans_au_revoir else self._Gestionnaire
        self._controleur = Controller(
            gestionnaire(self.messages, lenteur), hostname="127.0.0.1", port=self.port
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def destinataires(self) -> list[str]:
        return sorted(rcpt for m in self.messages for rcpt in m.rcpt_tos)

    def identifiants(self) -> list[str]:
        """The Message-ID of each message received."""
        return [email.message_from_bytes(m.original_content)["Message-ID"] for m in self.messages]

    def __enter__(self) -> "BoiteSmtp":
        self._controleur.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controleur.stop()


class ServeurMuet:
    """Accepts TCP connections and never answers: a broker, or an SMTP server, that hangs."""

    def __init__(self) -> None:
        self._ecoute = socket.socket()
        self._ecoute.bind(("127.0.0.1", 0))
        self._ecoute.listen(50)
        self.port = self._ecoute.getsockname()[1]
        self._connexions: list[socket.socket] = []
        self._fil = threading.Thread(target=self._accepter, daemon=True)

    def _accepter(self) -> None:
        while True:
            try:
                connexion, _ = self._ecoute.accept()
            except OSError:
                return
            self._connexions.append(connexion)

    def __enter__(self) -> "ServeurMuet":
        self._fil.start()
        return self

    def __exit__(self, *exc) -> None:
        self._ecoute.close()
        for connexion in self._connexions:
            connexion.close()


def url_base_de_test() -> str:
    """The test database, as a DATABASE_URL for another process."""
    reglages = connection.settings_dict
    utilisateur = reglages["USER"] or "postgres"
    mot_de_passe = f":{reglages['PASSWORD']}" if reglages["PASSWORD"] else ""
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{utilisateur}{mot_de_passe}@{hote}:{port}/{reglages['NAME']}"


_STATIQUES: list[Path] = []


def statiques() -> Path:
    """The static files collected once (DEBUG off serves them from their manifest)."""
    if not _STATIQUES:
        dossier = Path(tempfile.mkdtemp(prefix="faireadmin-statiques-"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=RACINE,
            env={**os.environ, "DEBUG": "0", "STATIC_ROOT": str(dossier)},
            check=True,
            capture_output=True,
        )
        _STATIQUES.append(dossier)
    return _STATIQUES[0]


class ServeurWeb:
    """The application under gunicorn with production's settings (faireadmin/gunicorn.py, DEBUG
    off), on a free port of loopback, serving the test database (committed data: transactional
    tests). ``redis``: its broker and cache ("" for tasks run in the web process and the
    cache in memory); ``journal_d_acces``: where gunicorn writes its access log."""

    def __init__(
        self,
        *,
        redis: str = "",
        journal_d_acces: Path | None = None,
        base: str = "",
        **reglages: str,
    ) -> None:
        from django.conf import settings

        self.port = port_libre()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environnement = {
            "PATH": os.environ["PATH"],
            "DATABASE_URL": base or url_base_de_test(),
            "REDIS_URL": redis,
            "DEBUG": "0",
            # The test's own key: sessions created by the test are read by the server.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(statiques()),
            "SITE_URL": self.url,
            "BIND_HOST": "127.0.0.1",
            "PORT": str(self.port),
            "GUNICORN_ACCESS_LOG": str(journal_d_acces or ""),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **reglages,
        }
        self.processus: subprocess.Popen | None = None
        self.journal: list[str] = []

    def demarrer(self) -> "ServeurWeb":
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.processus = subprocess.Popen(
            [gunicorn, "-c", "python:faireadmin.gunicorn", "faireadmin.wsgi"],
            cwd=RACINE,
            env=self.environnement,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lecteur = threading.Thread(target=self._lire, daemon=True)
        self._lecteur.start()
        attendre(
            self._repond, delai=30, message="gunicorn ne répond pas :\n" + self._fin_du_journal()
        )
        return self

    def _lire(self) -> None:
        assert self.processus and self.processus.stdout
        for ligne in self.processus.stdout:
            self.journal.append(ligne.rstrip())

    def _fin_du_journal(self) -> str:
        return "\n".join(self.journal[-20:])

    def _repond(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"GET /sante/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def arreter(self) -> None:
        if self.processus:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait(timeout=10)
            self._lecteur.join(timeout=5)
            if self.processus.stdout:
                self.processus.stdout.close()
            self.processus = None


def session(agent) -> str:
    """A logged-in session of ``agent`` (the key of its cookie), as a login would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    magasin = import_module(settings.SESSION_ENGINE).SessionStore()
    magasin[SESSION_KEY] = str(agent.pk)
    magasin[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    magasin[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    magasin["vu"] = int(time.time())
    magasin.create()
    return magasin.session_key


class WorkerCelery:
    """``celery worker`` in its own process, on the given broker and SMTP server, reading and
    writing the test database."""

    # As docker-compose.yml runs it (prefork pool, two processes, the default steps); the tests
    # otherwise use one process, without the steps they do not need.
    PRODUCTION = ("--concurrency", "2")
    TESTS = ("--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle")

    def __init__(
        self,
        *,
        broker: str,
        smtp: str,
        nom: str = "travailleur",
        production: bool = False,
        **reglages: str,
    ) -> None:
        self.options = self.PRODUCTION if production else self.TESTS
        self.environnement = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "faireadmin.settings",
            "DATABASE_URL": url_base_de_test(),
            "REDIS_URL": broker,
            "EMAIL_URL": smtp,
            "EMAIL_TIMEOUT": "5",
            "SECRET_KEY": "tests-du-worker",
            "PYTHONUNBUFFERED": "1",
            **reglages,
        }
        self.nom = nom
        self.processus: subprocess.Popen | None = None
        self.journal: list[str] = []

    def demarrer(self) -> "WorkerCelery":
        self.processus = subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "faireadmin", "worker", *self.options,
             "--loglevel", "INFO", "--hostname", f"{self.nom}@%h"],
            cwd=RACINE,
            env=self.environnement,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        self._lecteur = threading.Thread(target=self._lire, daemon=True)
        self._lecteur.start()
        attendre(
            lambda: any("ready." in ligne for ligne in self.journal),
            message="le worker ne démarre pas :\n" + "\n".join(self.journal[-20:]),
        )
        return self

    def _lire(self) -> None:
        assert self.processus and self.processus.stdout
        for ligne in self.processus.stdout:
            self.journal.append(ligne.rstrip())

    def compter(self, *mots: str) -> int:
        """How many lines of its log hold all these words."""
        return sum(all(mot in ligne for mot in mots) for ligne in self.journal)

    def vivant(self) -> bool:
        return self.processus is not None and self.processus.poll() is None

    def a_commence(self, tache: str) -> bool:
        return any(f"Task {tache}[" in ligne and "received" in ligne for ligne in self.journal)

    def tuer(self) -> None:
        """SIGKILL: the worker dies in the middle of whatever it is doing."""
        if self.processus:
            self.processus.send_signal(signal.SIGKILL)
            self._fin()

    def arreter(self) -> None:
        if self.processus:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.processus.send_signal(signal.SIGKILL)
            self._fin()

    def _fin(self) -> None:
        assert self.processus and self.processus.stdout
        self.processus.wait(timeout=10)
        self._lecteur.join(timeout=5)
        self.processus.stdout.close()
        self.processus = None


def regler_celery(**reglages) -> None:
    """Changes settings of this process's Celery app. The app reads Django's CELERY_* settings:
    the namespaced key is the one Celery 5.6 sees, the plain one the one later releases see."""
    from faireadmin.celery import app

    for cle, valeur in reglages.items():
        app.conf[cle] = valeur
        app.conf[f"CELERY_{cle.upper()}"] = valeur


@contextmanager
def broker(url: str):
    """Points this process's Celery app at another broker (and off eager mode)."""
    from faireadmin import outbox
    from faireadmin.celery import app

    ancien = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}

    def repartir_de_zero() -> None:
        app._pool = None
        app.amqp._producer_pool = None
        outbox._broker_en_panne_jusqua = 0.0

    repartir_de_zero()
    regler_celery(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        repartir_de_zero()
        regler_celery(**ancien)
