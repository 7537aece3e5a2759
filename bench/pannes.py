"""make pannes: the real stack under faults, with figures.

The application under gunicorn as production runs it, a Celery worker as docker-compose runs
it, a Redis of its own (with its append-only file, as docker-compose runs it), an SMTP server
that keeps what it receives, and a PostgreSQL database of its own on the machine's server
(<base>_pannes, loaded with the demo data; the server itself is never stopped). Five scenarios:

- redis_arrete: Redis stopped for 8 s while agents register and pages are read;
- redis_gele: Redis frozen (SIGSTOP: it accepts connections and never answers) for 8 s, and
  40 registrations sent at once in the middle of it;
- redis_redemarre: a change made (and agents registering) while Redis is stopped, then Redis
  restarted with its append-only file (the old cached pages come back in it): the page must
  show the change;
- worker_tue: the worker killed (SIGKILL) four times while it sends, then restarted;
- tue_apres_le_250: the worker killed in the one window SMTP leaves (the server took the
  e-mail, the worker has not committed it yet): the e-mail goes again, same Message-ID;
- pertes_du_broker: 20 losses of Redis while a task runs, its message not acknowledged.

After each scenario the sweep is run (as beat would), and the e-mails are counted: sent, lost
(must be 0), sent again (with their Message-ID: always the same for a notification). One
JSON line per scenario on stdout; the targets missed on stderr; exit code 1 if one is missed.
"""

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from run import dire, environnement, manage, recreer_la_base  # noqa: E402 (bench/run.py)

DUREE_PANNE = 8.0
LATENCE_MAX_MS = 1000  # every page, Redis frozen or stopped
INSCRIPTIONS_MAX_S = 2.0  # 40 registrations at once, Redis frozen
PAGES = ("/", "/journees/", "/tableau-de-bord/")
CSRF = secrets.token_hex(16)


# --- The stack ----------------------------------------------------------------------------
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


# --- Requests -----------------------------------------------------------------------------
class Mesures:
    def __init__(self) -> None:
        self.latences: list[float] = []
        self.erreurs = 0
        self.verrou = threading.Lock()

    def noter(self, debut: float, statut: int) -> None:
        with self.verrou:
            self.latences.append((time.monotonic() - debut) * 1000)
            self.erreurs += statut >= 500

    def resume(self) -> dict:
        latences = sorted(self.latences) or [0.0]
        return {
            "requetes": len(self.latences),
            "latence_max_ms": round(latences[-1], 1),
            "p95_ms": round(latences[int(len(latences) * 0.95) - 1], 1),
            "erreurs": self.erreurs,
        }


def lire_pendant(
    site: str, cle: str, arret: threading.Event, mesures: Mesures
) -> list[threading.Thread]:
    """Pages read in a loop until ``arret`` (four readers)."""
    import requests

    def lire() -> None:
        with requests.Session() as navigateur:
            navigateur.cookies.set("sessionid", cle)
            while not arret.is_set():
                for page in PAGES:
                    debut = time.monotonic()
                    try:
                        statut = navigateur.get(site + page, timeout=30).status_code
                    except requests.RequestException:
                        statut = 599
                    mesures.noter(debut, statut)

    # Daemons: a scenario that fails does not leave them reading a server that is gone.
    fils = [threading.Thread(target=lire, daemon=True) for _ in range(4)]
    for fil in fils:
        fil.start()
    return fils


def inscrire(site: str, journee_pk: int, cles: list[str], mesures: Mesures) -> float:
    """The registrations of these sessions, all at once; returns how long they took."""
    import requests

    def une(cle: str) -> None:
        debut = time.monotonic()
        try:
            statut = requests.post(
                f"{site}/journees/{journee_pk}/inscription/",
                cookies={"sessionid": cle, "csrftoken": CSRF},
                headers={"X-CSRFToken": CSRF, "HX-Request": "true"},
                timeout=30,
            ).status_code
        except requests.RequestException:
            statut = 599
        mesures.noter(debut, statut)

    debut = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(cles)) as groupe:
        list(groupe.map(une, cles))
    return time.monotonic() - debut


# --- E-mails ------------------------------------------------------------------------------
def balayer(pile: Pile, attendus: set[int], delai: float = 60.0) -> None:
    """Runs the sweep (as beat would) until the expected notifications are all sent."""
    from faireadmin.models import Notification
    from faireadmin.tasks import notifications_balayer
    from tests.vrais_services import broker

    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        restants = Notification.objects.filter(pk__in=attendus).exclude(statut="envoyee")
        if not restants.exists():
            break
        with broker(pile.redis.url):
            notifications_balayer.delay()
        time.sleep(2)
    time.sleep(1.5)  # a late duplicate would arrive by now


def courriels(pile: Pile, attendus: set[int]) -> dict:
    """Of the notifications ``attendus``: how many reached the server, lost, sent again."""
    from faireadmin import outbox
    from faireadmin.models import Notification

    # Each notification's messages as the server received them, by their Message-ID.
    identifiants = {
        pk: outbox.identifiant_du_message(n)
        for pk, n in Notification.objects.in_bulk(attendus).items()
    }
    recus = pile.smtp.identifiants()
    envoyes = {pk for pk, identifiant in identifiants.items() if identifiant in recus}
    des_notres = [i for i in recus if i in identifiants.values()]
    return {
        "courriels_attendus": len(attendus),
        "courriels_envoyes": len(envoyes),
        "perdus": len(attendus - envoyes),
        # Sent once more after a crash at the wrong moment: with the same Message-ID (they are
        # counted by it), by which mail systems recognise the resend.
        "renvoyes_meme_message_id": len(des_notres) - len(set(des_notres)),
        "autres_messages": len([i for i in recus if i not in identifiants.values()]),
    }


def notifications_de(journee) -> set[int]:
    from faireadmin.models import Notification

    objets = [f"inscription:{pk}" for pk in journee.inscriptions.values_list("pk", flat=True)]
    return set(Notification.objects.filter(objet__in=objets).values_list("pk", flat=True))


# --- Data -----------------------------------------------------------------------------------
class Donnees:
    """Sessions of demo agents (each registers once), the DG's, a journée per scenario."""

    def __init__(self) -> None:
        from faireadmin.models import Agent
        from tests.vrais_services import session

        self.session = session
        comptes = [f"{cle}@laregion.example" for cle in ("agent", "pilote", "lab", "dg", "admin")]
        agents = Agent.objects.filter(is_active=True, is_staff=False).exclude(email__in=comptes)
        self.agents = list(agents.order_by("pk"))
        self.dg = session(Agent.objects.get(email="dg@laregion.example"))
        self.pilote = Agent.objects.get(email="pilote@laregion.example")

    def sessions(self, nombre: int) -> list[str]:
        choisis, self.agents = self.agents[:nombre], self.agents[nombre:]
        return [self.session(agent) for agent in choisis]

    @staticmethod
    def journee(titre: str, capacite: int = 30):
        import datetime as dt

        from django.utils import timezone

        from journees.models import Journee

        return Journee.objects.create(
            phase="explorer",
            titre=titre,
            date=timezone.localdate() + dt.timedelta(days=30),
            ville="Montpellier",
            lieu="Hôtel de Région",
            capacite=capacite,
        )


# --- Scenarios ------------------------------------------------------------------------------
def panne_de_redis(pile: Pile, donnees: Donnees, *, nom: str, gel: bool) -> dict:
    """Redis stopped or frozen DUREE_PANNE seconds: pages read all along, agents register
    one after the other, then 40 at once."""
    pile.travailler()
    site = pile.serveur.url
    journee = donnees.journee(f"Pannes : {nom}")
    pages, inscriptions = Mesures(), Mesures()
    arret = threading.Event()
    lecteurs = lire_pendant(site, donnees.dg, arret, pages)
    try:
        time.sleep(1)
        if gel:
            pile.redis.geler()
        else:
            pile.redis.arreter()
        debut = time.monotonic()
        for cle in donnees.sessions(10):
            inscrire(site, journee.pk, [cle], inscriptions)
            time.sleep(0.2)
        duree_des_40 = inscrire(site, journee.pk, donnees.sessions(40), inscriptions)
        time.sleep(max(DUREE_PANNE - (time.monotonic() - debut), 0))
        if gel:
            pile.redis.degeler()
        else:
            pile.redis.demarrer()
        time.sleep(1)
    finally:
        arret.set()
        for fil in lecteurs:
            fil.join()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": nom,
        **pages.resume(),
        "inscriptions": inscriptions.resume()["requetes"],
        "inscriptions_erreurs": inscriptions.erreurs,
        "inscription_latence_max_ms": inscriptions.resume()["latence_max_ms"],
        "quarante_inscriptions_s": round(duree_des_40, 2),
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def redemarrage_de_redis(pile: Pile, donnees: Donnees) -> dict:
    """A point d'étape written while Redis is stopped; Redis restarted with its append-only
    file (the page cached before comes back in it): the page shows the change."""
    import requests

    from suivi.models import Proposition

    pile.travailler()
    site = pile.serveur.url
    proposition = (
        Proposition.objects.filter(sujet__pilotages__agent=donnees.pilote)
        .exclude(statut__in=["realisee", "abandonnee"])
        .order_by("pk")
        .first()
    )
    cle = donnees.session(donnees.pilote)
    page = f"{site}/propositions/{proposition.pk}/"
    mesures = Mesures()

    def lire() -> str:
        debut = time.monotonic()
        reponse = requests.get(page, cookies={"sessionid": cle}, timeout=30)
        mesures.noter(debut, reponse.status_code)
        return reponse.text

    def avancement(html: str) -> int:
        return int(re.search(r'class="avancement__barre"[^>]* value="(\d+)"', html).group(1))

    def version(html: str) -> str:
        return re.search(r'name="version" value="(\d+)"', html).group(1)

    avant = lire()
    lire()  # now from the cache
    nouvel = (avancement(avant) + 7) % 100
    pile.redis.arreter()
    etat = {
        "statut": proposition.statut,
        "avancement": str(avancement(avant)),
        "meteo": proposition.meteo,
        "meteo_explication": proposition.meteo_explication,
    }
    debut = time.monotonic()
    statut = requests.post(
        f"{site}/propositions/{proposition.pk}/point/",
        {
            **{f"initial-{k}": v for k, v in etat.items()},
            **etat,
            "avancement": str(nouvel),
            "version": version(avant),
            "texte": "Écrit pendant la panne de Redis (make pannes).",
        },
        cookies={"sessionid": cle, "csrftoken": CSRF},
        headers={"X-CSRFToken": CSRF, "HX-Request": "true"},
        timeout=30,
    ).status_code
    mesures.noter(debut, statut)
    journee = donnees.journee("Pannes : Redis redémarré")
    for cle_agent in donnees.sessions(10):  # and agents register meanwhile
        inscrire(site, journee.pk, [cle_agent], mesures)
    pile.redis.demarrer()
    time.sleep(6)  # the web processes' pause after the failure is over
    apres = lire()
    proposition.refresh_from_db()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": "redis_redemarre",
        **mesures.resume(),
        **courriels(pile, attendus),
        "point_pendant_la_panne": statut,
        "avancement_en_base": proposition.avancement,
        "avancement_affiche": avancement(apres),
        "page_a_jour": avancement(apres) == proposition.avancement == nouvel,
        "version_a_jour": version(apres) == str(proposition.version),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def worker_tue(pile: Pile, donnees: Donnees) -> dict:
    """20 registrations; the worker, sending to a slow server, killed four times."""
    pile.travailler(lenteur=0.4)
    journee = donnees.journee("Pannes : worker tué")
    mesures = Mesures()
    inscrire(pile.serveur.url, journee.pk, donnees.sessions(20), mesures)
    attendus = notifications_de(journee)
    for _ in range(4):
        time.sleep(0.9)
        pile.worker.tuer()
        pile.relancer_le_worker()
    balayer(pile, attendus, delai=120)
    return {
        "scenario": "worker_tue",
        **mesures.resume(),
        "workers_tues": 4,
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def tue_apres_le_250(pile: Pile, donnees: Donnees) -> dict:
    """The one window SMTP leaves: the worker killed after the server took the e-mail (its
    "250") and before its commit (held here by a trigger that slows that UPDATE down). The
    e-mail goes once more, with the same Message-ID."""
    from django.db import connection

    from tests.vrais_services import attendre

    pile.travailler()
    journee = donnees.journee("Pannes : tué après le 250")
    with connection.cursor() as curseur:
        curseur.execute(
            "CREATE FUNCTION pannes_lente() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(2); "
            "RETURN NEW; END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER pannes_lente BEFORE UPDATE ON faireadmin_notification FOR EACH ROW "
            "WHEN (NEW.statut = 'envoyee') EXECUTE FUNCTION pannes_lente();"
        )
    try:
        mesures = Mesures()
        inscrire(pile.serveur.url, journee.pk, donnees.sessions(1), mesures)
        attendre(lambda: len(pile.smtp.messages) >= 1, message="l'e-mail n'arrive pas")
        pile.worker.tuer()
    finally:
        with connection.cursor() as curseur:
            curseur.execute(
                "DROP TRIGGER pannes_lente ON faireadmin_notification;DROP FUNCTION pannes_lente();"
            )
    time.sleep(2.5)  # the killed worker's transaction is rolled back
    pile.relancer_le_worker()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": "tue_apres_le_250",
        **mesures.resume(),
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def pertes_du_broker(pile: Pile, pertes: int) -> dict:
    """``pertes`` losses of Redis, each while a task runs (an e-mail to a slow server)."""
    from django.db import transaction

    from faireadmin import outbox
    from tests.vrais_services import attendre, broker

    pile.travailler(lenteur=3)
    worker = pile.worker
    attendus: set[int] = set()
    for perte in range(pertes):
        with broker(pile.redis.url), transaction.atomic():
            notification = outbox.notifier(
                nature="pannes",
                objet=f"perte:{perte}:{time.time_ns()}",
                destinataire=f"perte{perte}@region.example",
                sujet="Un envoi lent (make pannes)",
                corps="…",
            )
        attendus.add(notification.pk)
        try:
            attendre(
                lambda perte=perte: worker.compter("envoyer_notification", "received") > perte,
                message="le worker ne prend pas la tâche",
            )
        except AssertionError:
            break
        time.sleep(0.5)
        pile.redis.arreter()
        time.sleep(1)
        pile.redis.demarrer()
        try:
            attendre(
                lambda perte=perte: worker.compter("Connected to redis") > perte + 1,
                delai=30,
                message="le worker ne se reconnecte pas",
            )
        except AssertionError:
            break
    sorties = 0 if worker.vivant() else 1
    if sorties:
        pile.relancer_le_worker()
    balayer(pile, attendus, delai=120)
    return {
        "scenario": "pertes_du_broker",
        "pertes": pertes,
        "sorties_du_worker": sorties,
        "erreurs_irrecuperables": worker.compter("Unrecoverable error"),
        **courriels(pile, attendus),
    }


# --- Targets --------------------------------------------------------------------------------
def verifier(ligne: dict, echecs: list[str]) -> None:
    nom = ligne["scenario"]
    if ligne.get("erreurs"):
        echecs.append(f"{nom} : {ligne['erreurs']} réponse(s) 5xx")
    if ligne.get("perdus"):
        echecs.append(f"{nom} : {ligne['perdus']} e-mail(s) perdu(s)")
    if ligne.get("sorties_du_worker"):
        echecs.append(f"{nom} : le worker est sorti")
    if nom in ("redis_arrete", "redis_gele"):
        if ligne["latence_max_ms"] > LATENCE_MAX_MS:
            echecs.append(f"{nom} : une page a pris {ligne['latence_max_ms']} ms")
        if ligne["inscriptions_erreurs"]:
            echecs.append(f"{nom} : {ligne['inscriptions_erreurs']} inscription(s) en erreur")
    if nom == "redis_gele" and ligne["quarante_inscriptions_s"] > INSCRIPTIONS_MAX_S:
        echecs.append(f"{nom} : 40 inscriptions en {ligne['quarante_inscriptions_s']} s")
    if nom == "redis_redemarre" and not (ligne["page_a_jour"] and ligne["version_a_jour"]):
        echecs.append(f"{nom} : page périmée après le retour de Redis ({ligne})")
    if ligne.get("autres_messages"):
        echecs.append(
            f"{nom} : {ligne['autres_messages']} e-mail(s) renvoyé(s) sous un autre Message-ID"
        )
    if nom == "tue_apres_le_250" and ligne["renvoyes_meme_message_id"] > 1:
        echecs.append(f"{nom} : {ligne['renvoyes_meme_message_id']} renvois")
    if nom == "pertes_du_broker" and ligne["erreurs_irrecuperables"]:
        echecs.append(f"{nom} : {ligne['erreurs_irrecuperables']} erreur(s) irrécupérable(s)")


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--pertes", type=int, default=20, help="pertes du broker")
    arguments.add_argument(
        "--scenarios",
        default=(
            "redis_arrete,redis_gele,redis_redemarre,worker_tue,tue_apres_le_250,pertes_du_broker"
        ),
    )
    options = arguments.parse_args()
    (RACINE / "artefacts").mkdir(exist_ok=True)
    partagee = urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/faireadmin")
    )
    base = urlunsplit(partagee._replace(path=partagee.path + "_pannes"))
    env = {
        **environnement(0),
        "DATABASE_URL": base,
        "STATIC_ROOT": tempfile.mkdtemp(prefix="faireadmin-pannes-static-"),
        "SECONDES_AVANT_BALAYAGE": "0",
    }
    os.environ.update(env)
    debut = time.perf_counter()
    recreer_la_base(base)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "demo", "--force")
    dire(f"# Base de démonstration prête en {time.perf_counter() - debut:.0f} s.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")
    import django

    django.setup()
    pile = Pile(base)
    echecs: list[str] = []
    try:
        # The web processes use the pile's Redis as broker and cache.
        pile.servir()
        donnees = Donnees()
        scenarios = {
            "redis_arrete": lambda: panne_de_redis(pile, donnees, nom="redis_arrete", gel=False),
            "redis_gele": lambda: panne_de_redis(pile, donnees, nom="redis_gele", gel=True),
            "redis_redemarre": lambda: redemarrage_de_redis(pile, donnees),
            "worker_tue": lambda: worker_tue(pile, donnees),
            "tue_apres_le_250": lambda: tue_apres_le_250(pile, donnees),
            "pertes_du_broker": lambda: pertes_du_broker(pile, options.pertes),
        }
        for nom in options.scenarios.split(","):
            debut = time.perf_counter()
            ligne = scenarios[nom]()
            ligne["duree_s"] = round(time.perf_counter() - debut, 1)
            print(json.dumps(ligne, ensure_ascii=False), flush=True)
            verifier(ligne, echecs)
    finally:
        pile.arreter()
    for echec in echecs:
        dire(f"# OBJECTIF MANQUÉ — {echec}")
    dire("# Tous les objectifs sont tenus." if not echecs else f"# {len(echecs)} manqué(s).")
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
